"""Run every Casedesk process for local use: web server, Celery worker and beat (plus any
extra service another app declares in settings.CASEDESK_DEV_PROCESSES). Ctrl-C stops them
all. This is what `make run` calls."""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run web + Celery worker + Celery beat together until Ctrl-C."

    def add_arguments(self, parser):
        parser.add_argument("--port", default=os.environ.get("PORT", "8000"))
        parser.add_argument("--host", default="127.0.0.1")

    def handle(self, *args, port: str, host: str, **options):
        python = sys.executable
        manage = str(settings.BASE_DIR / "manage.py")
        processes = {
            "web": [python, manage, "runserver", f"{host}:{port}", "--noreload"],
            "worker": [python, "-m", "celery", "-A", "casedesk", "worker", "--pool=solo", "-l", "info"],
            "beat": [python, "-m", "celery", "-A", "casedesk", "beat", "-l", "info"],
        }
        for name, argv in getattr(settings, "CASEDESK_DEV_PROCESSES", {}).items():
            processes[name] = [python, manage, *argv]

        started: dict[str, subprocess.Popen] = {}
        base = f"http://{host}:{port}"
        try:
            for name, argv in processes.items():
                started[name] = subprocess.Popen(argv, cwd=settings.BASE_DIR)
            self.stdout.write(
                self.style.SUCCESS("\nCasedesk is running:")
                + f"\n  Agent console  {base}/console/"
                + f"\n  Customer portal {base}/portal/"
                + f"\n  Admin          {base}/admin/"
                + (
                    f"\n  Mail clerk SMTP 127.0.0.1:{settings.CLERK_SMTPD_PORT} (e.g. swaks --server"
                    f" 127.0.0.1:{settings.CLERK_SMTPD_PORT} --to {settings.CASEDESK_CLERK_EMAIL})"
                    if "clerk-smtpd" in processes
                    else ""
                )
                + f"\n  Outgoing mail is written to {settings.EMAIL_FILE_PATH}/ (EMAIL_URL changes that)"
                + "\n  Logins (password casedesk-demo): admin, alice, bob, carol;"
                + " portal: dana@acme.example, erik@acme.example, fay@globex.example"
                + "\n  Press Ctrl-C to stop everything.\n"
            )
            self.stdout.flush()
            while True:
                for name, proc in started.items():
                    if proc.poll() is not None:
                        self.stderr.write(f"{name} exited with code {proc.returncode}; stopping the others.")
                        return
                time.sleep(0.5)
        except KeyboardInterrupt:
            self.stdout.write("\nStopping…")
        finally:
            for proc in started.values():
                if proc.poll() is None:
                    proc.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + 15
            for proc in started.values():
                try:
                    proc.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    proc.kill()
