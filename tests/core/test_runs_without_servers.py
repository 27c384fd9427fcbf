"""With no environment variables at all, Casedesk must not reach for PostgreSQL or Redis."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = r"""
import json, os, sys
connects = []
def audit(event, args):
    if event == "socket.connect":
        connects.append(repr(args[1]))
sys.addaudithook(audit)
os.environ["DJANGO_SETTINGS_MODULE"] = "casedesk.settings"
import django
django.setup()
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from casedesk.celery import app
from casedesk.tasks import record_worker_heartbeat
call_command("migrate", verbosity=0)
cache.set("probe", 1)
record_worker_heartbeat.delay("probe")          # goes to the broker, not run here
from django.core.mail import send_mail
send_mail("s", "b", "a@example.com", ["b@example.com"])
print(json.dumps({
    "db": settings.DATABASES["default"]["ENGINE"],
    "broker": app.conf.broker_url,
    "cache": settings.CACHES["default"]["BACKEND"],
    "email": settings.EMAIL_BACKEND,
    "connects": connects,
}))
"""


def test_defaults_need_no_server(tmp_path):
    env = {
        "PATH": os.environ["PATH"],
        "DEBUG": "1",
        "CASEDESK_VAR_DIR": str(tmp_path / "var"),
        "HOME": str(tmp_path),
    }
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["db"] == "django.db.backends.sqlite3"
    assert result["broker"].startswith("filesystem://")
    assert "FileBasedCache" in result["cache"]
    assert result["email"].endswith("filebased.EmailBackend")
    assert result["connects"] == [], f"connected to {result['connects']}"
    assert list((tmp_path / "var" / "celery" / "queue").iterdir()), "the task was not queued on disk"
    assert list((tmp_path / "var" / "mail").iterdir()), "the mail was not captured on disk"


def test_production_settings_pass_deploy_check(tmp_path):
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "CASEDESK_VAR_DIR": str(tmp_path / "var"),
        "SECRET_KEY": "x" * 20 + "a-long-and-random-production-secret-key-0123456789",
        "ALLOWED_HOSTS": "desk.example.com",
        "SECURE_HSTS_PRELOAD": "1",
    }
    out = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "no issues" in out.stdout


def test_production_refuses_to_start_without_secret_key(tmp_path):
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "CASEDESK_VAR_DIR": str(tmp_path / "var")}
    out = subprocess.run(
        [sys.executable, "-c", "import casedesk.wsgi"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode != 0
    assert "SECRET_KEY must be set" in out.stderr


def test_management_commands_work_in_an_unconfigured_checkout(tmp_path):
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "CASEDESK_VAR_DIR": str(tmp_path / "var")}
    out = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
