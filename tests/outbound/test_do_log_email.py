"""do_log_email: one transaction writes the history entry and the outgoing mail row."""

import pytest

from casedesk import services
from casedesk.models import Activity, Case, OutboundEmail
from casedesk.services import CaseActionError, EmailDetails, NewAttachment

from .conftest import log_email


def test_it_writes_a_public_email_out_activity_and_a_queued_outbound_email(agent, case, settings):
    before = Case.objects.get(pk=case.pk).updated_at
    activity = log_email(case, agent, cc=["erik@acme.example"], bcc=["audit@casedesk.localhost"])
    assert activity.kind == Activity.Kind.EMAIL_OUT and activity.is_public
    assert activity.actor_user == agent
    assert activity.email_to == "dana@acme.example" and activity.email_cc == "erik@acme.example"
    assert "audit@" not in activity.email_to + activity.email_cc + activity.body
    outbound = OutboundEmail.objects.get(activity=activity)
    assert outbound.status == OutboundEmail.Status.QUEUED and outbound.attempts == 0
    assert outbound.kind == OutboundEmail.Kind.AGENT and outbound.created_by == agent
    assert outbound.from_email == settings.CASEDESK_FROM_EMAIL
    assert outbound.reply_to == [settings.CASEDESK_CLERK_EMAIL]
    assert outbound.subject == f"About Case {case.number} :: Printer on fire"
    assert outbound.text == "Hello Dana,\n\nWe are on it.\n"
    assert "<p>Hello Dana,</p>" in outbound.html
    assert outbound.message_id == activity.message_id
    assert outbound.message_id.startswith(f"<case{case.number}.") and outbound.message_id.endswith(
        "@casedesk.localhost>"
    )
    assert outbound.extra_headers["X-Casedesk-Case"] == str(case.number)
    assert "Auto-Submitted" not in outbound.extra_headers
    assert Case.objects.get(pk=case.pk).updated_at > before


def test_it_threads_to_the_last_message_of_the_case(agent, case):
    services.do_log_note(
        case, body="More smoke.", actor=case.contact, email=EmailDetails(message_id="<in-1@acme.example>")
    )
    first = log_email(case, agent)
    outbound = OutboundEmail.objects.get(activity=first)
    assert outbound.in_reply_to == "<in-1@acme.example>"
    second = OutboundEmail.objects.get(activity=log_email(case, agent))
    assert second.in_reply_to == outbound.message_id
    assert second.references == f"<in-1@acme.example> {outbound.message_id}"


def test_include_previous_quotes_the_last_inbound_email(agent, case):
    services.do_log_note(
        case,
        body="Still burning.\nHelp!",
        actor=case.contact,
        email=EmailDetails(from_="Dana Doyle <dana@acme.example>", message_id="<in-2@acme.example>"),
    )
    outbound = OutboundEmail.objects.get(activity=log_email(case, agent, include_previous=True))
    assert "Dana Doyle <dana@acme.example> wrote:\n> Still burning.\n> Help!\n" in outbound.text


def test_attachments_belong_to_the_activity(agent, case):
    activity = log_email(case, agent, attachments=[NewAttachment("log.txt", b"lines", "text/plain")])
    (attachment,) = activity.attachments.all()
    assert attachment.filename == "log.txt" and attachment.file.read() == b"lines"


def test_nothing_is_sent_before_commit(agent, case, smtpd, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        log_email(case, agent)
    assert smtpd.messages == []
    for callback in callbacks:
        callback()
    assert len(smtpd.messages) == 1


def test_a_rolled_back_transaction_leaves_no_mail_and_no_history(
    agent, case, smtpd, django_capture_on_commit_callbacks
):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        with transaction.atomic():
            log_email(case, agent)
            raise RuntimeError("boom")
    assert not OutboundEmail.objects.exists()
    assert not Activity.objects.filter(kind=Activity.Kind.EMAIL_OUT).exists()
    assert smtpd.messages == []


@pytest.mark.parametrize(
    "field,value",
    [("subject", "Hi\nBcc: x@example.com"), ("to", ["dana@acme.example\r\nBcc: x@example.com"])],
)
def test_header_injection_is_refused_by_the_service_too(agent, case, field, value):
    with pytest.raises(CaseActionError, match="line breaks"):
        log_email(case, agent, **{field: value})
    assert not OutboundEmail.objects.exists()
