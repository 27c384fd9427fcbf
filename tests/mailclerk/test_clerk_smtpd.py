"""The clerk's SMTP listener, over a real socket."""

import smtplib

import pytest

from casedesk.models import Case
from mailclerk.doors.smtpd import make_controller
from mailclerk.models import InboundMessage
from tests.conftest import free_port

from .clerk import eml, mail


@pytest.fixture
def listener(transactional_db, settings):
    controller = make_controller("127.0.0.1", free_port(), max_bytes=200_000)
    controller.start()
    yield controller
    controller.stop()


def send(listener, raw: bytes, to: str = "clerk@casedesk.localhost"):
    with smtplib.SMTP(listener.hostname, listener.port, timeout=10) as smtp:
        return smtp.sendmail("dana@acme.example", [to], raw)


def test_mail_for_the_clerk_is_stored_and_becomes_a_case(listener, customer, support_queue):
    raw = eml("gmail_new_request.eml")
    send(listener, raw)
    inbound = InboundMessage.objects.get()
    assert inbound.channel == "smtp"
    assert inbound.read_raw() == raw
    assert inbound.status == "processed"  # eager Celery here; a worker in production
    assert Case.objects.get().contact == customer


def test_plus_addresses_and_queue_addresses_are_accepted(listener, support_queue):
    support_queue.inbound_address = "billing@casedesk.localhost"
    support_queue.save()
    send(listener, mail(subject="a"), to="clerk+anything@casedesk.localhost")
    send(listener, mail(subject="b"), to="BILLING@casedesk.localhost")
    assert InboundMessage.objects.count() == 2


def test_other_recipients_are_refused_at_rcpt(listener):
    with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        send(listener, mail(), to="someone@elsewhere.example")
    assert refused.value.recipients["someone@elsewhere.example"][0] == 550
    assert not InboundMessage.objects.exists()


def test_messages_over_the_size_limit_are_refused(listener):
    with pytest.raises((smtplib.SMTPDataError, smtplib.SMTPSenderRefused)) as refused:
        send(listener, mail(body="x" * 300_000))
    assert refused.value.smtp_code == 552
    assert not InboundMessage.objects.exists()


def test_it_answers_451_when_it_cannot_store(listener, monkeypatch):
    from mailclerk.doors import smtpd

    def broken(*args, **kwargs):
        raise OSError("storage offline")

    monkeypatch.setattr(smtpd, "store_inbound", broken)
    with pytest.raises(smtplib.SMTPDataError) as refused:
        send(listener, mail())
    assert refused.value.smtp_code == 451


def test_the_clerk_smtpd_command_listens_and_stores(tmp_path):
    """What `make run` starts: the command itself, on its own SQLite database."""
    import os
    import signal
    import socket
    import sqlite3
    import subprocess
    import sys
    import time
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {
        **os.environ,
        "DEBUG": "1",
        "CASEDESK_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    env.pop("REDIS_URL", None)
    manage = [sys.executable, str(root / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput"], env=env, cwd=root, check=True, capture_output=True)
    port = free_port()
    proc = subprocess.Popen(
        [*manage, "clerk_smtpd", "--port", str(port)], env=env, cwd=root, stdout=subprocess.PIPE, text=True
    )
    try:
        banner = proc.stdout.readline()
        assert f"127.0.0.1:{port}" in banner
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
            smtp.sendmail("dana@acme.example", ["clerk@casedesk.localhost"], mail(subject="via the command"))
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=20)
    with sqlite3.connect(tmp_path / "db.sqlite3") as db:
        rows = db.execute("select channel, subject from mailclerk_inboundmessage").fetchall()
    assert rows == [("smtp", "via the command")]
