"""Ingest benchmark: `python bench/ingest.py --n 2000` from the repo root.

Generates a realistic mixed corpus (new requests, replies with quoted history, HTML,
attachments, RFC 2047 subjects, 8-bit ISO-8859-1 bodies, Windows paths), runs every message
through the full clerk pipeline in this one process (store raw, parse, thread, act, queue the
confirmation) on a fresh test database, checks that every reply landed on the right case,
and prints messages/s and SQL queries per message. SQLite by default; honours DATABASE_URL.

What it measures: the clerk's own work per message, as a clerk worker does it, including
what it hands on: the domain events go to their subscribers after each commit, and those
only enqueue Celery tasks (rules.evaluate_event for the business rules, the RuleManager's
send task for each queued confirmation). Tasks are published to an in-process broker
(kombu memory://, never run eagerly), so publishing costs what it costs in Celery minus
the network round trip to Redis; sending the mail and evaluating the rules are other
workers' work and are not measured. The seeded default business rules are in the database
but only run in those tasks. Queries are counted without BEGIN/COMMIT/SAVEPOINT."""

from __future__ import annotations

import argparse
import base64
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casedesk.settings")
os.environ.setdefault("DEBUG", "1")
_TMP = tempfile.mkdtemp(prefix="casedesk-bench-")
os.environ["CASEDESK_VAR_DIR"] = _TMP
os.environ.pop("REDIS_URL", None)
os.environ["CELERY_BROKER_URL"] = "memory://"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
TOPICS = [
    ("Printer on fire", "The printer on floor {n} smells of smoke when printing A3."),
    ("VPN drops every hour", "The VPN disconnects at the full hour; log at C:\\Users\\{u}\\AppData\\vpn.log"),
    ("Invoice {n} is wrong", "Invoice {n} lists 12 licences, we have 10."),
    ("Cannot log in", "Since this morning I get 'password expired' on \\\\fileserver\\share{n}."),
    ("Rückfrage zur Bestellung {n}", "Können Sie die Lieferung für Bestellung {n} bestätigen? Grüße"),
    ("Problème d'accès", "Je n'arrive plus à ouvrir le dossier D:\\Projets\\{n}\\plans."),
]


def _address(i: int) -> tuple[str, str]:
    domains = ["acme.example", "globex.example", "initech.example", "umbrella.example"]
    return f"Person {i}", f"person{i}@{domains[i % len(domains)]}"


def _headers(
    name: str, addr: str, subject: str, mid: str, day: int, extra: list[str], ctype: str, encode_subject: bool
) -> list[str]:
    from email.header import Header

    subj = Header(subject, "utf-8").encode() if encode_subject or not subject.isascii() else subject
    return [
        f"From: {name} <{addr}>",
        "To: Casedesk <clerk@casedesk.localhost>",
        f"Subject: {subj}",
        f"Date: {1 + day % 28} Dec 2024 {day % 24:02d}:{day % 60:02d}:00 +0100",
        f"Message-ID: {mid}",
        "MIME-Version: 1.0",
        *extra,
        ctype,
    ]


def build_message(
    rng: random.Random, i: int, kind: str, sender: int, subject: str, text: str, extra: list[str]
) -> bytes:
    name, addr = _address(sender)
    mid = f"<bench-{i}-{rng.getrandbits(40):x}@{addr.split('@')[1]}>"
    style = rng.choice(["plain", "plain", "latin1", "html", "attachment"])
    if style == "latin1" and text.encode("latin-1", "replace").decode("latin-1") == text:
        head = _headers(
            name, addr, subject, mid, i, extra, "Content-Type: text/plain; charset=ISO-8859-1", False
        )
        head.append("Content-Transfer-Encoding: 8bit")
        return (
            ("\r\n".join(head) + "\r\n\r\n").encode() + text.replace("\n", "\r\n").encode("latin-1") + b"\r\n"
        )
    if style in ("html", "attachment"):
        boundary = f"b{rng.getrandbits(48):x}"
        outer = "multipart/mixed" if style == "attachment" else "multipart/alternative"
        head = _headers(
            name, addr, subject, mid, i, extra, f'Content-Type: {outer}; boundary="{boundary}"', True
        )
        html = (
            "<div>"
            + "</div><div>".join(text.replace("&", "&amp;").replace("<", "&lt;").splitlines())
            + "</div>"
        )
        parts = [
            f"--{boundary}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
            + text.replace("\n", "\r\n"),
            f"--{boundary}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
            + html,
        ]
        if style == "attachment":
            parts = parts[:1] + [
                f'--{boundary}\r\nContent-Type: image/png; name="screen{i}.png"\r\n'
                f'Content-Disposition: attachment; filename="screen{i}.png"\r\n'
                "Content-Transfer-Encoding: base64\r\n\r\n" + base64.b64encode(PNG).decode()
            ]
        body = "\r\n".join(parts) + f"\r\n--{boundary}--\r\n"
        return ("\r\n".join(head) + "\r\n\r\n" + body).encode()
    head = _headers(name, addr, subject, mid, i, extra, "Content-Type: text/plain; charset=utf-8", False)
    head.append("Content-Transfer-Encoding: 8bit")
    return ("\r\n".join(head) + "\r\n\r\n" + text.replace("\n", "\r\n") + "\r\n").encode()


