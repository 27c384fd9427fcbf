"""Business rule conditions: the event, the routing vocabulary, and case status, queue,
owner, who acted and whether a note was public."""

import pytest

from casedesk import events, services
from casedesk.models import Case
from rules.business import evaluate_event

from .conftest import event_for, make_rule

pytestmark = pytest.mark.usefixtures("only_my_rules")


def fired(case, name, *, actor=None, **data) -> list[str]:
    return evaluate_event(event_for(case, name, actor=actor, **data)).fired


def test_it_fires_only_on_its_events(case, agent):
    make_rule(name="r", events=[events.CLOSED, events.REOPENED], notify_owner=True)
    assert fired(case, events.CASE_CREATED) == []
    assert fired(case, events.CLOSED) == ["r"]
    assert fired(case, events.REOPENED) == ["r"]


def test_inactive_rules_do_not_fire(case):
    make_rule(name="r", is_active=False, notify_queue_members=True)
    assert fired(case, events.CASE_CREATED) == []


def test_actor_kind_condition(case, customer, agent):
    make_rule(name="r", events=[events.NOTE_LOGGED], actor_kind="contact", notify_queue_members=True)
    assert fired(case, events.NOTE_LOGGED, actor=agent) == []
    assert fired(case, events.NOTE_LOGGED) == []
    assert fired(case, events.NOTE_LOGGED, actor=customer) == ["r"]


def test_note_visibility_condition(case, agent):
    make_rule(name="r", events=[events.NOTE_LOGGED], note_visibility="internal", notify_queue_members=True)
    assert fired(case, events.NOTE_LOGGED, actor=agent, is_public=True) == []
    assert fired(case, events.NOTE_LOGGED, actor=agent, is_public=False) == ["r"]


def test_status_queue_owner_conditions(case, agent, billing_queue):
    make_rule(name="in progress", status=Case.Status.IN_PROGRESS, notify_address="x@example.com")
    make_rule(name="billing", queue=billing_queue, notify_address="x@example.com")
    make_rule(name="alice's", owner=agent, notify_address="x@example.com")
    make_rule(name="owned", owner_state="owned", notify_address="x@example.com")
    make_rule(name="unowned", owner_state="unowned", notify_address="x@example.com")
    assert fired(case, events.CASE_CREATED) == ["unowned"]
    services.do_accept_case(case, actor=agent)
    services.do_dispatch_case(case, queue=billing_queue, actor=agent)
    assert fired(case, events.CASE_CREATED) == ["in progress", "billing", "alice's", "owned"]


def test_routing_vocabulary_applies_to_business_rules(case, acme):
    make_rule(
        name="acme email",
        channel=Case.Channel.EMAIL,
        site=acme,
        sender="@acme.example",
        notify_address="x@e.com",
    )
    make_rule(name="fire", subject_contains="fire", body_contains="burns", notify_address="x@e.com")
    make_rule(name="portal", channel=Case.Channel.PORTAL, notify_address="x@e.com")
    make_rule(name="urgent", priority=Case.Priority.URGENT, notify_address="x@e.com")
    first = case.activities.first()
    assert fired(case, events.CASE_CREATED, activity_id=first.pk) == ["acme email", "fire"]


def test_body_condition_reads_the_note_of_the_event(case, customer):
    make_rule(name="r", events=[events.NOTE_LOGGED], body_contains="refund", notify_address="x@e.com")
    boring = services.do_log_note(case, body="thanks", actor=customer)
    refund = services.do_log_note(case, body="I want a refund", actor=customer)
    assert fired(case, events.NOTE_LOGGED, actor=customer, activity_id=boring.pk) == []
    assert fired(case, events.NOTE_LOGGED, actor=customer, activity_id=refund.pk) == ["r"]
