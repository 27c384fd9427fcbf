from email.message import EmailMessage

from django.test import override_settings

from mailclerk.models import InboundMessage

from .clerk import ingest


def _mail_with_attachments(*sizes: int) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Dana Doyle <dana@acme.example>"
    msg["To"] = "clerk@casedesk.localhost"
    msg["Subject"] = "Logs of the printer"
    msg["Message-ID"] = f"<att-{'-'.join(map(str, sizes))}@acme.example>"
    msg.set_content("The logs are attached.")
    for index, size in enumerate(sizes, 1):
        msg.add_attachment(
            b"x" * size, maintype="application", subtype="octet-stream", filename=f"log{index}.bin"
        )
    return msg.as_bytes()


@override_settings(CLERK_MAX_ATTACHMENT_BYTES=2048)
def test_an_oversized_attachment_is_listed_and_the_mail_still_logged(support_queue):
    inbound = ingest(_mail_with_attachments(100, 3 * 1024))
    assert inbound.status == InboundMessage.Status.PROCESSED and inbound.action == "create_case"
    entry = inbound.case.activities.get(kind="email_in")
    assert [a.filename for a in entry.attachments.all()] == ["log1.bin"]
    assert entry.body.startswith("The logs are attached.")
    assert "[attachment log2.bin (3 KB) not stored: over the 2 KB limit]" in entry.body
    assert entry.meta["attachments_not_stored"] == [
        "attachment log2.bin (3 KB) not stored: over the 2 KB limit"
    ]


@override_settings(CLERK_MAX_ATTACHMENTS=2, CLERK_MAX_ATTACHMENTS_BYTES=10**9)
def test_the_count_limit_applies(support_queue):
    inbound = ingest(_mail_with_attachments(10, 10, 10))
    entry = inbound.case.activities.get(kind="email_in")
    assert entry.attachments.count() == 2
    assert "log3.bin (10 bytes) not stored: over the limit of 2 attachments" in entry.body


@override_settings(CLERK_MAX_ATTACHMENTS_BYTES=1500)
def test_the_per_message_limit_applies(support_queue):
    inbound = ingest(_mail_with_attachments(1000, 1000))
    entry = inbound.case.activities.get(kind="email_in")
    assert entry.attachments.count() == 1
    assert "log2.bin (1000 bytes) not stored: over the 1 KB limit per message" in entry.body
