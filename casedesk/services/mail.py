"""Outgoing mail as rows: Message-IDs, thread headers, enqueue_email (the only way mail
leaves Casedesk), notifications and bounces recorded on the case."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from .. import events
from ..models import (
    Activity,
    Case,
    OutboundEmail,
)
from .common import (
    _lock,
    _write_activity,
)


def mail_domain() -> str:
    from email.utils import parseaddr

    return parseaddr(settings.CASEDESK_FROM_EMAIL)[1].rpartition("@")[2] or "casedesk.localhost"


def make_message_id(case: Case | None = None) -> str:
    """A Message-ID in our own domain; the case number in it helps threading by headers."""
    prefix = f"case{case.number}." if case is not None else ""
    return f"<{prefix}{uuid.uuid4().hex}@{mail_domain()}>"


def thread_headers(case: Case) -> tuple[str, str]:
    """In-Reply-To and References for a new message on the case: the last message of the
    case thread, and the chain of every message id the case has seen (most recent 20)."""
    ids = list(
        Activity.objects.filter(case=case)
        .exclude(message_id="")
        .order_by("-created_at", "-id")
        .values_list("message_id", flat=True)[:20]
    )
    if not ids:
        return "", ""
    return ids[0], " ".join(reversed(ids))


def enqueue_email(
    *,
    to: Sequence[str],
    subject: str,
    text: str,
    kind: str = OutboundEmail.Kind.AGENT,
    case: Case | None = None,
    activity: Activity | None = None,
    from_email: str = "",
    reply_to: Sequence[str] = (),
    cc: Sequence[str] = (),
    bcc: Sequence[str] = (),
    html: str = "",
    created_by: AbstractBaseUser | None = None,
    message_id: str = "",
    in_reply_to: str = "",
    references: str = "",
    extra_headers: dict[str, str] | None = None,
) -> OutboundEmail:
    """Record an email to send. Must run inside the caller's transaction; the RuleManager
    is told after commit (event `email.queued`) and its sweeper catches anything missed."""
    for value in (subject, from_email, *to, *cc, *bcc, *reply_to, in_reply_to):
        if "\r" in value or "\n" in value:
            raise ValueError("Header values must not contain line breaks.")
    headers = dict(extra_headers or {})
    if case is not None:
        headers.setdefault("X-Casedesk-Case", str(case.number))
    if kind != OutboundEmail.Kind.AGENT:
        headers.setdefault("Auto-Submitted", "auto-generated")
    with transaction.atomic(savepoint=False):
        outbound = OutboundEmail.objects.create(
            case=case,
            activity=activity,
            kind=kind,
            created_by=created_by,
            from_email=from_email or settings.CASEDESK_FROM_EMAIL,
            reply_to=list(reply_to),
            to=list(to),
            cc=list(cc),
            bcc=list(bcc),
            subject=subject,
            text=text,
            html=html,
            message_id=message_id or make_message_id(case),
            in_reply_to=in_reply_to,
            references=references,
            extra_headers=headers,
        )
        events.publish(
            events.DomainEvent(
                name=events.EMAIL_QUEUED,
                case_id=case.pk if case else None,
                actor_user_id=created_by.pk if created_by else None,
                data={"outbound_email_id": outbound.pk},
            )
        )
    return outbound


def do_record_notification(
    case: Case,
    *,
    to: str,
    subject: str,
    text: str,
    recipient_label: str = "",
    rule_name: str = "",
) -> OutboundEmail:
    """Queue one notification email and log it on the case as a one-line internal entry.
    Notifications do not touch the case's updated time: they are not work on the case."""
    with transaction.atomic():
        label = recipient_label or to
        activity = Activity.objects.create(
            case=case,
            kind=Activity.Kind.NOTIFICATION,
            body=f"Notification sent to {label}" + (f" (rule “{rule_name}”)" if rule_name else ""),
            is_public=False,
            meta={"rule": rule_name, "to": to},
        )
        return enqueue_email(
            to=[to],
            subject=" ".join(subject.split()),
            text=text,
            kind=OutboundEmail.Kind.NOTIFICATION,
            case=case,
            activity=activity,
        )


def do_record_bounce(outbound: OutboundEmail, *, reason: str) -> OutboundEmail:
    """A bounce of one of our emails came back: flag the OutboundEmail and, when it belongs
    to a case, say so in the case history (internal, so no customer rules fire)."""
    reason = " ".join(reason.split())[:500] or "bounced"
    with transaction.atomic():
        OutboundEmail.objects.filter(pk=outbound.pk).update(delivery_status="bounced", last_error=reason)
        outbound.delivery_status, outbound.last_error = "bounced", reason
        if outbound.case_id:
            case = _lock(outbound.case)
            _write_activity(
                case,
                Activity.Kind.NOTE,
                None,
                body=f"Email to {', '.join(outbound.to)} bounced: {reason}",
                is_public=False,
                meta={"outbound_email_id": outbound.pk, "bounce": True},
            )
    return outbound
