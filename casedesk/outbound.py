"""Composing mail an agent sends from a case (Log Email), and recording what happened to
outgoing mail. Nothing here talks to a mail server: the rules app sends the OutboundEmail
rows written here and reports back through the `do_record_*` functions.

How replies come back: every message carries Reply-To = CASEDESK_CLERK_EMAIL (the mail
clerk's inbound address), a Message-ID in our domain, In-Reply-To/References to the case
thread and "About Case N" in the subject, so a customer's reply lands in the clerk and is
threaded back to the case whether the From is the shared address or the agent's own.
"""

from __future__ import annotations

import html as html_lib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email.utils import formataddr, getaddresses

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from . import events
from .models import Activity, Case, Contact, OutboundEmail, Profile
from .roles import display_name
from .services import (
    CaseActionError,
    NewAttachment,
    add_attachments,
    enqueue_email,
    make_message_id,
    thread_headers,
)
from .services.common import _lock, _write_activity
from .templating import TemplateRenderError, render_user_template, template_context

SHARED = "shared"
AGENT = "agent"
FROM_MODES = (SHARED, AGENT)


# --- From address -----------------------------------------------------------------------


def from_mode_for(agent: AbstractBaseUser | None) -> str:
    """The installation default, overridden by the agent's own choice when admins allow it."""
    mode = settings.CASEDESK_FROM_MODE if settings.CASEDESK_FROM_MODE in FROM_MODES else SHARED
    if agent is not None and settings.CASEDESK_ALLOW_AGENT_FROM_MODE:
        chosen = Profile.for_user(agent).from_mode
        if chosen in FROM_MODES:
            mode = chosen
    return mode


def from_address_for(agent: AbstractBaseUser | None, mode: str | None = None) -> str:
    """`Acme Support <support@…>` in shared mode, `Agent Name <agent@…>` in agent mode (an
    agent without an email address falls back to the shared address)."""
    mode = mode or from_mode_for(agent)
    if mode == AGENT and agent is not None and agent.email:
        return formataddr((display_name(agent), agent.email))
    return settings.CASEDESK_FROM_EMAIL


def reply_to_addresses() -> list[str]:
    return [settings.CASEDESK_CLERK_EMAIL]


# --- Prefill ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Prefill:
    to: str
    subject: str
    body: str
    template_error: str = ""


def raw_template(profile: Profile) -> str:
    """The agent's greeting, body template and signature as one text, paragraphs apart."""
    parts = [profile.greeting, profile.body_template, profile.signature]
    return "\n\n".join(part.strip("\n") for part in parts if part.strip())


def render_body(source: str, *, case: Case | None, agent: AbstractBaseUser, **extra) -> str:
    """Render the agent's template text; raises TemplateRenderError with a clear message."""
    return render_user_template(source, template_context(case=case, agent=agent, **extra))


def prefill(case: Case, agent: AbstractBaseUser) -> Prefill:
    """What the Log Email form opens with. A broken template never fails the page: the body
    is the raw template and `template_error` says what is wrong."""
    source = raw_template(Profile.for_user(agent))
    try:
        body = render_body(source, case=case, agent=agent)
        error = ""
    except TemplateRenderError as exc:
        body, error = source, str(exc)
    body = body.rstrip() + "\n" if body.strip() else ""
    return Prefill(to=case.contact.email, subject=case.email_subject, body=body, template_error=error)


# --- Log Email --------------------------------------------------------------------------


def split_addresses(value: str | Sequence[str]) -> list[str]:
    """Addresses from a comma/semicolon/newline separated field, as `Name <addr>` or `addr`."""
    if not isinstance(value, str):
        value = ",".join(value)
    pairs = getaddresses([value.replace(";", ",").replace("\n", ",").replace("\r", ",")])
    return [formataddr((name, addr)) if name else addr for name, addr in pairs if addr]


