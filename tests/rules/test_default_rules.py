"""The four rules an install starts with, through the real event path (services publish,
the subscriber enqueues rules.evaluate_event, the rules queue notifications)."""

import pytest
from django.db import transaction

from casedesk import events, services
from casedesk.models import Case, OutboundEmail
from rules.defaults import DEFAULT_RULES
from rules.models import BusinessRule

from .conftest import notified_addresses, set_preference


def test_the_migration_seeds_the_four_defaults(db):
    assert set(BusinessRule.objects.values_list("name", flat=True)) >= {r["name"] for r in DEFAULT_RULES}
    assert BusinessRule.objects.filter(is_active=True).count() == 4


@pytest.fixture
def defaults(db):
    for values in DEFAULT_RULES:  # transactional tests flush the seeded rows
        values = dict(values)
        BusinessRule.objects.get_or_create(name=values.pop("name"), defaults=values)


def test_new_case_notifies_the_queue_members(defaults, customer, agent, other_agent, after_commit):
    case = after_commit(
        services.do_create_case, title="Broken", contact=customer, channel=Case.Channel.PORTAL, actor=customer
    )
    assert notified_addresses(case) == ["alice@casedesk.localhost", "bob@casedesk.localhost"]
    assert case.outbound_emails.first().subject == f"Case {case.number} new: Broken"


def test_customer_note_notifies_the_owner_on_their_mobile(
    defaults, case, agent, other_agent, customer, after_commit
):
    set_preference(agent, "mobile", "5551234567@sms.example")
    services.do_accept_case(case, actor=agent)
    after_commit(services.do_log_note, case, body="Any news?", actor=customer)
    (outbound,) = case.outbound_emails.all()
    assert outbound.to == ["5551234567@sms.example"]
    assert outbound.text == f"Case {case.number} note: Printer on fire"


def test_customer_note_on_an_unowned_case_notifies_the_queue(
    defaults, case, agent, other_agent, customer, after_commit
):
    after_commit(services.do_log_note, case, body="Any news?", actor=customer)
    assert notified_addresses(case) == ["alice@casedesk.localhost", "bob@casedesk.localhost"]


def test_agent_notes_do_not_trigger_the_customer_note_rule(defaults, case, agent, other_agent, after_commit):
    after_commit(services.do_log_note, case, body="internal", actor=agent, is_public=False)
    assert notified_addresses(case) == []


def test_customer_closing_notifies_the_owner(defaults, case, agent, customer, after_commit):
    services.do_accept_case(case, actor=agent)
    after_commit(services.do_close_case, case, actor=customer, resolution="Solved, thanks")
    (outbound,) = case.outbound_emails.all()
    assert outbound.to == ["alice@casedesk.localhost"]
    assert "Solved, thanks" in outbound.text


def test_agent_closing_does_not_notify(defaults, case, agent, other_agent, after_commit):
    services.do_accept_case(case, actor=other_agent)
    after_commit(services.do_close_case, case, actor=agent)
    assert notified_addresses(case) == []


def test_failed_email_notifies_its_writer(defaults, case, agent, other_agent, after_commit):
    with transaction.atomic():
        outbound = services.enqueue_email(
            to=["dana@acme.example"], subject="Re", text="t", case=case, created_by=agent
        )

    # The sender (issue 4) publishes this contract when a send fails permanently.
    def fail():
        with transaction.atomic():
            OutboundEmail.objects.filter(pk=outbound.pk).update(status=OutboundEmail.Status.FAILED)
            events.publish(
                events.DomainEvent(
                    name=events.EMAIL_FAILED,
                    case_id=case.pk,
                    data={"outbound_email_id": outbound.pk, "error": "550 5.1.1 no such user"},
                )
            )

    after_commit(fail)
    (notification,) = case.outbound_emails.filter(kind=OutboundEmail.Kind.NOTIFICATION)
    assert notification.to == ["alice@casedesk.localhost"]
    assert "550 5.1.1 no such user" in notification.text
