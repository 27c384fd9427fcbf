"""Send OutboundEmail rows: claim, build the message, send through Django's email API,
record the outcome (sent / deferred with backoff / failed).

A row is claimed with one conditional UPDATE (queued and due, or sending with an expired
lease → sending with a new lease, attempts + 1), so a task delivered twice, or racing the
sweeper, sends once. A worker that dies mid-send leaves the row `sending`; when its lease
expires the sweeper hands it out again (at-least-once: never silently unsent).
"""

from __future__ import annotations

import logging
import random
import smtplib
import socket
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.message import BadHeaderError
from django.db.models import F, Q
from django.utils import timezone

from casedesk.models import OutboundEmail
from casedesk.outbound import do_record_email_deferred, do_record_email_failed, do_record_email_sent

logger = logging.getLogger(__name__)

SENT = "sent"
DEFERRED = "deferred"
FAILED = "failed"
SKIPPED = "skipped"


@dataclass(frozen=True)
class SendResult:
    outcome: str  # sent | deferred | failed | skipped (not claimable: sent, not due, leased)
    retry_in: float | None = None
    error: str = ""


class PermanentSendError(Exception):
    """The message itself cannot be sent (bad header, recipient refused); do not retry."""


# --- claiming ---------------------------------------------------------------------------


def claimable(now: datetime) -> Q:
    due = Q(status=OutboundEmail.Status.QUEUED) & (
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )
    expired = Q(status=OutboundEmail.Status.SENDING, lease_until__lt=now)
    return due | expired


def claim(pk: int, *, now: datetime | None = None) -> OutboundEmail | None:
    """Atomically take the row for sending; None if someone else has it or it is not due."""
    now = now or timezone.now()
    lease = now + timedelta(seconds=settings.CASEDESK_SEND_LEASE_SECONDS)
    taken = OutboundEmail.objects.filter(claimable(now), pk=pk).update(
        status=OutboundEmail.Status.SENDING, lease_until=lease, attempts=F("attempts") + 1
    )
    if not taken:
        return None
    return OutboundEmail.objects.select_related("activity", "case").get(pk=pk)


