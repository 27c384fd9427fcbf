from mailclerk import services
from mailclerk.models import InboundMessage, content_hash

from .clerk import eml


def test_it_stores_the_raw_bytes_exactly(db):
    raw = eml("thunderbird_latin1.eml")
    inbound, created = services.store_inbound(raw, channel="pipe", enqueue=False)
    assert created
    inbound.refresh_from_db()
    assert inbound.read_raw() == raw
    assert inbound.size == len(raw)
    assert inbound.message_id == "<5f1a2b3c-4d5e-6f70-8192-a3b4c5d6e7f8@globex.example>"
    assert inbound.from_address == "fay@globex.example"
    assert inbound.status == InboundMessage.Status.RECEIVED


def test_the_same_message_twice_is_stored_once(db):
    raw = eml("gmail_new_request.eml")
    first, created1 = services.store_inbound(raw, channel="webhook", enqueue=False)
    second, created2 = services.store_inbound(raw, channel="webhook", enqueue=False)
    assert (created1, created2) == (True, False)
    assert first.pk == second.pk
    assert InboundMessage.objects.count() == 1


def test_the_same_message_through_two_channels_is_one_message(db):
    raw = eml("gmail_new_request.eml")
    relayed = b"Received: from mx.example by imap.example; Mon, 2 Dec 2024 09:15:00 +0000\r\n" + raw
    services.store_inbound(raw, channel="webhook", enqueue=False)
    _, created = services.store_inbound(relayed.replace(b"\r\n", b"\n"), channel="imap", enqueue=False)
    assert not created
    assert InboundMessage.objects.count() == 1


def test_a_duplicate_message_id_with_different_content_is_a_different_message(db):
    a, _ = services.store_inbound(eml("same_id_a.eml"), channel="pipe", enqueue=False)
    b, created = services.store_inbound(eml("same_id_b.eml"), channel="pipe", enqueue=False)
    assert created and a.pk != b.pk
    assert a.message_id == b.message_id == "<same-id@newcorp.example>"


def test_processing_is_queued_only_after_commit(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.store_inbound(eml("no_message_id.eml"), channel="pipe")
    assert len(callbacks) == 1


def test_processing_twice_acts_once(db, support_queue):
    from casedesk.models import Case

    inbound, _ = services.store_inbound(eml("no_message_id.eml"), channel="pipe", enqueue=False)
    services.process_inbound(inbound.pk)
    services.process_inbound(inbound.pk)
    assert Case.objects.count() == 1


def test_content_hash_ignores_trace_headers_and_line_endings():
    raw = b"From: a@b.example\r\nSubject: x\r\n\r\nbody\r\n"
    traced = b"Received: from x\r\n  by y\r\nReturn-Path: <a@b.example>\r\n" + raw
    assert content_hash(raw) == content_hash(traced.replace(b"\r\n", b"\n"))
    assert content_hash(raw) != content_hash(raw.replace(b"body", b"other"))


def test_a_message_over_the_size_limit_is_kept_but_quarantined(db, settings):
    settings.CLERK_MAX_MESSAGE_BYTES = 100
    raw = eml("gmail_new_request.eml")
    inbound, _ = services.store_inbound(raw, channel="pipe", enqueue=False)
    inbound = services.process_inbound(inbound.pk)
    assert inbound.status == InboundMessage.Status.QUARANTINED
    assert inbound.reason.startswith("too large")
    assert inbound.read_raw() == raw
