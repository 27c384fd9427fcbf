from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from casedesk import events, services
from casedesk.models import Activity, Case
from casedesk.services import NewAttachment


def case_url(case, name="selfservice:case"):
    return reverse(name, args=[case.number])


def test_it_shows_the_public_history_only_oldest_first(customer_client, case, agent):
    services.do_log_note(case, body="Agent public reply", actor=agent, is_public=True)
    services.do_log_note(
        case,
        body="Internal: customer is grumpy",
        actor=agent,
        is_public=False,
        attachments=[NewAttachment("internal.txt", b"secret")],
    )
    services.do_log_note(
        case, body="Notified bob", actor=None, kind=Activity.Kind.NOTIFICATION, is_public=True
    )
    services.do_log_note(case, body="Rule blew up", actor=None, kind=Activity.Kind.RULE_ERROR, is_public=True)
    content = customer_client.get(case_url(case)).content.decode()
    assert "It burns." in content and "Agent public reply" in content
    assert content.index("It burns.") < content.index("Agent public reply")
    for hidden in (
        "Internal: customer is grumpy",
        "internal.txt",
        "Notified bob",
        "Rule blew up",
        "Dispatched",
    ):
        assert hidden not in content


def test_opening_the_case_records_when_the_customer_looked(customer_client, case):
    assert case.customer_seen_at is None
    customer_client.get(case_url(case))
    case.refresh_from_db()
    assert case.customer_seen_at is not None


def test_a_note_with_attachment_is_logged_as_the_contact_and_emits_the_event(
    customer_client, customer, case, domain_events, django_capture_on_commit_callbacks
):
    upload = SimpleUploadedFile("log.txt", b"trace", content_type="text/plain")
    with django_capture_on_commit_callbacks(execute=True):
        response = customer_client.post(
            case_url(case, "selfservice:case_add_note"), {"body": "More detail", "attachments": [upload]}
        )
    assert response["Location"] == case_url(case)
    note = case.activities.get(kind=Activity.Kind.NOTE)
    assert note.actor_contact == customer and note.is_public and note.body == "More detail"
    assert [a.filename for a in note.attachments.all()] == ["log.txt"]
    [event] = [e for e in domain_events if e.name == events.NOTE_LOGGED]
    assert event.actor_contact_id == customer.pk and event.data == {"activity_id": note.pk, "is_public": True}


def test_an_empty_note_is_refused(customer_client, case):
    response = customer_client.post(case_url(case, "selfservice:case_add_note"), {"body": "  "})
    assert response.status_code == 400 and b"Write a note or attach a file" in response.content
    assert not case.activities.filter(kind=Activity.Kind.NOTE).exists()


def test_the_customer_closes_the_case_with_a_reason(
    customer_client, customer, case, domain_events, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        customer_client.post(case_url(case, "selfservice:case_close"), {"reason": "Fixed it myself"})
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED
    closed = case.activities.get(kind=Activity.Kind.CLOSED)
    assert closed.actor_contact == customer and closed.body == "Fixed it myself"
    [event] = [e for e in domain_events if e.name == events.CLOSED]
    assert event.actor_contact_id == customer.pk


def test_a_closed_case_takes_no_notes(customer_client, case, customer):
    services.do_close_case(case, actor=customer)
    response = customer_client.post(case_url(case, "selfservice:case_add_note"), {"body": "hello?"})
    assert response.status_code == 400 and b"reopen it to add a note" in response.content
    assert not case.activities.filter(kind=Activity.Kind.NOTE).exists()


def test_the_customer_reopens_within_the_allowed_days(
    customer_client, customer, case, domain_events, django_capture_on_commit_callbacks, settings
):
    settings.CASEDESK_PORTAL_REOPEN_DAYS = 7
    services.do_close_case(case, actor=customer)
    with time_machine.travel(timezone.now() + timedelta(days=6)):
        with django_capture_on_commit_callbacks(execute=True):
            customer_client.post(case_url(case, "selfservice:case_reopen"), {"reason": "It is back"})
    case.refresh_from_db()
    assert case.status == Case.Status.OPEN
    assert case.activities.get(kind=Activity.Kind.REOPENED).actor_contact == customer
    assert [e.actor_contact_id for e in domain_events if e.name == events.REOPENED] == [customer.pk]


@pytest.mark.parametrize("days_later", [8, 13])
def test_reopening_after_the_allowed_days_is_refused(customer_client, customer, case, settings, days_later):
    settings.CASEDESK_PORTAL_REOPEN_DAYS = 7
    services.do_close_case(case, actor=customer)
    with time_machine.travel(timezone.now() + timedelta(days=days_later)):
        page = customer_client.get(case_url(case))
        assert b"Reopen case" not in page.content
        response = customer_client.post(case_url(case, "selfservice:case_reopen"), follow=True)
    assert b"can only be reopened within 7 days" in response.content
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED


def test_action_urls_refuse_get(customer_client, case):
    for name in ("selfservice:case_add_note", "selfservice:case_close", "selfservice:case_reopen"):
        assert customer_client.get(case_url(case, name)).status_code == 405
