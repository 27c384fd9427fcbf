"""IMAP and POP3 polling. Each message is committed to our database before it is moved,
deleted or marked seen on the server; a connection error is recorded and retried next poll."""

from __future__ import annotations

import logging
import poplib
import socket

from django.utils import timezone
from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError

from mailclerk.models import InboundMessage, Mailbox
from mailclerk.services import store_inbound

logger = logging.getLogger(__name__)

BATCH = 200
TIMEOUT = 30
_NETWORK_ERRORS = (OSError, socket.timeout, IMAPClientError, poplib.error_proto)


def poll_mailbox(pk: int) -> int:
    """Import new messages from one mailbox; returns how many were stored."""
    mailbox = Mailbox.objects.get(pk=pk)
    error = ""
    stored = 0
    try:
        if mailbox.protocol == Mailbox.Protocol.POP3:
            stored = _poll_pop3(mailbox)
        else:
            stored = _poll_imap(mailbox)
    except _NETWORK_ERRORS as exc:
        error = f"{type(exc).__name__}: {exc}"[:2000]
        logger.warning("mailbox %s: %s (retried next poll)", mailbox.name, error)
    Mailbox.objects.filter(pk=pk).update(last_polled_at=timezone.now(), last_error=error)
    return stored


def _poll_imap(mailbox: Mailbox) -> int:
    stored = 0
    with IMAPClient(mailbox.host, port=mailbox.port, ssl=mailbox.use_tls, timeout=TIMEOUT) as client:
        client.login(mailbox.username, mailbox.password)
        client.select_folder(mailbox.folder)
        criteria = ["UNSEEN"] if mailbox.after_import == Mailbox.AfterImport.MARK_SEEN else ["NOT", "DELETED"]
        uids = sorted(client.search(criteria))[:BATCH]
        target = mailbox.move_to_folder or "Casedesk/Imported"
        if mailbox.after_import == Mailbox.AfterImport.MOVE and not client.folder_exists(target):
            client.create_folder(target)
        for uid in uids:
            data = client.fetch([uid], ["BODY.PEEK[]"]).get(uid)
            if not data or b"BODY[]" not in data:
                continue
            _, created = store_inbound(
                bytes(data[b"BODY[]"]), channel=InboundMessage.Channel.IMAP, mailbox=mailbox
            )
            stored += int(created)
            # Only now, with the message committed, touch it on the server.
            if mailbox.after_import == Mailbox.AfterImport.MOVE:
                if client.has_capability("MOVE"):
                    client.move([uid], target)
                else:
                    client.copy([uid], target)
                    _delete(client, uid)
            elif mailbox.after_import == Mailbox.AfterImport.DELETE:
                _delete(client, uid)
            else:
                client.add_flags([uid], [b"\\Seen"])
    return stored


def _delete(client: IMAPClient, uid: int) -> None:
    client.delete_messages([uid])
    if client.has_capability("UIDPLUS"):
        client.uid_expunge([uid])  # only this message, never another client's \Deleted ones
    else:
        client.expunge()


def _poll_pop3(mailbox: Mailbox) -> int:
    cls = poplib.POP3_SSL if mailbox.use_tls else poplib.POP3
    conn = cls(mailbox.host, mailbox.port, timeout=TIMEOUT)
    stored = 0
    try:
        conn.user(mailbox.username)
        conn.pass_(mailbox.password)
        count, _ = conn.stat()
        for number in range(1, min(count, BATCH) + 1):
            _, lines, _ = conn.retr(number)
            raw = b"\r\n".join(lines) + b"\r\n"
            _, created = store_inbound(raw, channel=InboundMessage.Channel.POP3, mailbox=mailbox)
            stored += int(created)
            if mailbox.after_import == Mailbox.AfterImport.DELETE:
                conn.dele(number)  # applied at QUIT, after the message is committed
        conn.quit()
    except BaseException:
        conn.close()  # no QUIT: the server keeps every message
        raise
    return stored
