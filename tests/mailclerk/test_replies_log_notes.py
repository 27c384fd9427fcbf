import pytest

from casedesk import services as core
from casedesk.models import Activity, Case
from casedesk.reply_tokens import reply_token_address
from mailclerk.models import InboundMessage

from .clerk import confirmation_for, eml, ingest, mail


@pytest.fixture
def confirmation(case):
    from casedesk.mail_templates import CASE_CREATED, enqueue_templated_email

    return enqueue_templated_email(CASE_CREATED, case=case, to=[case.contact.email])


def test_a_reply_to_our_mail_is_logged_by_headers(case, confirmation):
    inbound = ingest(eml("outlook_reply.eml", N=case.number, REF=confirmation.message_id))
    assert (inbound.action, inbound.matched_by, inbound.case) == ("log_note", "headers", case)
    entry = inbound.activity
    assert entry.kind == Activity.Kind.EMAIL_IN and entry.is_public
    assert entry.actor_contact == case.contact
    assert "Here is the photo of the printer" in entry.body
    assert entry.attachments.get().filename == "printer.png"
    note_confirmation = confirmation_for(case).exclude(pk=confirmation.pk).get()
    assert (
        note_confirmation.subject == f"Your notes were added to Case {case.number} [About Case {case.number}]"
    )


def test_about_case_in_the_subject_threads_whatever_the_prefixes(case, customer):
    from tests.conftest import make_customer

    make_customer("erik@acme.example", "Erik Berg", customer.site)  # a colleague, same site
    inbound = ingest(eml("apple_mail_about_case.eml", N=case.number))
    assert (inbound.action, inbound.matched_by, inbound.case) == ("log_note", "subject", case)


def test_a_stranger_naming_a_case_is_quarantined(case, other_customer):
    inbound = ingest(mail(sender=other_customer.email, subject=f"Re: About Case {case.number} :: hi"))
    assert inbound.status == InboundMessage.Status.QUARANTINED
    assert inbound.reason == "sender not on case"
    assert not case.activities.filter(kind="email_in").exclude(body="It burns.").exists()


def test_a_valid_reply_token_proves_the_thread_even_for_a_new_address(case):
    inbound = ingest(mail(sender="assistant@elsewhere.example", to=reply_token_address(case), subject="fyi"))
    assert (inbound.action, inbound.matched_by, inbound.case) == ("log_note", "reply_token", case)


def test_a_forged_reply_token_is_ignored(case, support_queue):
    forged = f"clerk+c{case.number}-0123456789abcdef@casedesk.localhost"
    inbound = ingest(mail(sender="assistant@elsewhere.example", to=forged, subject="fyi"))
    assert inbound.action == "create_case"
    assert inbound.case != case


def test_an_agent_may_log_notes_by_mail(case, agent):
    inbound = ingest(
        mail(sender=agent.email.upper(), subject=f"About Case {case.number}", body="Called them.")
    )
    assert inbound.action == "log_note"
    assert inbound.activity.actor_user == agent
    assert not confirmation_for(case).exists()  # agents get no confirmation


def test_a_recipient_of_the_case_mail_may_reply(case, confirmation):
    core.enqueue_email(to=["boss@partner.example"], subject="cc", text="x", case=case)
    inbound = ingest(mail(sender="boss@partner.example", subject=f"Re: About Case {case.number}"))
    assert inbound.action == "log_note"


def test_a_reply_to_a_closed_case_reopens_it(case, customer):
    core.do_close_case(case, actor=None)
    inbound = ingest(mail(subject=f"Re: About Case {case.number} :: still broken"))
    case.refresh_from_db()
    assert inbound.action == "log_note"
    assert case.status == Case.Status.OPEN
    assert case.activities.filter(kind=Activity.Kind.REOPENED).exists()


def test_a_reply_to_a_closed_case_can_be_logged_without_reopening(case, customer, settings):
    settings.CLERK_CLOSED_CASE_ACTION = "log"
    core.do_close_case(case, actor=None)
    inbound = ingest(mail(subject=f"Re: About Case {case.number} :: thanks"))
    case.refresh_from_db()
    assert inbound.action == "log_note"
    assert case.is_closed


def test_a_case_number_that_does_not_exist_creates_a_new_case(customer, support_queue):
    inbound = ingest(mail(subject="About Case 999999 :: hello"))
    assert inbound.action == "create_case"
    assert inbound.reason == "case 999999 not found"
