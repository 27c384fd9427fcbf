import mailbox

import pytest
from django.core.management import call_command

from casedesk.models import Case
from mailclerk.models import InboundMessage

from .clerk import eml, mail

ORIGINAL = mail(subject="VPN down", message_id="<orig-1@acme.example>", body="The VPN is down.")
REPLY = mail(
    subject="Re: VPN down",
    message_id="<reply-1@acme.example>",
    body="Still down this morning.",
    headers={"In-Reply-To": "<orig-1@acme.example>", "References": "<orig-1@acme.example>"},
).replace(b"Date: Mon, 2 Dec 2024 10:00:00", b"Date: Tue, 3 Dec 2024 08:00:00")


def run(capsys, *args) -> str:
    call_command("clerk_import", *args, "--no-progress")
    return capsys.readouterr().out


def test_a_folder_is_imported_in_date_order_so_replies_thread(capsys, customer, support_queue, tmp_path):
    (tmp_path / "a.eml").write_bytes(REPLY)  # file order: the reply first
    (tmp_path / "b.eml").write_bytes(ORIGINAL)
    out = run(capsys, str(tmp_path), "--process-now")
    case = Case.objects.get()
    assert case.title == "VPN down"
    assert case.activities.filter(kind="email_in").count() == 2
    assert "2 messages: 2 stored, 0 duplicate, 0 quarantined" in out
    assert f"create_case case {case.number}" in out and f"log_note case {case.number}" in out


def test_queued_import_is_processed_in_date_order_too(capsys, customer, support_queue, tmp_path):
    (tmp_path / "a.eml").write_bytes(REPLY)
    (tmp_path / "b.eml").write_bytes(ORIGINAL)
    out = run(capsys, str(tmp_path))
    assert "queued for processing in date order" in out
    assert Case.objects.get().activities.filter(kind="email_in").count() == 2


def test_an_mbox_is_imported_with_a_summary(capsys, customer, support_queue, tmp_path):
    path = tmp_path / "archive.mbox"
    box = mailbox.mbox(str(path))
    for raw in (ORIGINAL, eml("thunderbird_latin1.eml"), b"\x00\x01 not mail at all\n", ORIGINAL):
        box.add(raw)
    box.flush()
    out = run(capsys, str(path), "--process-now")
    assert "4 messages: 3 stored, 1 duplicate, 1 quarantined" in out
    assert InboundMessage.objects.filter(channel="import").count() == 3


def test_a_maildir_is_imported(capsys, customer, support_queue, tmp_path):
    box = mailbox.Maildir(str(tmp_path / "Maildir"))
    box.add(ORIGINAL)
    box.add(eml("shift_jis.eml"))
    out = run(capsys, str(tmp_path / "Maildir"), "--process-now")
    assert "2 messages: 2 stored" in out
    assert Case.objects.count() == 2


def test_a_missing_path_is_a_clear_error(db, tmp_path):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="does not exist"):
        call_command("clerk_import", str(tmp_path / "nope"))
