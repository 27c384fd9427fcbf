"""Benchmark (not a test): business-rule evaluation throughput and the time bomb sweep.

    python bench/rules.py            # SQLite (in-memory test database)
    DATABASE_URL=postgres://… python bench/rules.py   # a throwaway test_… database

10,000 events against 50 active rules, then a sweep with 100,000 pending time bombs (the
sweep's query must use the (state, fire_at) index: its plan is printed)."""

import os
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casedesk.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

EVENTS = int(os.environ.get("BENCH_EVENTS", 10_000))
RULES = 50
BOMBS = int(os.environ.get("BENCH_BOMBS", 100_000))
DUE = 100


def main() -> None:
    from django.test.utils import setup_test_environment

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def run() -> None:
    from django.utils import timezone

    from casedesk import events
    from casedesk.models import Case, CaseNumberCounter, Contact, OutboundEmail, Queue, Site
    from rules import business
    from rules.models import BusinessRule, TimeBomb
    from tests.conftest import make_agent

    events._subscribers.clear()  # measure evaluation, not the bus (no Celery broker needed)
    rng = random.Random(7)
    queue = Queue.objects.create(name="Support Cases", slug="support", is_default=True)
    agents = [make_agent(f"agent{i}", queue) for i in range(5)]
    site = Site.objects.create(name="Acme")
    contacts = [Contact.objects.create(email=f"c{i}@acme{i % 7}.example", site=site) for i in range(50)]

    BusinessRule.objects.all().delete()
    words = [
        "invoice",
        "refund",
        "printer",
        "login",
        "outage",
        "password",
        "billing",
        "crash",
        "slow",
        "urgent",
    ]
    event_names = [
        events.CASE_CREATED,
        events.NOTE_LOGGED,
        events.STATUS_CHANGED,
        events.CLOSED,
        events.ASSIGNED,
    ]
    for i in range(RULES):
        fields = {
            "name": f"bench rule {i}",
            "position": i,
            "events": [event_names[i % len(event_names)]],
            "notify_owner": i % 3 == 0,
            "notify_queue_members": i % 5 == 0,
            "notify_address": "ops@example.com" if i % 3 and i % 5 else "",
            "body_template": "{{ event.label }} on Case {{ case.number }}: {{ note }}",
        }
        kind = (i // len(event_names)) % 5
        if kind == 0:
            fields["subject_contains"] = f"{words[i % 10]} {words[(i + 3) % 10]}"
        elif kind == 1:
            fields |= {"body_contains": rf"{words[i % 10]}\s+\d+", "text_mode": "regex"}
        elif kind == 2:
            fields["sender"] = f"@acme{i % 7}.example"
        elif kind == 3:
            fields |= {"actor_kind": "contact", "subject_contains": words[i % 10]}
        else:
            fields |= {"priority": Case.Priority.URGENT, "owner_state": "unowned"}
        BusinessRule.objects.create(**fields)

    CaseNumberCounter.objects.create(pk=1, last_number=0)
    now = timezone.now()
    cases = Case.objects.bulk_create(
        Case(
            number=n,
            title=f"{rng.choice(words)} {rng.choice(words)} problem {n}",
            contact=contacts[n % len(contacts)],
            site=site,
            queue=queue,
            owner=agents[n % 5] if n % 2 else None,
            priority=rng.choice(Case.Priority.values),
        )
        for n in range(1, 2_001)
    )

    rules = business.active_rules()
    sample = []
    for _ in range(EVENTS):
        case = rng.choice(cases[:500])
        contact_actor = rng.random() < 0.5
        sample.append(
            events.DomainEvent(
                name=rng.choice(event_names),
                case_id=case.pk,
                actor_user_id=None if contact_actor else rng.choice(agents).pk,
                actor_contact_id=case.contact_id if contact_actor else None,
                data={"is_public": True},
            )
        )
    started = time.perf_counter()
    fired = 0
    for event in sample:
        fired += len(business.evaluate_event(event, rules=rules).fired)
    elapsed = time.perf_counter() - started
    rate = EVENTS / elapsed
    print(
        f"evaluated {EVENTS} events against {RULES} active rules in {elapsed:.2f} s "
        f"({fired} rule firings, {OutboundEmail.objects.count()} notifications queued)"
    )

    TimeBomb.objects.all().delete()
    rule_ids = list(BusinessRule.objects.values_list("pk", flat=True))
    later = now + timedelta(days=1)
    batch = []
    for index in range(BOMBS):
        case = cases[index % len(cases)]
        rule_id = rule_ids[index // len(cases)]
        fire_at = now - timedelta(minutes=1) if index < DUE else later + timedelta(seconds=index)
        event = {"name": "case.created", "case_id": case.pk}
        batch.append(TimeBomb(rule_id=rule_id, case=case, fire_at=fire_at, event=event))
        if len(batch) == 10_000:
            TimeBomb.objects.bulk_create(batch)
            batch = []
    TimeBomb.objects.bulk_create(batch)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    due_query = TimeBomb.objects.filter(state=TimeBomb.State.PENDING, fire_at__lte=now).order_by(
        "fire_at", "id"
    )
    plan = due_query.values_list("pk", flat=True)[:500].explain()
    print("sweep query plan:", " | ".join(line.strip() for line in plan.splitlines()))

    started = time.perf_counter()
    fired_bombs = business.fire_due_time_bombs(now=now)
    sweep = time.perf_counter() - started
    started = time.perf_counter()
    business.fire_due_time_bombs(now=now)
    idle = time.perf_counter() - started
    print(f"sweep with {BOMBS} pending bombs: {sweep * 1000:.1f} ms to fire {len(fired_bombs)} due ones")
    print(f"idle sweep with {BOMBS - DUE} pending, none due: {idle * 1000:.2f} ms")
    print(f"database: {connection.vendor}")
    print(f"rules: {rate:.0f} events/s")


if __name__ == "__main__":
    main()
