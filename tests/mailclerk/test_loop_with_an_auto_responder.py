"""A simulated auto-responder answers every mail we send it. The exchange must stop."""

import pytest

from casedesk.models import OutboundEmail
from mailclerk.models import InboundMessage

from .clerk import ingest, mail


def responder_reply(outbound: OutboundEmail, *, marks_itself: bool) -> bytes:
    headers = {"In-Reply-To": outbound.message_id, "References": outbound.message_id}
    if marks_itself:
        headers["Auto-Submitted"] = "auto-replied"
    return mail(
        sender="robot@acme.example",
        subject=f"Re: {outbound.subject}",
        body="Thank you for your message. This mailbox is not monitored.",
        headers=headers,
    )


def run_exchange(rounds: int, *, marks_itself: bool) -> int:
    ingest(mail(sender="robot@acme.example", subject="Please call me back"))
    answered: set[int] = set()
    for _ in range(rounds):
        pending = (
            OutboundEmail.objects.filter(to=["robot@acme.example"])
            .exclude(pk__in=answered)
            .order_by("pk")
            .first()
        )
        if pending is None:
            break
        answered.add(pending.pk)
        ingest(responder_reply(pending, marks_itself=marks_itself))
    return OutboundEmail.objects.filter(to=["robot@acme.example"]).count()


@pytest.mark.parametrize("marks_itself", [False, True], ids=["naive-responder", "auto-submitted-responder"])
def test_an_auto_responder_cannot_ping_pong_with_the_clerk(db, support_queue, settings, marks_itself):
    settings.CLERK_CONFIRMATIONS_PER_HOUR = 3
    sent = run_exchange(50, marks_itself=marks_itself)
    assert sent <= 3
    if marks_itself:
        assert sent == 1  # only the first, human-looking mail was confirmed


def test_no_confirmation_ever_answers_an_auto_submitted_message(db, support_queue):
    run_exchange(20, marks_itself=True)
    auto_ids = {
        m.message_id for m in InboundMessage.objects.all() if b"Auto-Submitted: auto-replied" in m.read_raw()
    }
    assert auto_ids
    assert not OutboundEmail.objects.filter(in_reply_to__in=auto_ids).exists()


def test_a_flood_from_one_sender_is_quarantined_as_a_loop(db, support_queue, settings):
    settings.CLERK_MESSAGES_PER_SENDER_PER_HOUR = 5
    results = [ingest(mail(sender="flood@acme.example", subject=f"n{i}")) for i in range(8)]
    assert [r.status for r in results].count("quarantined") == 3
    assert results[-1].reason.startswith("loop limit")
