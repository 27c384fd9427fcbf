"""Rules never run inside the request: the subscriber only enqueues rules.evaluate_event,
after commit, with the event's JSON form."""

import pytest
from django.db import transaction

from casedesk import events, services
from casedesk.models import Case
from rules import subscribers
from rules.tasks import evaluate_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def enqueued(monkeypatch):
    calls = []
    monkeypatch.setattr(evaluate_event, "delay", lambda event_dict: calls.append(event_dict))
    return calls


def test_events_are_enqueued_only_after_commit(
    customer, support_queue, enqueued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            services.do_create_case(title="x", contact=customer, channel=Case.Channel.PORTAL, actor=customer)
            assert enqueued == []
    created = next(e for e in enqueued if e["name"] == events.CASE_CREATED)
    assert created["actor_contact_id"] == customer.pk and created["data"]["channel"] == "portal"


def test_a_rolled_back_change_enqueues_nothing(
    customer, support_queue, enqueued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            services.do_create_case(title="x", contact=customer, channel=Case.Channel.PORTAL, actor=customer)
            raise RuntimeError
    assert enqueued == []


def test_email_queued_is_not_a_rule_event(enqueued):
    subscribers.on_domain_event(events.DomainEvent(name=events.EMAIL_QUEUED, case_id=1))
    assert enqueued == []


def test_the_router_and_the_subscriber_are_installed_at_startup():
    from casedesk import services as casedesk_services
    from rules.routing import route_case

    assert casedesk_services.routing._router is route_case
    assert subscribers.on_domain_event in events._subscribers
