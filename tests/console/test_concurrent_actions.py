"""Two agents acting on the same case at once must not lose an update: the services lock
the case row (SELECT … FOR UPDATE), so the second action sees the first one's result.
Needs PostgreSQL (real row locks, one connection per thread)."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from casedesk.models import Activity, Case
from tests.conftest import skip_or_fail


@pytest.fixture
def postgres(transactional_db):
    if connection.vendor != "postgresql":
        skip_or_fail("row-lock concurrency needs PostgreSQL: set DATABASE_URL=postgres://… (CI does)")


def at_once(*actions):
    """Run the callables in parallel threads released together; return their results."""
    barrier = threading.Barrier(len(actions))
    results = [None] * len(actions)

    def run(index, action):
        try:
            barrier.wait(timeout=10)
            results[index] = action()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def post(user, name, case, data=None):
    client = client_for(user)
    url = reverse(f"console:{name}", kwargs={"number": case.number})
    return lambda: client.post(url, data or {}).status_code


@pytest.mark.postgres
def test_two_agents_accepting_at_once_one_wins(postgres, case, agent, other_agent):
    for _ in range(3):
        Case.objects.filter(pk=case.pk).update(owner=None, status="open")
        before = Activity.objects.filter(case=case, kind="assigned").count()
        statuses = at_once(post(agent, "accept", case), post(other_agent, "accept", case))
        assert sorted(statuses) == [302, 409]
        case.refresh_from_db()
        winner = agent if statuses[0] == 302 else other_agent
        assert case.owner == winner
        assert Activity.objects.filter(case=case, kind="assigned").count() == before + 1


@pytest.mark.postgres
def test_status_and_priority_changed_at_once_both_stick(postgres, case, agent, other_agent):
    statuses = at_once(
        post(agent, "change_status", case, {"status": "waiting"}),
        post(other_agent, "change_priority", case, {"priority": "4"}),
        post(agent, "log_note", case, {"body": "note 1", "visibility": "internal"}),
        post(other_agent, "log_note", case, {"body": "note 2", "visibility": "public"}),
    )
    assert statuses == [302, 302, 302, 302]
    case.refresh_from_db()
    assert (case.status, case.priority) == ("waiting", 4)
    kinds = list(Activity.objects.filter(case=case).values_list("kind", flat=True))
    assert kinds.count("note") == 2 and "status" in kinds and "priority" in kinds


@pytest.mark.postgres
def test_two_agents_closing_at_once_close_once(postgres, case, agent, other_agent):
    statuses = at_once(
        post(agent, "close", case, {"resolution": "A"}),
        post(other_agent, "close", case, {"resolution": "B"}),
    )
    assert sorted(statuses) == [302, 409]
    assert Activity.objects.filter(case=case, kind="closed").count() == 1