def text_to_html(text: str) -> str:
    """A minimal HTML alternative of a plain text body: escaped, paragraphs and line breaks."""
    paragraphs = [p for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
    body = "\n".join("<p>" + html_lib.escape(p).replace("\n", "<br>\n") + "</p>" for p in paragraphs)
    return f'<!doctype html>\n<html><body style="font-family: sans-serif">\n{body}\n</body></html>\n'


def last_inbound_email(case: Case) -> Activity | None:
    return (
        Activity.objects.filter(case=case, kind=Activity.Kind.EMAIL_IN).order_by("-created_at", "-id").first()
    )


def quote_activity(activity: Activity) -> str:
    when = activity.email_date or activity.created_at
    who = activity.email_from or activity.actor_display
    quoted = "\n".join(f"> {line}" if line else ">" for line in activity.body.rstrip().splitlines())
    return f"On {timezone.localtime(when):%Y-%m-%d %H:%M}, {who} wrote:\n{quoted}\n"


def _check_header_value(label: str, value: str) -> None:
    if any(ch in value for ch in "\r\n\x00"):
        raise CaseActionError(f"{label} must not contain line breaks.")


def do_log_email(
    case: Case,
    *,
    agent: AbstractBaseUser,
    to: Sequence[str],
    cc: Sequence[str] = (),
    bcc: Sequence[str] = (),
    subject: str,
    body: str,
    attachments: Sequence[NewAttachment] = (),
    include_previous: bool = False,
    send_html: bool = True,
) -> Activity:
    """Record an email from an agent to the customer: a public "email out" Activity with its
    attachments and the OutboundEmail the RuleManager sends after commit, in one transaction."""
    to, cc, bcc = list(to), list(cc), list(bcc)
    if not to:
        raise CaseActionError("An email needs at least one recipient in To.")
    _check_header_value("Subject", subject)
    for address in (*to, *cc, *bcc):
        _check_header_value("Addresses", address)
    if not body.strip():
        raise CaseActionError("The email has no text.")
    from_email = from_address_for(agent)
    with transaction.atomic():
        case = _lock(case)
        text = body.rstrip() + "\n"
        if include_previous:
            previous = last_inbound_email(case)
            if previous is not None:
                text = f"{text}\n{quote_activity(previous)}"
        html = text_to_html(text) if send_html else ""
        in_reply_to, references = thread_headers(case)
        message_id = make_message_id(case)
        activity = _write_activity(
            case,
            Activity.Kind.EMAIL_OUT,
            agent,
            body=text,
            is_public=True,
            email_from=from_email,
            email_to=", ".join(to),
            email_cc=", ".join(cc),
            email_subject=subject,
            email_date=timezone.now(),
            message_id=message_id,
        )
        add_attachments(activity, attachments)
        enqueue_email(
            to=to,
            cc=cc,
            bcc=bcc,
            subject=subject,
            text=text,
            html=html,
            kind=OutboundEmail.Kind.AGENT,
            case=case,
            activity=activity,
            from_email=from_email,
            reply_to=reply_to_addresses(),
            created_by=agent,
            message_id=message_id,
            in_reply_to=in_reply_to,
            references=references,
        )
    return activity


def do_retry_email(outbound: OutboundEmail, *, actor: AbstractBaseUser) -> OutboundEmail:
    """Put a failed email back in the queue with a fresh set of attempts."""
    with transaction.atomic():
        updated = OutboundEmail.objects.filter(pk=outbound.pk, status=OutboundEmail.Status.FAILED).update(
            status=OutboundEmail.Status.QUEUED,
            attempts=0,
            next_attempt_at=None,
            lease_until=None,
        )
        if not updated:
            raise CaseActionError("Only a failed email can be retried.")
        outbound.refresh_from_db()
        if outbound.case_id:
            _write_activity(
                outbound.case,
                Activity.Kind.NOTE,
                actor,
                body=f"Retry requested for the email “{outbound.subject}” (it had failed: {outbound.last_error})",
                is_public=False,
                meta={"outbound_email_id": outbound.pk, "retry": True},
            )
        events.publish(
            events.DomainEvent(
                name=events.EMAIL_QUEUED,
                case_id=outbound.case_id,
                actor_user_id=actor.pk,
                data={"outbound_email_id": outbound.pk, "retry": True},
            )
        )
    return outbound


# --- Results reported by the sender (rules app) -----------------------------------------


def do_record_email_sent(
    outbound_id: int, *, esp_message_id: str = "", sent_at: datetime | None = None
) -> bool:
    """Mark a claimed (sending) email as sent. False if it was no longer ours to finish."""
    with transaction.atomic():
        updated = OutboundEmail.objects.filter(pk=outbound_id, status=OutboundEmail.Status.SENDING).update(
            status=OutboundEmail.Status.SENT,
            sent_at=sent_at or timezone.now(),
            esp_message_id=esp_message_id[:255],
            lease_until=None,
            next_attempt_at=None,
            last_error="",
        )
        if updated:
            case_id = OutboundEmail.objects.values_list("case_id", flat=True).get(pk=outbound_id)
            events.publish(
                events.DomainEvent(
                    name=events.EMAIL_SENT, case_id=case_id, data={"outbound_email_id": outbound_id}
                )
            )
    return bool(updated)


def do_record_email_failed(outbound_id: int, *, error: str) -> bool:
    """Mark a claimed email as failed for good (permanent error or attempts used up)."""
    with transaction.atomic():
        updated = OutboundEmail.objects.filter(pk=outbound_id, status=OutboundEmail.Status.SENDING).update(
            status=OutboundEmail.Status.FAILED, last_error=error, lease_until=None, next_attempt_at=None
        )
        if updated:
            case_id = OutboundEmail.objects.values_list("case_id", flat=True).get(pk=outbound_id)
            events.publish(
                events.DomainEvent(
                    name=events.EMAIL_FAILED,
                    case_id=case_id,
                    data={"outbound_email_id": outbound_id, "error": error},
                )
            )
    return bool(updated)


def do_record_email_deferred(outbound_id: int, *, error: str, next_attempt_at: datetime) -> bool:
    """A temporary failure: back to queued, due again at `next_attempt_at`."""
    return bool(
        OutboundEmail.objects.filter(pk=outbound_id, status=OutboundEmail.Status.SENDING).update(
            status=OutboundEmail.Status.QUEUED,
            last_error=error,
            lease_until=None,
            next_attempt_at=next_attempt_at,
        )
    )


def do_record_delivery_status(
    outbound: OutboundEmail, *, status: str, recipient: str = "", hard_bounce: bool = False
) -> None:
    """An ESP reported what became of a sent email; a hard bounce flags the contact's address."""
    with transaction.atomic():
        OutboundEmail.objects.filter(pk=outbound.pk).update(delivery_status=status[:30])
        outbound.delivery_status = status[:30]
        if hard_bounce and recipient:
            Contact.objects.filter(email=recipient.strip().lower(), email_bounced_at__isnull=True).update(
                email_bounced_at=timezone.now()
            )
