"""What arrives at a real SMTP server: headers, body, alternatives, attachments, envelope."""

from casedesk.mail_templates import CASE_CREATED, enqueue_templated_email
from casedesk.models import OutboundEmail
from casedesk.services import NewAttachment
from rules.outbound import sender

from .conftest import log_email


def send(outbound_id):
    result = sender.send_one(outbound_id)
    assert result.outcome == sender.SENT, result
    return OutboundEmail.objects.get(pk=outbound_id)


def test_the_message_carries_exactly_the_headers_we_recorded(agent, case, smtpd, settings):
    activity = log_email(
        case,
        agent,
        cc=["Erik Eriksen <erik@acme.example>"],
        bcc=["audit@casedesk.localhost"],
        attachments=[
            NewAttachment("report.pdf", b"%PDF-1.4\x00\x01binary", "application/pdf"),
            NewAttachment("notes.txt", "Grüße\n".encode(), "text/plain"),
        ],
    )
    outbound = send(OutboundEmail.objects.get(activity=activity).pk)
    assert outbound.status == "sent" and outbound.attempts == 1 and outbound.sent_at is not None

    (envelope,) = smtpd.messages
    assert sorted(envelope.rcpt_tos) == ["audit@casedesk.localhost", "dana@acme.example", "erik@acme.example"]
    message = smtpd.parsed()
    assert message["From"] == settings.CASEDESK_FROM_EMAIL
    assert message["To"] == "dana@acme.example"
    assert message["Cc"] == "Erik Eriksen <erik@acme.example>"
    assert message["Bcc"] is None
    assert b"audit@casedesk.localhost" not in envelope.original_content
    assert message["Reply-To"] == settings.CASEDESK_CLERK_EMAIL
    assert message["Subject"] == f"About Case {case.number} :: Printer on fire"
    assert message["Message-ID"] == outbound.message_id
    assert message["X-Casedesk-Case"] == str(case.number)
    assert message["Auto-Submitted"] is None

    # On the wire lines end in CRLF; the text is otherwise exactly what was recorded.
    assert message.get_body(("plain",)).get_content().replace("\r\n", "\n") == outbound.text
    assert "<p>Hello Dana,</p>" in message.get_body(("html",)).get_content()
    attachments = {part.get_filename(): part for part in message.iter_attachments()}
    assert attachments["report.pdf"].get_content_type() == "application/pdf"
    assert attachments["report.pdf"].get_content() == b"%PDF-1.4\x00\x01binary"
    assert attachments["notes.txt"].get_content().replace("\r\n", "\n") == "Grüße\n"


def test_a_reply_carries_in_reply_to_and_references(agent, case, smtpd):
    first = OutboundEmail.objects.get(activity=log_email(case, agent))
    send(first.pk)
    second = OutboundEmail.objects.get(activity=log_email(case, agent))
    send(second.pk)
    message = smtpd.parsed(-1)
    assert message["In-Reply-To"] == first.message_id
    assert message["References"] == second.references
    assert first.message_id in message["References"]


def test_agent_mode_sends_from_the_agent_with_reply_to_the_clerk(agent, case, smtpd, settings):
    settings.CASEDESK_FROM_MODE = "agent"
    send(OutboundEmail.objects.get(activity=log_email(case, agent)).pk)
    message = smtpd.parsed()
    assert message["From"] == "Alice Agent <alice@casedesk.localhost>"
    assert message["Reply-To"] == settings.CASEDESK_CLERK_EMAIL


def test_automatic_mail_is_marked_auto_submitted(case, smtpd):
    outbound = enqueue_templated_email(CASE_CREATED, case=case, to=[case.contact.email])
    send(outbound.pk)
    message = smtpd.parsed()
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["X-Casedesk-Case"] == str(case.number)


def test_a_header_with_a_line_break_that_reached_the_row_is_refused_not_sent(case, smtpd):
    outbound = enqueue_templated_email(CASE_CREATED, case=case, to=[case.contact.email])
    OutboundEmail.objects.filter(pk=outbound.pk).update(
        extra_headers={"X-Evil": "a\r\nBcc: victim@example.com"}
    )
    result = sender.send_one(outbound.pk)
    assert result.outcome == sender.FAILED
    assert "line breaks" in OutboundEmail.objects.get(pk=outbound.pk).last_error
    assert smtpd.messages == []


def test_an_esp_backend_is_used_by_settings_and_its_message_id_kept(agent, case, settings, mailoutbox):
    settings.EMAIL_BACKEND = "anymail.backends.test.EmailBackend"
    outbound = send(OutboundEmail.objects.get(activity=log_email(case, agent)).pk)
    (message,) = mailoutbox
    assert message.extra_headers["Message-ID"] == outbound.message_id
    assert outbound.esp_message_id == str(message.anymail_status.message_id)
