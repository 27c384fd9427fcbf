"""Business rule actions: notify each kind of recipient, and change status, priority,
queue and owner through the casedesk services."""

import pytest

from casedesk import events, services
from casedesk.models import Activity, Case
from rules.business import evaluate_event
from tests.conftest import make_agent

from .conftest import event_for, make_rule, notified_addresses

pytestmark = pytest.mark.usefixtures("only_my_rules")


def test_it_notifies_the_owner(case, agent, other_agent):
    services.do_accept_case(case, actor=agent)
    make_rule(notify_owner=True)
    evaluate_event(event_for(case, events.CASE_CREATED))
    assert notified_addresses(case) == ["alice@casedesk.localhost"]


def test_unowned_case_falls_back_to_the_queue_only_when_asked(case, agent, other_agent):
    make_rule(name="owner only", notify_owner=True)
    make_rule(name="owner or queue", notify_owner=True, owner_fallback_to_queue=True)
    result = evaluate_event(event_for(case, events.CASE_CREATED))
    assert sorted(result.notified) == ["alice@casedesk.localhost", "bob@casedesk.localhost"]


def test_it_notifies_queue_members_and_supervisor_each_once(case, agent, other_agent, support_queue):
    boss = make_agent("boss")
    support_queue.supervisor = boss
    support_queue.save()
    make_rule(notify_queue_members=True, notify_queue_supervisor=True, notify_users=[agent])
    evaluate_event(event_for(case, events.CASE_CREATED))
    assert notified_addresses(case) == [
        "alice@casedesk.localhost",
        "bob@casedesk.localhost",
        "boss@casedesk.localhost",
    ]


def test_it_notifies_the_contact_specific_users_and_a_fixed_address(case, agent, other_agent):
    make_rule(notify_contact=True, notify_users=[other_agent], notify_address="Ops@Example.com")
    evaluate_event(event_for(case, events.CASE_CREATED, actor=agent))
    assert notified_addresses(case) == ["bob@casedesk.localhost", "dana@acme.example", "ops@example.com"]


def test_it_notifies_the_writer_of_a_failed_email(case, agent, other_agent):
    from django.db import transaction

    with transaction.atomic():
        outbound = services.enqueue_email(
            to=["dana@acme.example"], subject="s", text="t", case=case, created_by=other_agent
        )
    make_rule(events=[events.EMAIL_FAILED], notify_writer=True)
    evaluate_event(
        event_for(case, events.EMAIL_FAILED, outbound_email_id=outbound.pk, error="550 no such user")
    )
    assert notified_addresses(case) == ["bob@casedesk.localhost"]


def test_the_template_sees_case_event_actor_and_note(case, agent, customer):
    note = services.do_log_note(case, body="The fire is out.", actor=customer)
    make_rule(
        events=[events.NOTE_LOGGED],
        notify_users=[agent],
        subject_template="[{{ event.label }}] {{ case.title }}",
        body_template="{{ actor.name }} ({{ actor.kind }}) wrote on Case {{ case.number }}: {{ note }} / {{ contact.email }}",
    )
    evaluate_event(event_for(case, events.NOTE_LOGGED, actor=customer, activity_id=note.pk))
    (outbound,) = case.outbound_emails.all()
    assert outbound.subject == "[Note logged] Printer on fire"
    assert (
        outbound.text
        == f"Dana Doyle (contact) wrote on Case {case.number}: The fire is out. / dana@acme.example"
    )


def test_field_change_actions_use_the_services_and_write_history(case, agent, billing_queue):
    billing_queue.members.add(agent)
    make_rule(
        name="triage",
        set_status=Case.Status.WAITING,
        set_priority=Case.Priority.HIGH,
        dispatch_to=billing_queue,
        assign_to=agent,
    )
    evaluate_event(event_for(case, events.CASE_CREATED))
    case.refresh_from_db()
    assert (case.status, case.priority, case.queue, case.owner) == (
        Case.Status.WAITING,
        Case.Priority.HIGH,
        billing_queue,
        agent,
    )
    assert Activity.objects.get(case=case, kind=Activity.Kind.DISPATCHED, meta__rule="triage").body == (
        "Dispatched to Billing by rule “triage”"
    )
    assert Activity.objects.filter(case=case, kind=Activity.Kind.STATUS).exists()


def test_a_change_that_is_already_true_is_not_an_error(case, support_queue):
    make_rule(name="noop", dispatch_to=support_queue)
    result = evaluate_event(event_for(case, events.CASE_CREATED))
    assert result.fired == ["noop"] and result.errors == []


def test_rules_do_not_close_cases(db):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        make_rule(set_status=Case.Status.CLOSED)


def test_rules_feeding_each_other_are_stopped(case, billing_queue, support_queue, after_commit):
    from rules.models import RuleError

    make_rule(name="to billing", events=[events.DISPATCHED], queue=support_queue, dispatch_to=billing_queue)
    make_rule(
        name="back to support", events=[events.DISPATCHED], queue=billing_queue, dispatch_to=support_queue
    )
    after_commit(services.do_dispatch_case, case, queue=billing_queue, actor=None)
    dispatches = Activity.objects.filter(case=case, kind=Activity.Kind.DISPATCHED).count()
    assert dispatches <= 2 + 2 * 5  # routing's, ours, then at most 5 per rule
    assert RuleError.objects.filter(message__startswith="stopped").exists()
    assert Activity.objects.filter(case=case, kind=Activity.Kind.RULE_ERROR).exists()
