"""Notifications by each user's preference, never to the actor, as auto-generated
OutboundEmails logged on the case in one line."""

import pytest

from casedesk import events
from casedesk.models import Activity, OutboundEmail
from rules.business import evaluate_event

from .conftest import event_for, make_rule, notification_entries, notifications, set_preference

pytestmark = pytest.mark.usefixtures("only_my_rules")


@pytest.fixture
def rule(db):
    return make_rule(
        name="New case",
        notify_queue_members=True,
        body_template="A long body {{ case.title }}",
        mobile_template="Case {{ case.number }} new: {{ case.title }}",
    )


def test_email_preference_gets_an_auto_generated_email(rule, case, agent):
    evaluate_event(event_for(case, events.CASE_CREATED, actor=case.contact))
    (outbound,) = notifications(case)
    assert outbound.to == ["alice@casedesk.localhost"]
    assert outbound.kind == OutboundEmail.Kind.NOTIFICATION
    assert outbound.status == OutboundEmail.Status.QUEUED
    assert outbound.extra_headers["Auto-Submitted"] == "auto-generated"
    assert outbound.extra_headers["X-Casedesk-Case"] == str(case.number)


def test_mobile_preference_gets_160_characters_at_most(rule, case, agent):
    case.title = "x" * 300
    case.save()
    set_preference(agent, "mobile", "5551234567@sms.example")
    evaluate_event(event_for(case, events.CASE_CREATED))
    (outbound,) = notifications(case)
    assert outbound.to == ["5551234567@sms.example"]
    assert len(outbound.text) == 160
    assert outbound.text.startswith(f"Case {case.number} new: xxx")


def test_mobile_text_is_the_short_line(rule, case, agent):
    set_preference(agent, "mobile", "5551234567@sms.example")
    evaluate_event(event_for(case, events.CASE_CREATED))
    assert notifications(case)[0].text == f"Case {case.number} new: Printer on fire"


def test_both_and_none_preferences(rule, case, agent, other_agent):
    set_preference(agent, "both", "5551234567@sms.example")
    set_preference(other_agent, "none")
    evaluate_event(event_for(case, events.CASE_CREATED))
    assert sorted(o.to[0] for o in notifications(case)) == [
        "5551234567@sms.example",
        "alice@casedesk.localhost",
    ]


def test_the_actor_is_never_notified_of_their_own_action(rule, case, agent, other_agent):
    evaluate_event(event_for(case, events.CASE_CREATED, actor=agent))
    assert [o.to for o in notifications(case)] == [["bob@casedesk.localhost"]]


def test_the_contact_is_not_notified_of_their_own_note(case, customer):
    make_rule(events=[events.NOTE_LOGGED], notify_contact=True)
    evaluate_event(event_for(case, events.NOTE_LOGGED, actor=customer))
    assert notifications(case) == []


def test_each_notification_is_one_internal_line_in_the_history(rule, case, agent, other_agent):
    set_preference(agent, "mobile", "5551234567@sms.example")
    evaluate_event(event_for(case, events.CASE_CREATED))
    entries = notification_entries(case)
    assert [e.body for e in entries] == [
        "Notification sent to Alice Agent (mobile) (rule “New case”)",
        "Notification sent to Bob Agent (rule “New case”)",
    ]
    assert all(not e.is_public and e.kind == Activity.Kind.NOTIFICATION for e in entries)
    assert all(o.activity in entries for o in notifications(case))