def build_corpus(n: int, seed: int = 5) -> tuple[list[bytes], dict[int, int]]:
    """Messages in arrival order, and for each reply the index of the request it answers."""
    rng = random.Random(seed)
    corpus: list[bytes] = []
    answers: dict[int, int] = {}
    requests: list[tuple[int, int, str, str, str]] = []  # (index, sender, subject, text, message id)
    first_number = settings.CASEDESK_FIRST_CASE_NUMBER
    for i in range(n):
        if requests and rng.random() < 0.55:
            index, sender, subject, text, mid = rng.choice(requests)
            number = first_number + [r[0] for r in requests].index(index)
            quoted = "\n".join("> " + line for line in text.splitlines())
            reply_text = (
                f"Thanks, one more detail ({i}): it also happens on D:\\Data\\{i}.\n\n"
                f"On Mon, 2 Dec 2024 at 10:00, Person {sender} wrote:\n{quoted}\n"
            )
            if rng.random() < 0.5:
                extra = [f"In-Reply-To: {mid}", f"References: {mid}"]
                reply_subject = f"Re: {subject}"
            else:
                extra = []
                reply_subject = f"Re: Fwd: ABOUT CASE {number} :: {subject}"
            corpus.append(build_message(rng, i, "reply", sender, reply_subject, reply_text, extra))
            answers[i] = index
        else:
            sender = rng.randrange(300)
            title, body = rng.choice(TOPICS)
            subject = title.format(n=i)
            text = body.format(n=i, u=f"user{sender}") + f"\n\nBest regards\nPerson {sender}"
            raw = build_message(rng, i, "request", sender, subject, text, [])
            mid = raw.split(b"Message-ID: ", 1)[1].split(b"\r\n", 1)[0].decode()
            requests.append((i, sender, subject, text, mid))
            corpus.append(raw)
    return corpus, answers


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=2000)
    args = parser.parse_args()

    from celery.signals import before_task_publish

    from casedesk.celery import app
    from casedesk.models import Queue, Site, SiteDomain
    from mailclerk import services
    from mailclerk.models import InboundMessage

    settings.CLERK_MESSAGES_PER_SENDER_PER_HOUR = 10**6
    settings.DEBUG = False  # as in production: no per-query debug logging
    app.conf.task_always_eager = False
    published: dict[str, int] = {}

    def on_publish(sender=None, **kwargs):
        published[sender] = published.get(sender, 0) + 1

    before_task_publish.connect(on_publish, weak=False)
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        Queue.objects.create(name="Support", slug="support", is_default=True)
        site = Site.objects.create(name="Acme")
        SiteDomain.objects.create(site=site, domain="acme.example")

        corpus, answers = build_corpus(args.n)
        queries = statements = 0
        control = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")

        def count(execute, sql, params, many, context):
            nonlocal queries, statements
            statements += 1
            if not sql.lstrip().upper().startswith(control):
                queries += 1
            return execute(sql, params, many, context)

        pks: list[int] = []
        start = time.perf_counter()
        cpu_start = time.process_time()
        with connection.execute_wrapper(count):
            for raw in corpus:
                inbound, _ = services.store_inbound(raw, channel="import", enqueue=False)
                services.process_inbound(inbound.pk)
                pks.append(inbound.pk)
        elapsed = time.perf_counter() - start
        cpu = time.process_time() - cpu_start

        by_pk = {m.pk: m for m in InboundMessage.objects.filter(pk__in=pks)}
        statuses = [by_pk[pk].status for pk in pks]
        wrong = [
            i for i, original in answers.items() if by_pk[pks[i]].case_id != by_pk[pks[original]].case_id
        ]
        parse_start = time.perf_counter()
        from mailclerk.parsing import body_of, parse_message

        for raw in corpus:
            body_of(parse_message(raw))
        parse_rate = len(corpus) / (time.perf_counter() - parse_start)
        # The content step alone (body extraction, attachments, HTML kept for display), as
        # the pipeline runs it, parsing excluded: its share of the ingest time above.
        parsed_corpus = [parse_message(raw) for raw in corpus]
        content_start = time.perf_counter()
        for parsed in parsed_corpus:
            services._content(parsed)
        content_seconds = time.perf_counter() - content_start
        from casedesk.models import Case, OutboundEmail

        engine = connection.vendor
        print(
            f"{engine}: {len(corpus)} messages ({len(answers)} replies) in {elapsed:.1f} s; "
            f"{Case.objects.count()} cases, {OutboundEmail.objects.count()} confirmations queued; "
            f"processed {statuses.count('processed')}, quarantined {statuses.count('quarantined')}, "
            f"ignored {statuses.count('ignored')}; replies on the wrong case: {len(wrong)}; "
            f"parsing alone {parse_rate:.0f} messages/s"
        )
        tasks = ", ".join(f"{count} {name}" for name, count in sorted(published.items()))
        print(f"tasks enqueued (not run): {tasks or 'none'}")
        print(
            f"ingest queries: {queries / len(corpus):.1f} queries/message"
            f" ({statements / len(corpus):.1f} statements with savepoints/transactions);"
            f" this process's CPU {1000 * cpu / len(corpus):.1f} ms/message"
            f" of {1000 * elapsed / len(corpus):.1f} ms/message elapsed"
        )
        print(
            f"extraction: {content_seconds:.2f} s of {elapsed:.1f} s ingest "
            f"({100 * content_seconds / elapsed:.1f}% of ingest time, {len(corpus) / content_seconds:.0f} messages/s)"
        )
        if wrong or statuses.count("processed") != len(corpus):
            print(
                f"FAILED: replies on the wrong case {wrong[:10]}; not processed: {len(corpus) - statuses.count('processed')}"
            )
            sys.exit(1)
        print(f"ingest: {len(corpus) / elapsed:.0f} messages/s")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
