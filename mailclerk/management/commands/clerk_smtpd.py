"""Run the clerk's SMTP listener until SIGTERM/Ctrl-C."""

import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand

from mailclerk.doors.smtpd import make_controller


class Command(BaseCommand):
    help = "Accept mail for the clerk's addresses over SMTP (for installs without an MTA, and local trials)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=settings.CLERK_SMTPD_PORT)

    def handle(self, *args, host: str, port: int, **options):
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        controller = make_controller(host, port)
        controller.start()
        self.stdout.write(f"Clerk SMTP listener on {host}:{port} for {settings.CASEDESK_CLERK_EMAIL}")
        self.stdout.flush()
        try:
            stop.wait()
        finally:
            controller.stop()
