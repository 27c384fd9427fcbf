import io
import os
import subprocess
import sys
from pathlib import Path

from django.core.management import call_command

from mailclerk.models import InboundMessage

from .clerk import eml

ROOT = Path(__file__).resolve().parents[2]


class Stdin:
    def __init__(self, data: bytes):
        self.buffer = io.BytesIO(data)


def receive(monkeypatch, data: bytes, *args) -> int:
    monkeypatch.setattr(sys, "stdin", Stdin(data))
    try:
        call_command("clerk_receive", *args)
    except SystemExit as exc:
        return exc.code
    return 0


def test_it_stores_the_message_and_exits_0(monkeypatch, capsys, db, django_capture_on_commit_callbacks):
    raw = eml("gmail_new_request.eml")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert receive(monkeypatch, raw) == 0
    inbound = InboundMessage.objects.get()
    assert inbound.read_raw() == raw and inbound.channel == "pipe"
    assert len(callbacks) == 1  # queued for the worker
    assert "stored, queued" in capsys.readouterr().out


def test_a_second_delivery_exits_0_as_a_duplicate(monkeypatch, capsys, db):
    raw = eml("gmail_new_request.eml")
    assert receive(monkeypatch, raw) == 0
    assert receive(monkeypatch, raw) == 0
    assert InboundMessage.objects.count() == 1
    assert "duplicate" in capsys.readouterr().out


def test_process_now_prints_the_case_and_action(monkeypatch, capsys, customer, support_queue):
    assert receive(monkeypatch, eml("gmail_new_request.eml"), "--process-now") == 0
    inbound = InboundMessage.objects.get()
    assert f"create_case case {inbound.case.number}" in capsys.readouterr().out


def test_junk_on_stdin_is_stored_and_quarantined_not_refused(monkeypatch, capsys, db):
    assert receive(monkeypatch, b"\x00\xff garbage", "--process-now") == 0
    assert InboundMessage.objects.get().status == "quarantined"


def test_it_exits_75_when_the_message_cannot_be_stored(monkeypatch, db):
    from mailclerk import services

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(services, "store_inbound", broken)
    assert receive(monkeypatch, eml("gmail_new_request.eml")) == 75


def test_it_exits_75_when_the_database_is_unavailable(tmp_path):
    env = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": "postgres://nobody@127.0.0.1:9/nowhere",
        "CASEDESK_VAR_DIR": str(tmp_path),
    }
    env.pop("REDIS_URL", None)
    proc = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "clerk_receive"],
        input=eml("gmail_new_request.eml"),
        capture_output=True,
        env=env,
        cwd=ROOT,
        timeout=60,
    )
    assert proc.returncode == 75, proc.stderr.decode()
    assert b"could not store" in proc.stderr
