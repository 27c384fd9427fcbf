"""Delayed actions: a time bomb armed by the event fires when due (not before), cancel
events defuse it, and it lives in the database (any process's sweep can fire it)."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from casedesk import events, services
from casedesk.models import Case
from rules.models import TimeBomb
from rules.tasks import fire_due_time_bombs
from tests.conftest import make_agent

from .conftest import make_rule, notified_addresses

pytestmark = pytest.mark.usefixtures("only_my_rules")


@pytest.fixture
def escalation(support_queue):
    support_queue.supervisor = make_agent("boss")
    support_queue.save()
    return make_rule(
        name="Escalate unaccepted",
        events=[events.CASE_CREATED],
        delay_minutes=120,
        cancel_events=[events.ASSIGNED],
        notify_queue_supervisor=True,
        subject_template="Case {{ case.number }} not accepted after 2 hours",
    )


def new_case(customer, after_commit):
    return after_commit(
        services.do_create_case, title="Help", contact=customer, channel=Case.Channel.PORTAL, actor=customer
    )


def test_it_fires_when_due_and_not_before(escalation, customer, after_commit):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        case = new_case(customer, after_commit)
        bomb = TimeBomb.objects.get(case=case)
        assert bomb.state == TimeBomb.State.PENDING
        assert bomb.fire_at == start + timedelta(hours=2)
        clock.shift(timedelta(hours=1, minutes=59))
        assert fire_due_time_bombs.delay().get() == 0
        assert notified_addresses(case) == []
        clock.shift(timedelta(minutes=1))
        assert fire_due_time_bombs.delay().get() == 1
    bomb.refresh_from_db()
    assert bomb.state == TimeBomb.State.FIRED
    assert notified_addresses(case) == ["boss@casedesk.localhost"]
    assert case.outbound_emails.get().subject == f"Case {case.number} not accepted after 2 hours"


def test_a_fired_bomb_does_not_fire_again(escalation, customer, after_commit):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        case = new_case(customer, after_commit)
        clock.shift(timedelta(hours=3))
        assert fire_due_time_bombs.delay().get() == 1
        assert fire_due_time_bombs.delay().get() == 0
    assert notified_addresses(case) == ["boss@casedesk.localhost"]


def test_a_cancel_event_defuses_it(escalation, customer, agent, after_commit):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        case = new_case(customer, after_commit)
        clock.shift(timedelta(minutes=30))
        after_commit(services.do_accept_case, case, actor=agent)
        clock.shift(timedelta(hours=3))
        assert fire_due_time_bombs.delay().get() == 0
    bomb = TimeBomb.objects.get(case=case)
    assert bomb.state == TimeBomb.State.DEFUSED and bomb.outcome == "defused by case.assigned"
    assert notified_addresses(case) == []


def test_a_cancel_event_on_another_case_does_not_defuse(escalation, customer, agent, after_commit):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        case = new_case(customer, after_commit)
        other = new_case(customer, after_commit)
        after_commit(services.do_accept_case, other, actor=agent)
        clock.shift(timedelta(hours=3))
        assert fire_due_time_bombs.delay().get() == 1
    assert notified_addresses(case) == ["boss@casedesk.localhost"]


def test_state_conditions_are_checked_again_when_it_fires(customer, agent, after_commit):
    rule = make_rule(
        events=[events.CASE_CREATED],
        delay_minutes=60,
        owner_state="unowned",
        notify_address="ops@example.com",
    )
    with time_machine.travel(timezone.now(), tick=False) as clock:
        case = new_case(customer, after_commit)
        services.do_accept_case(case, actor=agent)  # no cancel event configured, but now owned
        clock.shift(timedelta(hours=2))
        assert fire_due_time_bombs.delay().get() == 0
    bomb = TimeBomb.objects.get(rule=rule)
    assert bomb.state == TimeBomb.State.DEFUSED
    assert "no longer" in bomb.outcome


def test_a_repeated_event_does_not_arm_a_second_bomb(customer, after_commit):
    make_rule(events=[events.NOTE_LOGGED], delay_minutes=60, notify_address="ops@example.com")
    case = new_case(customer, after_commit)
    for _ in range(3):
        after_commit(services.do_log_note, case, body="hello?", actor=customer)
    assert TimeBomb.objects.filter(case=case, state=TimeBomb.State.PENDING).count() == 1


def test_the_beat_schedule_runs_the_sweep_every_30_seconds(settings):
    entry = next(
        e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "rules.fire_due_time_bombs"
    )
    assert entry["schedule"] == 30.0


def test_the_sweep_uses_the_state_fire_at_index():
    index = next(i for i in TimeBomb._meta.indexes if i.name == "timebomb_state_fire_at")
    assert index.fields == ["state", "fire_at"]
