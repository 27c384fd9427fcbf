"""IMAP and POP3 polling against a real Dovecot on loopback (throwaway config)."""

import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid

import pytest
from imapclient import IMAPClient

from mailclerk.doors.mailbox import poll_mailbox
from mailclerk.models import InboundMessage, Mailbox
from tests.conftest import free_port, skip_or_fail

from .clerk import mail

pytestmark = pytest.mark.imap
USER, PASSWORD = "clerk@example.com", "secret"


def _wait_for_port(port: int, timeout: float = 10) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.05)
    return False


@pytest.fixture(scope="module")
def dovecot():
    binary = shutil.which("dovecot") or ("/usr/sbin/dovecot" if os.path.exists("/usr/sbin/dovecot") else None)
    if binary is None:
        skip_or_fail("Dovecot is not installed (apt-get install dovecot-imapd dovecot-pop3d)")
    root = tempfile.mkdtemp(prefix="clerk-dovecot-")
    os.chmod(root, 0o755)  # mail processes run as nobody
    home = os.path.join(root, "home", USER)
    for sub in ("cur", "new", "tmp"):
        os.makedirs(os.path.join(home, "Maildir", sub))
    for dirpath, _, _ in os.walk(os.path.join(root, "home")):
        shutil.chown(dirpath, "nobody", "nogroup")
    with open(os.path.join(root, "users"), "w") as f:
        f.write(f"{USER}:{{PLAIN}}{PASSWORD}\n")
    imap_port, pop3_port = free_port(), free_port()
    conf = os.path.join(root, "dovecot.conf")
    with open(conf, "w") as f:
        f.write(
            f"""protocols = imap pop3
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:~/Maildir
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users
}}
userdb {{
  driver = static
  args = uid=nobody gid=nogroup home={root}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    port = {imap_port}
  }}
}}
service pop3-login {{
  inet_listener pop3 {{
    port = {pop3_port}
  }}
}}
"""
        )
    proc = subprocess.Popen([binary, "-F", "-c", conf], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        if not (_wait_for_port(imap_port) and _wait_for_port(pop3_port)):
            skip_or_fail("Dovecot did not start")
        yield {"imap": imap_port, "pop3": pop3_port, "maildir": os.path.join(home, "Maildir")}
    finally:
        proc.terminate()
        proc.wait(timeout=15)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def server(dovecot, transactional_db):
    """An empty INBOX (and no other folders) for each test."""
    with IMAPClient("127.0.0.1", port=dovecot["imap"], ssl=False, timeout=10) as c:
        c.login(USER, PASSWORD)
        for _, _, name in c.list_folders():
            if name != "INBOX":
                c.delete_folder(name)
        c.select_folder("INBOX")
        uids = c.search(["ALL"])
        if uids:
            c.delete_messages(uids)
            c.expunge()
    return dovecot


def deliver(server, raw: bytes) -> None:
    """Like an MTA: write into tmp/, rename into new/."""
    name = f"{time.time():.6f}.{uuid.uuid4().hex}"
    tmp = os.path.join(server["maildir"], "tmp", name)
    with open(tmp, "wb") as f:
        f.write(raw)
    os.chmod(tmp, 0o644)
    shutil.chown(tmp, "nobody", "nogroup")
    os.rename(tmp, os.path.join(server["maildir"], "new", name))


def folder_count(server, folder: str, criteria=("ALL",)) -> int:
    with IMAPClient("127.0.0.1", port=server["imap"], ssl=False, timeout=10) as c:
        c.login(USER, PASSWORD)
        if not c.folder_exists(folder):
            return 0
        c.select_folder(folder, readonly=True)
        return len(c.search(list(criteria)))


def make_mailbox(server, **extra) -> Mailbox:
    fields = dict(
        name=f"box-{uuid.uuid4().hex[:6]}",
        protocol="imap",
        host="127.0.0.1",
        port=server["imap"],
        use_tls=False,
        username=USER,
        password=PASSWORD,
        folder="INBOX",
        after_import="move",
        move_to_folder="Done",
    )
    fields.update(extra)
    return Mailbox.objects.create(**fields)


def test_imap_messages_are_imported_once_then_moved(server, customer, support_queue):
    deliver(server, mail(subject="one"))
    deliver(server, mail(subject="two"))
    box = make_mailbox(server)
    assert poll_mailbox(box.pk) == 2
    assert set(InboundMessage.objects.values_list("subject", flat=True)) == {"one", "two"}
    assert InboundMessage.objects.filter(channel="imap", mailbox=box, status="processed").count() == 2
    assert (folder_count(server, "INBOX"), folder_count(server, "Done")) == (0, 2)
    assert poll_mailbox(box.pk) == 0
    assert InboundMessage.objects.count() == 2


def test_imap_delete_mode_removes_after_import(server, db):
    deliver(server, mail(subject="delete me"))
    box = make_mailbox(server, after_import="delete")
    assert poll_mailbox(box.pk) == 1
    assert folder_count(server, "INBOX") == 0
    assert InboundMessage.objects.get().read_raw().startswith(b"From: dana@acme.example")


def test_imap_mark_seen_mode_leaves_messages_and_does_not_reimport(server, db):
    deliver(server, mail(subject="keep me"))
    box = make_mailbox(server, after_import="mark_seen")
    assert poll_mailbox(box.pk) == 1
    assert folder_count(server, "INBOX") == 1
    assert folder_count(server, "INBOX", ["UNSEEN"]) == 0
    assert poll_mailbox(box.pk) == 0


def test_a_message_that_cannot_be_stored_stays_on_the_server(server, db, monkeypatch):
    from mailclerk.doors import mailbox as door

    deliver(server, mail(subject="precious"))
    box = make_mailbox(server)

    def broken(*args, **kwargs):
        raise OSError("storage offline")

    monkeypatch.setattr(door, "store_inbound", broken)
    assert poll_mailbox(box.pk) == 0
    box.refresh_from_db()
    assert "storage offline" in box.last_error
    assert folder_count(server, "INBOX") == 1
    monkeypatch.undo()
    assert poll_mailbox(box.pk) == 1
    assert folder_count(server, "INBOX") == 0


def test_a_message_whose_processing_fails_is_kept_in_quarantine(server, db, monkeypatch):
    from mailclerk import services

    def explode(*args, **kwargs):
        raise RuntimeError("bug in processing")

    monkeypatch.setattr(services, "decide", explode)
    deliver(server, mail(subject="hard case"))
    box = make_mailbox(server)
    assert poll_mailbox(box.pk) == 1
    inbound = InboundMessage.objects.get()
    assert inbound.status == "quarantined"
    assert "bug in processing" in inbound.reason
    assert b"hard case" in inbound.read_raw()


def test_connection_errors_are_recorded_and_retried_next_poll(server, db):
    deliver(server, mail(subject="later"))
    box = make_mailbox(server, port=free_port())  # nothing listens there
    assert poll_mailbox(box.pk) == 0
    box.refresh_from_db()
    assert box.last_error and box.last_polled_at
    box.port = server["imap"]
    box.save()
    assert poll_mailbox(box.pk) == 1
    box.refresh_from_db()
    assert box.last_error == ""


def test_wrong_credentials_are_recorded_not_raised(server, db):
    box = make_mailbox(server, password="wrong")
    assert poll_mailbox(box.pk) == 0
    box.refresh_from_db()
    assert box.last_error


def test_pop3_messages_are_imported_and_deleted(server, db):
    deliver(server, mail(subject="pop one"))
    deliver(server, mail(subject="pop two"))
    box = make_mailbox(server, protocol="pop3", port=server["pop3"], after_import="delete")
    assert poll_mailbox(box.pk) == 2
    assert InboundMessage.objects.filter(channel="pop3").count() == 2
    assert folder_count(server, "INBOX") == 0


def test_the_beat_task_polls_every_active_mailbox(server, db):
    from mailclerk.tasks import poll_mailboxes_task

    deliver(server, mail(subject="beat"))
    make_mailbox(server)
    make_mailbox(server, is_active=False, port=free_port())
    poll_mailboxes_task()
    assert InboundMessage.objects.get().subject == "beat"
