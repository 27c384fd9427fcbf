"""Benchmark: queue N emails, drain them with one Celery worker to a loopback SMTP sink.

    python bench/outbound.py [N]          (N defaults to 2000)

Runs on a throwaway test database (SQLite file in a temp dir, or test_<name> on the
PostgreSQL server of DATABASE_URL), the broker of REDIS_URL (else kombu's in-memory
transport), and an aiosmtpd sink on loopback. Prints emails/s and SMTP connections used."""

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TMP = tempfile.mkdtemp(prefix="casedesk-bench-outbound-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casedesk.settings")
os.environ["DEBUG"] = "1"
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault("CASEDESK_TEST_SQLITE_NAME", str(Path(TMP) / "bench.sqlite3"))
os.environ["CASEDESK_VAR_DIR"] = TMP
if not os.environ.get("REDIS_URL") and not os.environ.get("CELERY_BROKER_URL"):
    os.environ["CELERY_BROKER_URL"] = "memory://"

import django  # noqa: E402

django.setup()

import logging  # noqa: E402

logging.getLogger("mail.log").setLevel(logging.WARNING)
logging.getLogger("celery").setLevel(logging.WARNING)

from aiosmtpd.controller import Controller  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402

N = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
CHUNK = 100  # emails queued per transaction


class Sink:
    def __init__(self):
        self.connections = 0
        self.received = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_DATA(self, server, session, envelope):
        self.received += 1
        return "250 OK"


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    from celery.contrib.testing.worker import start_worker

    from casedesk import services
    from casedesk.celery import app
    from casedesk.models import Case, OutboundEmail

    sink = Sink()
    smtp = Controller(sink, hostname="127.0.0.1", port=free_port())
    smtp.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    app.conf.task_always_eager = False

    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        contact, _ = services.get_or_create_contact("bench@customer.example", name="Bench Customer")
        case = services.do_create_case(
            title="Benchmark", contact=contact, channel=Case.Channel.API, actor=None
        )
        # The worker is not running yet: every send task waits in the broker.
        for start in range(0, N, CHUNK):
            with transaction.atomic():
                for i in range(start, min(start + CHUNK, N)):
                    services.enqueue_email(
                        to=[contact.email],
                        subject=f"{case.email_subject} #{i}",
                        text=f"Message {i}\n" + "Lorem ipsum dolor sit amet. " * 20,
                        case=case,
                        reply_to=[settings.CASEDESK_CLERK_EMAIL],
                    )
        print(f"queued {N} emails; draining with one worker (solo pool) to 127.0.0.1:{smtp.port}")
        started = time.perf_counter()
        with start_worker(app, perform_ping_check=False, pool="solo", shutdown_timeout=30):
            deadline = started + 600
            while time.perf_counter() < deadline:
                if not OutboundEmail.objects.exclude(status=OutboundEmail.Status.SENT).exists():
                    break
                time.sleep(0.05)
            elapsed = time.perf_counter() - started
        sent = OutboundEmail.objects.filter(status=OutboundEmail.Status.SENT).count()
        print(f"sent {sent}/{N} in {elapsed:.2f} s; SMTP sink received {sink.received}")
        print(f"SMTP connections used: {sink.connections} (batch size {settings.CASEDESK_SEND_BATCH_SIZE})")
        print(f"outbound: {sent / elapsed:.1f} emails/s")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        smtp.stop()


if __name__ == "__main__":
    main()