def due_ids(
    *, now: datetime | None = None, grace_seconds: int | None = None, limit: int = 10_000
) -> list[int]:
    """Rows the sweeper should hand out: queued and due for at least the grace period (the
    event-driven task normally got them first), or sending with an expired lease."""
    now = now or timezone.now()
    grace = settings.CASEDESK_SWEEP_GRACE_SECONDS if grace_seconds is None else grace_seconds
    cutoff = now - timedelta(seconds=grace)
    queued = Q(status=OutboundEmail.Status.QUEUED) & (
        Q(next_attempt_at__isnull=True, created_at__lte=cutoff) | Q(next_attempt_at__lte=cutoff)
    )
    expired = Q(status=OutboundEmail.Status.SENDING, lease_until__lt=now)
    return list(
        OutboundEmail.objects.filter(queued | expired)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


# --- building the message ---------------------------------------------------------------


def _clean_header(name: str, value: str) -> str:
    if any(ch in value for ch in "\r\n\x00") or any(ch in name for ch in "\r\n\x00: "):
        raise PermanentSendError(f"Refused header {name!r}: line breaks are not allowed in headers.")
    return value


def build_message(outbound: OutboundEmail, connection=None) -> EmailMultiAlternatives:
    headers = {"Message-ID": outbound.message_id}
    if outbound.in_reply_to:
        headers["In-Reply-To"] = outbound.in_reply_to
    if outbound.references:
        headers["References"] = " ".join(outbound.references.split())
    for name, value in (outbound.extra_headers or {}).items():
        headers[name] = str(value)
    if outbound.case_id and "X-Casedesk-Case" not in headers:
        headers["X-Casedesk-Case"] = str(outbound.case.number)
    if outbound.kind != OutboundEmail.Kind.AGENT:
        headers.setdefault("Auto-Submitted", "auto-generated")
    for name, value in headers.items():
        _clean_header(name, value)
    for value in (outbound.subject, outbound.from_email, *outbound.to, *outbound.cc, *outbound.bcc):
        _clean_header("address/subject", value)
    for value in outbound.reply_to:
        _clean_header("Reply-To", value)
    message = EmailMultiAlternatives(
        subject=outbound.subject,
        body=outbound.text,
        from_email=outbound.from_email,
        to=list(outbound.to),
        cc=list(outbound.cc),
        bcc=list(outbound.bcc),
        reply_to=list(outbound.reply_to),
        headers=headers,
        connection=connection,
    )
    if outbound.html:
        message.attach_alternative(outbound.html, "text/html")
    if outbound.activity_id:
        for attachment in outbound.activity.attachments.all():
            with attachment.file.open("rb") as handle:
                message.attach(attachment.filename, handle.read(), attachment.content_type)
    return message


# --- classifying errors -----------------------------------------------------------------


def is_permanent(exc: BaseException) -> bool:
    """True when retrying cannot help: SMTP 5xx for this message, ESP rejected it, bad
    headers. Connection trouble, SMTP 4xx, ESP 5xx/429/timeouts and configuration
    (fixable by an admin) are temporary."""
    from anymail.exceptions import (
        AnymailAPIError,
        AnymailInvalidAddress,
        AnymailRecipientsRefused,
        AnymailUnsupportedFeature,
    )

    if isinstance(
        exc, PermanentSendError | BadHeaderError | AnymailRecipientsRefused | AnymailInvalidAddress
    ):
        return True
    if isinstance(exc, AnymailUnsupportedFeature):
        return True
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        return bool(codes) and all(500 <= code < 600 for code in codes)
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return False
    if isinstance(exc, smtplib.SMTPResponseException):  # sender refused, data error, …
        return 500 <= exc.smtp_code < 600
    if isinstance(exc, smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError | OSError | socket.timeout):
        return False
    if isinstance(exc, AnymailAPIError):
        status = getattr(exc, "status_code", None)
        if status is None or status == 429 or status >= 500:
            return False
        return 400 <= status < 500
    return False


def describe(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        parts = [
            f"{addr}: {code} {msg.decode(errors='replace') if isinstance(msg, bytes) else msg}"
            for addr, (code, msg) in exc.recipients.items()
        ]
        return "Recipients refused: " + "; ".join(parts)
    if isinstance(exc, smtplib.SMTPResponseException):
        msg = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else exc.smtp_error
        return f"SMTP {exc.smtp_code}: {msg}"
    return f"{type(exc).__name__}: {exc}"[:2000]


def backoff_seconds(attempts: int) -> float:
    """Exponential backoff with equal jitter: half the step fixed, half random."""
    step = min(
        settings.CASEDESK_SEND_BACKOFF_MAX_SECONDS,
        settings.CASEDESK_SEND_BACKOFF_SECONDS * (2 ** max(attempts - 1, 0)),
    )
    return step / 2 + random.uniform(0, step / 2)  # noqa: S311 (jitter, not crypto)


# --- one connection per worker thread, reused across sends ------------------------------


class _ConnectionCache(threading.local):
    connection = None
    key: tuple | None = None
    last_used: float = 0.0
    sent_on_it: int = 0


_cache = _ConnectionCache()


def _backend_key() -> tuple:
    return (
        settings.EMAIL_BACKEND,
        getattr(settings, "EMAIL_HOST", ""),
        getattr(settings, "EMAIL_PORT", 0),
        getattr(settings, "EMAIL_HOST_USER", ""),
        getattr(settings, "EMAIL_USE_TLS", False),
        getattr(settings, "EMAIL_USE_SSL", False),
    )


def close_connection() -> None:
    connection, _cache.connection, _cache.key, _cache.sent_on_it = _cache.connection, None, None, 0
    if connection is not None:
        try:
            connection.close()
        except Exception:  # a dead connection cannot be closed politely; drop it
            logger.debug("closing a dead mail connection failed", exc_info=True)


def shared_connection() -> tuple[object, bool]:
    """This thread's open mail connection (opened if needed); True if it was reused.
    Reopened after CASEDESK_SMTP_IDLE_SECONDS idle or CASEDESK_SEND_BATCH_SIZE messages,
    since servers drop idle sessions and cap messages per session."""
    key = _backend_key()
    now = time.monotonic()
    stale = _cache.connection is not None and (
        _cache.key != key
        or now - _cache.last_used > settings.CASEDESK_SMTP_IDLE_SECONDS
        or _cache.sent_on_it >= settings.CASEDESK_SEND_BATCH_SIZE
    )
    if stale:
        close_connection()
    if _cache.connection is not None:
        return _cache.connection, True
    connection = get_connection(fail_silently=False)
    connection.open()
    _cache.connection, _cache.key, _cache.sent_on_it = connection, key, 0
    return connection, False


def esp_message_id(message: EmailMultiAlternatives) -> str:
    """The id an anymail ESP gave the message (tracking events refer to it); one id per
    recipient comes back as a set, of which we keep the first."""
    status = getattr(message, "anymail_status", None)
    value = getattr(status, "message_id", None)
    if value is None:
        return ""
    if isinstance(value, set | frozenset | list | tuple):
        value = sorted(str(item) for item in value)[0] if value else ""
    return str(value)


def _send(message: EmailMultiAlternatives) -> str:
    """Send over the shared connection; a reused connection the server has since dropped is
    reopened once (nothing was accepted on it). Returns the ESP's message id if any."""
    for attempt in (1, 2):
        connection, reused = shared_connection()
        message.connection = connection
        try:
            message.send(fail_silently=False)
        except smtplib.SMTPServerDisconnected:
            close_connection()
            if reused and attempt == 1:
                continue
            raise
        except Exception:
            close_connection()
            raise
        _cache.last_used = time.monotonic()
        _cache.sent_on_it += 1
        return esp_message_id(message)
    raise AssertionError("unreachable")


# --- the whole step ---------------------------------------------------------------------


def send_one(pk: int) -> SendResult:
    """Claim the row and try to send it once; records the result on the row."""
    outbound = claim(pk)
    if outbound is None:
        return SendResult(SKIPPED)
    max_attempts = settings.CASEDESK_SEND_MAX_ATTEMPTS
    if outbound.attempts > max_attempts:
        # Its lease expired after the last allowed attempt (the worker died while sending).
        error = f"Gave up after {max_attempts} attempts. Last error: {outbound.last_error or 'worker lost'}"
        do_record_email_failed(pk, error=error)
        return SendResult(FAILED, error=error)
    try:
        message = build_message(outbound)
        esp_message_id = _send(message)
    except Exception as exc:
        error = describe(exc)
        if is_permanent(exc):
            logger.info("email %s failed permanently: %s", pk, error)
            do_record_email_failed(pk, error=error)
            return SendResult(FAILED, error=error)
        if outbound.attempts >= max_attempts:
            error = f"Gave up after {outbound.attempts} attempts. Last error: {error}"
            logger.warning("email %s: %s", pk, error)
            do_record_email_failed(pk, error=error)
            return SendResult(FAILED, error=error)
        delay = backoff_seconds(outbound.attempts)
        logger.info("email %s attempt %s failed (%s); retry in %.1f s", pk, outbound.attempts, error, delay)
        do_record_email_deferred(pk, error=error, next_attempt_at=timezone.now() + timedelta(seconds=delay))
        return SendResult(DEFERRED, retry_in=delay, error=error)
    do_record_email_sent(pk, esp_message_id=esp_message_id)
    return SendResult(SENT)
