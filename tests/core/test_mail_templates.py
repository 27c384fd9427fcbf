from casedesk import mail_templates
from casedesk.models import MailTemplate, OutboundEmail


def test_installs_start_with_the_default_templates(db):
    assert set(MailTemplate.objects.values_list("key", flat=True)) == set(mail_templates.DEFAULTS)


def test_a_confirmation_is_queued_as_an_automatic_threaded_email(case, settings):
    outbound = mail_templates.enqueue_templated_email(
        mail_templates.CASE_CREATED, case=case, to=[case.contact.email]
    )
    assert outbound.status == OutboundEmail.Status.QUEUED
    assert outbound.subject == f"Case {case.number} created: Printer on fire [About Case {case.number}]"
    assert outbound.extra_headers["Auto-Submitted"] == "auto-generated"
    assert outbound.extra_headers["X-Casedesk-Case"] == str(case.number)
    assert outbound.reply_to == [settings.CASEDESK_CLERK_EMAIL]
    assert "Hello Dana," in outbound.text


def test_an_admin_edited_template_is_used_and_subjects_keep_the_case_number(case):
    MailTemplate.objects.filter(key=mail_templates.NOTE_ADDED).update(
        subject="Thanks!", body="Got it, {{ contact.name }}."
    )
    outbound = mail_templates.enqueue_templated_email(
        mail_templates.NOTE_ADDED, case=case, to=["x@example.com"]
    )
    assert outbound.subject == f"Thanks! [About Case {case.number}]"
    assert outbound.text == "Got it, Dana Doyle."
