"""Benchmark of the agent console: seeds N cases with 10 history entries each and measures
the median server time (Django test client) and queries of the queue view, the case list
with a filter, the case list with a search, my work and a case page.

    python bench/console.py                    # N = 1,000 and 50,000
    python bench/console.py --sizes 1000,10000 --runs 15

Runs in a throwaway test database (test_<name>; in-memory on SQLite) of whatever
DATABASE_URL says. Sizes grow incrementally: the cases of the first N stay for the next.
The last line is `console: <worst ratio> x`, the slowest page's time at the largest N
divided by its time at the smallest N (the goal is at most 1.5)."""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
import warnings
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casedesk.settings")
os.environ.setdefault("DEBUG", "1")
warnings.filterwarnings("ignore", "No directory at")  # no collectstatic needed here

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

WORDS = (
    "printer invoice vpn login password email laptop battery export csv dashboard slow refund "
    "account mailbox calendar sync import contract quote error crash mobile app server backup "
    "license upgrade network wifi phone monitor keyboard order shipping delivery report"
).split()
STATUSES = ["closed"] * 7 + ["open", "in_progress", "waiting"]
ACTIVITY_KINDS = ["note", "email_in", "email_out", "status", "note", "assigned", "note", "priority", "note"]


def seed(first: int, count: int, rng: random.Random, world: dict) -> None:
    """Add `count` cases numbered from `first`, each with 10 history entries."""
    from casedesk.models import Activity, Case, Contact, Site

    sites = Site.objects.bulk_create([Site(name=f"Site {first + i}") for i in range(0, count, 50)])
    contacts = Contact.objects.bulk_create(
        [
            Contact(
                email=f"person{first + i}@example{i % 97}.org",
                name=f"Person {first + i}",
                site=sites[i // 50],
            )
            for i in range(0, count, 5)
        ]
    )
    now = timezone.now()
    updated = Case._meta.get_field("updated_at")
    updated.auto_now_add = False  # spread the update times like a real history
    try:
        for start in range(0, count, 5000):
            batch = []
            for i in range(start, min(count, start + 5000)):
                contact = contacts[i // 5]
                batch.append(
                    Case(
                        number=first + i,
                        title=" ".join(rng.sample(WORDS, rng.randint(3, 6))).capitalize(),
                        contact=contact,
                        site=contact.site,
                        queue=rng.choice(world["queues"]),
                        owner=rng.choice(world["agents"] + [None]),
                        status=rng.choice(STATUSES),
                        priority=rng.choice([1, 2, 2, 2, 3, 4]),
                        updated_at=now - timedelta(minutes=(first + count - i) * 3),
                    )
                )
            cases = Case.objects.bulk_create(batch)
            activities = []
            for case in cases:
                activities.append(
                    Activity(case=case, kind="created", actor_contact=case.contact, body="Hello")
                )
                for k, kind in enumerate(ACTIVITY_KINDS):
                    by_agent = kind != "email_in"
                    activities.append(
                        Activity(
                            case=case,
                            kind=kind,
                            actor_user=world["agents"][k % len(world["agents"])] if by_agent else None,
                            actor_contact=None if by_agent else case.contact,
                            body=f"Entry {k} of case {case.number}. " + " ".join(rng.sample(WORDS, 12)),
                            is_public=kind in ("email_in", "email_out", "note") and k % 2 == 0,
                        )
                    )
            Activity.objects.bulk_create(activities, batch_size=5000)
    finally:
        updated.auto_now_add = True
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")  # what autovacuum would have done by now


def make_world() -> dict:
    from casedesk.models import Queue
    from casedesk.roles import agents_group

    User = django.contrib.auth.get_user_model()
    queues = [
        Queue.objects.get_or_create(
            slug=slug, defaults={"name": name, "is_default": slug == "support-cases"}
        )[0]
        for slug, name in (
            ("support-cases", "Support Cases"),
            ("billing", "Billing"),
            ("hardware", "Hardware"),
        )
    ]
    agents = []
    for name in ("alice", "bob", "carol", "dave", "erin"):
        user, _ = User.objects.get_or_create(
            username=name,
            defaults={"email": f"{name}@casedesk.localhost", "first_name": name.title(), "is_staff": True},
        )
        user.groups.add(agents_group())
        queues[len(agents) % 3].members.add(user)
        agents.append(user)
    return {"queues": queues, "agents": agents}


def measure(client: Client, url: str, runs: int) -> tuple[float, float, int]:
    for _ in range(2):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        client.get(url)
        times.append(time.perf_counter() - start)
        reset_queries()
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return statistics.median(times) * 1000, min(times) * 1000, len(queries)


def main() -> None:
    import django.contrib.auth  # noqa: F401

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,50000", help="comma-separated case counts, ascending")
    parser.add_argument("--runs", type=int, default=15, help="timed requests per page")
    parser.add_argument(
        "--keepdb", action="store_true", help="keep the benchmark database and reuse its cases next time"
    )
    args = parser.parse_args()
    sizes = sorted(int(size) for size in args.sizes.split(","))

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=args.keepdb)
    settings.DEBUG = False
    try:
        from casedesk.models import Case

        rng = random.Random(42)
        world = make_world()
        seeded = Case.objects.count()
        client = Client()
        client.force_login(world["agents"][0])
        first_number = settings.CASEDESK_FIRST_CASE_NUMBER
        results: dict[int, dict[str, float]] = {}
        for size in sizes:
            start = time.perf_counter()
            if size > seeded:
                seed(first_number + seeded, size - seeded, rng, world)
                seeded = size
            middle = first_number + size // 2
            pages = {
                "queue view": "/console/queues/billing/",
                "case list, filtered": "/console/cases/?status=open&priority=3&owner=none",
                "case list, searched": "/console/cases/?q=printer+error",
                "my work": "/console/",
                "case page": f"/console/cases/{middle}/",
            }
            print(
                f"# N={size}: seeded in {time.perf_counter() - start:.1f} s on {connection.vendor}",
                flush=True,
            )
            results[size] = {}
            for name, url in pages.items():
                median, fastest, queries = measure(client, url, args.runs)
                results[size][name] = median
                print(
                    f"console N={size} {name}: {median:.1f} ms median ({fastest:.1f} ms min), {queries} queries",
                    flush=True,
                )
        worst = max(results[sizes[-1]][page] / results[sizes[0]][page] for page in results[sizes[0]])
        print(f"console: {worst:.2f} x")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=args.keepdb)


if __name__ == "__main__":
    main()
