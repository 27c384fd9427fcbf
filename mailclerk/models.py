"""Inbound mail as data: every message byte-exact (InboundMessage), the mailboxes the
clerk polls (Mailbox), and the confirmations it sent (for the per-sender rate limit)."""

from __future__ import annotations

import hashlib
import re
import uuid

from django.db import models


def inbound_raw_path(instance: InboundMessage, filename: str) -> str:
    # Named by content hash plus a random part (never a user-chosen path): a write left over
    # from a rolled-back attempt can never be mistaken for this message's bytes.
    return f"inbound/{instance.sha256[:2]}/{instance.sha256}-{uuid.uuid4().hex[:12]}.eml"


_TRACE_HEADERS = {
    b"received",
    b"return-path",
    b"delivered-to",
    b"x-original-to",
    b"x-envelope-from",
    b"x-envelope-to",
    b"x-received",
    b"authentication-results",
    b"arc-seal",
    b"arc-message-signature",
    b"arc-authentication-results",
    b"received-spf",
    b"x-gm-message-state",
    b"x-google-smtp-source",
}
_HEADER_NAME = re.compile(rb"^([!-9;-~]+)[ \t]*:")


def content_hash(raw: bytes) -> str:
    """SHA-256 of the message as its sender wrote it: line endings normalised and the trace
    headers each relay adds (Received, Return-Path, …) left out, so the same message
    arriving by two channels is recognised as one, while two different messages that share
    a Message-ID stay distinct."""
    data = raw.replace(b"\r\n", b"\n")
    head, sep, body = data.partition(b"\n\n")
    kept: list[bytes] = []
    skipping = False
    for line in head.split(b"\n"):
        if line[:1] in (b" ", b"\t"):
            if not skipping:
                kept.append(line)
            continue
        match = _HEADER_NAME.match(line)
        skipping = bool(match and match.group(1).lower() in _TRACE_HEADERS)
        if not skipping:
            kept.append(line)
    return hashlib.sha256(b"\n".join(kept) + sep + body).hexdigest()


class Mailbox(models.Model):
    """An IMAP or POP3 mailbox the clerk polls."""

    class Protocol(models.TextChoices):
        IMAP = "imap", "IMAP"
        POP3 = "pop3", "POP3"

    class AfterImport(models.TextChoices):
        MOVE = "move", "Move to a folder (IMAP)"
        DELETE = "delete", "Delete"
        MARK_SEEN = "mark_seen", "Mark as seen (IMAP)"

    name = models.CharField(max_length=100, unique=True)
    protocol = models.CharField(max_length=4, choices=Protocol.choices, default=Protocol.IMAP)
    host = models.CharField(max_length=253)
    port = models.PositiveIntegerField(default=993)
    use_tls = models.BooleanField(default=True, help_text="Implicit TLS (IMAPS 993 / POP3S 995).")
    username = models.CharField(max_length=254)
    password = models.CharField(max_length=254)
    folder = models.CharField(max_length=200, default="INBOX")
    after_import = models.CharField(max_length=10, choices=AfterImport.choices, default=AfterImport.MOVE)
    move_to_folder = models.CharField(max_length=200, default="Casedesk/Imported", blank=True)
    send_confirmations = models.BooleanField(default=True)
    is_active = models.BooleanField(default=True)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class InboundMessage(models.Model):
    class Channel(models.TextChoices):
        WEBHOOK = "webhook", "ESP webhook"
        IMAP = "imap", "IMAP"
        POP3 = "pop3", "POP3"
        PIPE = "pipe", "MTA pipe"
        SMTP = "smtp", "SMTP listener"
        IMPORT = "import", "Import"

    class Status(models.TextChoices):
        RECEIVED = "received", "Received"
        PROCESSED = "processed", "Processed"
        IGNORED = "ignored", "Ignored"
        QUARANTINED = "quarantined", "Quarantined"

    class Action(models.TextChoices):
        NONE = "", "—"
        CREATE_CASE = "create_case", "Created a case"
        LOG_NOTE = "log_note", "Logged a note"
        QUARANTINE = "quarantine", "Quarantined"
        IGNORE = "ignore", "Ignored"

    raw = models.FileField(upload_to=inbound_raw_path, max_length=255)
    sha256 = models.CharField(max_length=64, unique=True)
    size = models.PositiveBigIntegerField(default=0)
    message_id = models.CharField(max_length=998, blank=True, db_index=True)
    from_address = models.CharField(max_length=254, blank=True, db_index=True)
    subject = models.CharField(max_length=998, blank=True)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    mailbox = models.ForeignKey(Mailbox, null=True, blank=True, on_delete=models.SET_NULL)
    envelope_recipient = models.CharField(max_length=254, blank=True)
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.RECEIVED)
    action = models.CharField(max_length=12, choices=Action.choices, default=Action.NONE, blank=True)
    reason = models.TextField(blank=True)
    matched_by = models.CharField(max_length=20, blank=True)
    case = models.ForeignKey(
        "casedesk.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="inbound_messages"
    )
    activity = models.ForeignKey(
        "casedesk.Activity", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outbound_email = models.ForeignKey(
        "casedesk.OutboundEmail",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inbound_bounces",
        help_text="Our outgoing email this message is a bounce of.",
    )
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-received_at"], name="inbound_status_time"),
            models.Index(fields=["from_address", "received_at"], name="inbound_sender_time"),
        ]

    def __str__(self) -> str:
        return f"{self.subject or '(no subject)'} from {self.from_address or '?'} ({self.status})"

    def read_raw(self) -> bytes:
        with self.raw.open("rb") as handle:
            return handle.read()


class ConfirmationSent(models.Model):
    """One confirmation the clerk queued; counted per address per hour for the rate limit."""

    address = models.CharField(max_length=254)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["address", "sent_at"], name="confirmation_sender_time")]

    def __str__(self) -> str:
        return f"{self.address} at {self.sent_at:%Y-%m-%d %H:%M}"


class QuoteMarker(models.Model):
    """A line that starts quoted history in plain-text mail ("---- Original Message ----"):
    it and everything below it are dropped from the logged text. Edited in the admin."""

    text = models.CharField(max_length=200, unique=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["text"]

    def __str__(self) -> str:
        return self.text
