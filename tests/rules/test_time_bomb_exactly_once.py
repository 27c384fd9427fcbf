"""Two beat ticks sweeping at the same moment (two connections on PostgreSQL) fire every
due time bomb exactly once."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

from casedesk import events, services
from casedesk.models import Case, OutboundEmail
from rules import business
from rules.models import BusinessRule, NotificationLog, TimeBomb
from tests.conftest import skip_or_fail

from .conftest import make_rule


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_sweeps_fire_each_bomb_once(customer, support_queue):
    if connection.vendor != "postgresql":
        skip_or_fail("concurrency proof needs PostgreSQL (set DATABASE_URL); SQLite serialises writers")
    BusinessRule.objects.update(is_active=False)
    make_rule(events=[events.CASE_CREATED], delay_minutes=5, notify_address="ops@example.com")
    bombs = 40
    for n in range(bombs):  # each creation arms a bomb (events are delivered on commit here)
        services.do_create_case(title=f"c{n}", contact=customer, channel=Case.Channel.EMAIL, actor=customer)
    assert TimeBomb.objects.filter(state=TimeBomb.State.PENDING).count() == bombs
    TimeBomb.objects.update(fire_at=timezone.now() - timedelta(minutes=1))

    fired: list[list[int]] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def tick():
        try:
            barrier.wait()
            fired.append(business.fire_due_time_bombs())
        except BaseException as exc:  # noqa: BLE001 - asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=tick) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    first, second = fired
    assert set(first).isdisjoint(second)
    assert len(first) + len(second) == bombs
    assert TimeBomb.objects.filter(state=TimeBomb.State.FIRED).count() == bombs
    assert OutboundEmail.objects.filter(kind=OutboundEmail.Kind.NOTIFICATION).count() == bombs
    assert NotificationLog.objects.count() == bombs
