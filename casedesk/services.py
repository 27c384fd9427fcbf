"""State changes of the core domain. Each `do_*` function makes one complete change in one
transaction, writes its Activity in that same transaction and publishes its domain event
(delivered after commit). Every channel (console, clerk, portal, rules) goes through here."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from . import events
from .cached import Lookup
from .models import (
    Activity,
    Attachment,
    Case,
    CaseNumberCounter,
    Contact,
    OutboundEmail,
    Queue,
)
from .roles import is_agent

Actor = AbstractBaseUser | Contact | None


class CaseActionError(Exception):
    """An action that is not allowed in the case's current state; nothing was changed."""


@dataclass(frozen=True)
class EmailDetails:
    """Headers of an email entry in the history."""

    from_: str = ""
    to: str = ""
    cc: str = ""
    subject: str = ""
    date: datetime | None = None
    message_id: str = ""


@dataclass(frozen=True)
class NewAttachment:
    filename: str
    content: bytes
    content_type: str = "application/octet-stream"
    content_id: str = ""
    is_inline: bool = False


@dataclass(frozen=True)
class RoutingDecision:
    queue: Queue | None = None
    priority: int | None = None
    owner: AbstractBaseUser | None = None
    rule_name: str = ""


# The rules app installs the auto-destination router at startup (casedesk must not import
# rules). Until then, and whenever the router decides nothing, the default queue applies.
Router = Callable[[Case, dict], RoutingDecision]
_router: Router | None = None


def set_router(router: Router | None) -> None:
    global _router
    _router = router


_default_queue: Lookup[Queue | None] = Lookup(lambda: Queue.objects.filter(is_default=True).first())


def default_queue() -> Queue | None:
    """Where unrouted cases land; read at most every few seconds (see casedesk.cached)."""
    return _default_queue.get()


# --- helpers ----------------------------------------------------------------------------


def _actor_fields(actor: Actor) -> dict:
    if actor is None:
        return {"actor_user": None, "actor_contact": None}
    if isinstance(actor, Contact):
        return {"actor_user": None, "actor_contact": actor}
    return {"actor_user": actor, "actor_contact": None}


def _event(name: str, case: Case, actor: Actor, **data) -> events.DomainEvent:
    fields = _actor_fields(actor)
    return events.DomainEvent(
        name=name,
        case_id=case.pk,
        actor_user_id=fields["actor_user"].pk if fields["actor_user"] else None,
        actor_contact_id=fields["actor_contact"].pk if fields["actor_contact"] else None,
        data=data,
    )


def _write_activity(
    case: Case, kind: str, actor: Actor, *, body: str = "", is_public: bool = True, **extra
) -> Activity:
    activity = Activity.objects.create(
        case=case, kind=kind, body=body, is_public=is_public, **_actor_fields(actor), **extra
    )
    now = timezone.now()
    Case.objects.filter(pk=case.pk).update(updated_at=now)
    case.updated_at = now
    return activity


def _email_fields(email: EmailDetails | None) -> dict:
    if email is None:
        return {}
    return {
        "email_from": email.from_,
        "email_to": email.to,
        "email_cc": email.cc,
        "email_subject": email.subject,
        "email_date": email.date,
        "message_id": email.message_id,
    }


def _lock(case: Case) -> Case:
    """Re-read the case under a row lock so concurrent actions serialise."""
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("queue", "owner", "contact")
        .get(pk=case.pk)
    )


def add_attachments(activity: Activity, files: Iterable[NewAttachment]) -> list[Attachment]:
    saved = []
    for item in files:
        attachment = Attachment(
            case_id=activity.case_id,
            activity=activity,
            filename=item.filename,
            content_type=item.content_type or "application/octet-stream",
            size=len(item.content),
            content_id=item.content_id,
            is_inline=item.is_inline,
        )
        attachment.file.save(item.filename, ContentFile(item.content), save=False)
        saved.append(attachment)
    if len(saved) > 1 and connection.features.can_return_rows_from_bulk_insert:
        Attachment.objects.bulk_create(saved)
    else:
        for attachment in saved:
            attachment.save()
    return saved


def _increment_case_counter() -> int | None:
    """Increment the counter row and read it back in one statement; None if the row does
    not exist yet. The row lock taken by the UPDATE serialises concurrent creators."""
    table = connection.ops.quote_name(CaseNumberCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET last_number = last_number + 1 WHERE id = %s RETURNING last_number", [1]
        )
        row = cursor.fetchone()
    return row[0] if row else None


def _update_returning_supported() -> bool:
    if connection.vendor == "postgresql":
        return True
    if connection.vendor == "sqlite":
        import sqlite3

        return sqlite3.sqlite_version_info >= (3, 35)
    return False


def next_case_number() -> int:
    """Hand out the next case number; call inside the transaction that creates the case."""
    for _ in range(3):
        if _update_returning_supported():
            number = _increment_case_counter()
            if number is not None:
                return number
        elif CaseNumberCounter.objects.filter(pk=1).update(last_number=F("last_number") + 1):
            return CaseNumberCounter.objects.values_list("last_number", flat=True).get(pk=1)
        try:
            with transaction.atomic():
                CaseNumberCounter.objects.create(pk=1, last_number=settings.CASEDESK_FIRST_CASE_NUMBER)
            return settings.CASEDESK_FIRST_CASE_NUMBER
        except IntegrityError:
            continue  # another transaction created the counter first; increment it
    raise RuntimeError("could not allocate a case number")


# --- cases ------------------------------------------------------------------------------


def do_create_case(
    *,
    title: str,
    contact: Contact,
    channel: str,
    actor: Actor,
    body: str = "",
    html: str = "",
    priority: int | None = None,
    queue: Queue | None = None,
    email: EmailDetails | None = None,
    attachments: Sequence[NewAttachment] = (),
    routing_context: dict | None = None,
    meta: dict | None = None,
) -> Case:
    """Open a case. Its first history entry is the request itself ("email in" when it
    came by mail). Without an explicit queue the auto-destination router decides."""
    title = " ".join(title.split())[:300] or "(no subject)"
    # No savepoint: nothing in here is caught and recovered from inside the transaction.
    with transaction.atomic(savepoint=False):
        case = Case.objects.create(
            number=next_case_number(),
            title=title,
            contact=contact,
            site=contact.site,
            channel=channel,
            priority=priority or Case.Priority.NORMAL,
        )
        kind = Activity.Kind.EMAIL_IN if email else Activity.Kind.CREATED
        # The request is in the history before routing runs (rules may read it). The case
        # row was just written, so none of these entries needs to touch its updated time.
        first = Activity.objects.create(
            case=case,
            kind=kind,
            body=body,
            html=html,
            meta={**(meta or {}), "channel": channel},
            **_actor_fields(actor),
            **_email_fields(email),
        )
        add_attachments(first, attachments)
        decision = (
            RoutingDecision(queue=queue)
            if queue
            else (_router(case, routing_context or {}) if _router else RoutingDecision())
        )
        target = decision.queue or default_queue()
        _create_activities(_apply_routing(case, decision, target, explicit_queue=queue is not None))
        events.publish(_event(events.CASE_CREATED, case, actor, channel=channel, activity_id=first.pk))
        if target is not None:
            events.publish(_event(events.DISPATCHED, case, None, queue_id=target.pk, rule=decision.rule_name))
        if decision.owner is not None:
            events.publish(_event(events.ASSIGNED, case, None, owner_id=decision.owner.pk, accepted=False))
    return case


def _apply_routing(
    case: Case, decision: RoutingDecision, target: Queue | None, *, explicit_queue: bool
) -> list[Activity]:
    """Set the routed queue, priority and owner on the new case (one UPDATE) and return the
    unsaved history entries that record them."""
    fields = []
    entries = []
    if decision.priority and decision.priority != case.priority:
        case.priority = decision.priority
        fields.append("priority")
    if target is not None:
        case.queue = target
        fields.append("queue")
        via = (
            f"rule “{decision.rule_name}”"
            if decision.rule_name
            else ("default queue" if not explicit_queue else "")
        )
        entries.append(
            Activity(
                case=case,
                kind=Activity.Kind.DISPATCHED,
                body=f"Dispatched to {target.name}" + (f" by {via}" if via else ""),
                is_public=False,
                meta={"queue_id": target.pk, "rule": decision.rule_name},
            )
        )
    if decision.owner is not None:
        case.owner = decision.owner
        fields.append("owner")
        entries.append(
            Activity(
                case=case,
                kind=Activity.Kind.ASSIGNED,
                body=f"Assigned to {decision.owner.get_full_name() or decision.owner.get_username()}",
                is_public=False,
                meta={"owner_id": decision.owner.pk, "rule": decision.rule_name},
            )
        )
    if fields:
        case.save(update_fields=fields)
    return entries


def _create_activities(activities: list[Activity]) -> None:
    """Insert history entries in one statement where the database returns their ids."""
    if len(activities) > 1 and connection.features.can_return_rows_from_bulk_insert:
        Activity.objects.bulk_create(activities)
    else:
        for activity in activities:
            activity.save()


def do_log_note(
    case: Case,
    *,
    body: str,
    actor: Actor,
    is_public: bool = True,
    html: str = "",
    attachments: Sequence[NewAttachment] = (),
    email: EmailDetails | None = None,
    kind: str | None = None,
    meta: dict | None = None,
    locked: bool = False,
) -> Activity:
    """Add a note (or an inbound email, when `email` is given) to the case history.
    `locked=True`: the caller read `case` with select_for_update in its current
    transaction (the mail clerk does), so it is not read again."""
    if not body.strip() and not attachments and not html and email is None:
        raise CaseActionError("A note needs some text or an attachment.")
    kind = kind or (Activity.Kind.EMAIL_IN if email else Activity.Kind.NOTE)
    if locked and not transaction.get_connection().in_atomic_block:
        raise CaseActionError("locked=True needs the caller's transaction.")
    with transaction.atomic(savepoint=False):
        if not locked:
            case = _lock(case)
        activity = _write_activity(
            case,
            kind,
            actor,
            body=body,
            html=html,
            is_public=is_public,
            meta=meta or {},
            **_email_fields(email),
        )
        add_attachments(activity, attachments)
        name = events.EMAIL_IN if kind == Activity.Kind.EMAIL_IN else events.NOTE_LOGGED
        events.publish(
            _event(name, case, actor, activity_id=activity.pk, is_public=is_public, **(meta or {}))
        )
    return activity


def do_accept_case(case: Case, *, actor: AbstractBaseUser) -> Case:
    """An agent takes ownership of a case waiting in a queue."""
    with transaction.atomic():
        case = _lock(case)
        if case.is_closed:
            raise CaseActionError(f"{case.label} is closed; reopen it before accepting it.")
        if case.owner_id == actor.pk:
            raise CaseActionError(f"You already own {case.label}.")
        if case.owner_id is not None:
            raise CaseActionError(f"{case.label} was already accepted by {case.owner}.")
        _set_owner(case, actor, actor=actor, accepted=True)
    return case


def do_assign_case(case: Case, *, owner: AbstractBaseUser, actor: Actor) -> Case:
    if not is_agent(owner):
        raise CaseActionError(f"{owner} is not an agent; only agents can own cases.")
    with transaction.atomic():
        case = _lock(case)
        if case.is_closed:
            raise CaseActionError(f"{case.label} is closed; reopen it before assigning it.")
        if case.owner_id == owner.pk:
            raise CaseActionError(f"{case.label} is already assigned to {owner}.")
        _set_owner(case, owner, actor=actor, accepted=False)
    return case


def _set_owner(case: Case, owner: AbstractBaseUser, *, actor: Actor, accepted: bool) -> None:
    case.owner = owner
    fields = ["owner"]
    if case.status == Case.Status.OPEN:
        case.status = Case.Status.IN_PROGRESS
        fields.append("status")
    case.save(update_fields=fields)
    name = owner.get_full_name() or owner.get_username()
    _write_activity(
        case,
        Activity.Kind.ASSIGNED,
        actor,
        body=f"Accepted by {name}" if accepted else f"Assigned to {name}",
        is_public=False,
        meta={"owner_id": owner.pk, "accepted": accepted},
    )
    events.publish(_event(events.ASSIGNED, case, actor, owner_id=owner.pk, accepted=accepted))


def do_dispatch_case(case: Case, *, queue: Queue, actor: Actor, rule_name: str = "") -> Case:
    with transaction.atomic():
        case = _lock(case)
        if case.queue_id == queue.pk:
            raise CaseActionError(f"{case.label} is already in {queue.name}.")
        case.queue = queue
        case.save(update_fields=["queue"])
        via = f" by rule “{rule_name}”" if rule_name else ""
        _write_activity(
            case,
            Activity.Kind.DISPATCHED,
            actor,
            body=f"Dispatched to {queue.name}{via}",
            is_public=False,
            meta={"queue_id": queue.pk, "rule": rule_name},
        )
        events.publish(_event(events.DISPATCHED, case, actor, queue_id=queue.pk, rule=rule_name))
    return case


def do_change_status(case: Case, *, status: str, actor: Actor) -> Case:
    """Move between the open states. Closing and reopening have their own functions."""
    if status not in Case.Status.values:
        raise CaseActionError(f"Unknown status {status!r}.")
    if status == Case.Status.CLOSED:
        raise CaseActionError("Use Close to close a case.")
    with transaction.atomic():
        case = _lock(case)
        if case.is_closed:
            raise CaseActionError(f"{case.label} is closed; reopen it first.")
        if case.status == status:
            raise CaseActionError(f"{case.label} is already {case.get_status_display().lower()}.")
        old = case.status
        case.status = status
        case.save(update_fields=["status"])
        _write_activity(
            case,
            Activity.Kind.STATUS,
            actor,
            body=f"Status: {Case.Status(old).label} → {Case.Status(status).label}",
            is_public=True,
            meta={"old": old, "new": status},
        )
        events.publish(_event(events.STATUS_CHANGED, case, actor, old=old, new=status))
    return case


def do_change_priority(case: Case, *, priority: int, actor: Actor) -> Case:
    if priority not in Case.Priority.values:
        raise CaseActionError(f"Unknown priority {priority!r}.")
    with transaction.atomic():
        case = _lock(case)
        if case.priority == priority:
            raise CaseActionError(f"{case.label} already has priority {case.get_priority_display()}.")
        old = case.priority
        case.priority = priority
        case.save(update_fields=["priority"])
        _write_activity(
            case,
            Activity.Kind.PRIORITY,
            actor,
            body=f"Priority: {Case.Priority(old).label} → {Case.Priority(priority).label}",
            is_public=False,
            meta={"old": old, "new": priority},
        )
        events.publish(_event(events.PRIORITY_CHANGED, case, actor, old=old, new=priority))
    return case


def do_close_case(case: Case, *, actor: Actor, resolution: str = "") -> Case:
    with transaction.atomic():
        case = _lock(case)
        if case.is_closed:
            raise CaseActionError(f"{case.label} is already closed.")
        old = case.status
        case.status = Case.Status.CLOSED
        case.closed_at = timezone.now()
        case.save(update_fields=["status", "closed_at"])
        activity = _write_activity(
            case,
            Activity.Kind.CLOSED,
            actor,
            body=resolution.strip() or "Case closed.",
            is_public=True,
            meta={"old": old},
        )
        events.publish(_event(events.CLOSED, case, actor, activity_id=activity.pk, old=old))
    return case


def do_reopen_case(case: Case, *, actor: Actor, reason: str = "") -> Case:
    with transaction.atomic():
        case = _lock(case)
        if not case.is_closed:
            raise CaseActionError(f"{case.label} is not closed.")
        case.status = Case.Status.IN_PROGRESS if case.owner_id else Case.Status.OPEN
        case.closed_at = None
        case.save(update_fields=["status", "closed_at"])
        _write_activity(
            case, Activity.Kind.REOPENED, actor, body=reason.strip() or "Case reopened.", is_public=True
        )
        events.publish(_event(events.REOPENED, case, actor))
    return case


# --- contacts ---------------------------------------------------------------------------


def get_or_create_contact(email: str, *, name: str = "") -> tuple[Contact, bool]:
    """Find the contact for an address (case-insensitive) or create one, placing it in the
    site that owns the address's domain."""

    email = email.strip().lower()
    contact = Contact.objects.filter(email=email).first()
    if contact:
        return contact, False
    return create_contact(email, name=name)


def create_contact(email: str, *, name: str = "") -> tuple[Contact, bool]:
    """Create the contact for an address the caller just looked up and did not find (if
    someone else created it meanwhile, that one is returned: (contact, False))."""
    from .models import SiteDomain

    email = email.strip().lower()
    domain = email.rpartition("@")[2]
    site_domain = SiteDomain.objects.select_related("site").filter(domain=domain).first()
    try:
        with transaction.atomic():
            contact = Contact.objects.create(
                email=email, name=name.strip(), site=site_domain.site if site_domain else None
            )
        return contact, True
    except IntegrityError:
        return Contact.objects.get(email=email), False


# --- outgoing mail ----------------------------------------------------------------------


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


# --- self-service portal (issue 8) ------------------------------------------------------


def do_link_contact_user(contact: Contact, *, user: AbstractBaseUser) -> Contact:
    """Give a contact its portal login (after the address was verified)."""
    with transaction.atomic():
        contact = Contact.objects.select_for_update().get(pk=contact.pk)
        if contact.user_id is not None and contact.user_id != user.pk:
            raise CaseActionError(f"{contact.email} already has a portal account.")
        if contact.user_id is None:
            contact.user = user
            contact.save(update_fields=["user"])
    return contact


def do_mark_case_seen_by_customer(case: Case) -> None:
    """Record that the contact looked at the case in the portal (for "replied since")."""
    now = timezone.now()
    Case.objects.filter(pk=case.pk).update(customer_seen_at=now)
    case.customer_seen_at = now


# --- console (issue 3) ------------------------------------------------------------------


def do_open_case_for_email(
    *,
    email: str,
    name: str = "",
    title: str,
    actor: AbstractBaseUser,
    body: str = "",
    priority: int | None = None,
    queue: Queue | None = None,
    attachments: Sequence[NewAttachment] = (),
) -> tuple[Case, bool]:
    """An agent opens a case for someone (e.g. after a phone call), creating the contact
    when the address is new. Returns the case and whether the contact was created; a
    failure leaves no contact behind."""
    with transaction.atomic():
        contact, created = get_or_create_contact(email, name=name)
        case = do_create_case(
            title=title,
            contact=contact,
            channel=Case.Channel.CONSOLE,
            actor=actor,
            body=body,
            priority=priority,
            queue=queue,
            attachments=attachments,
        )
    return case, created


# --- issue 7: rules (notifications, rule errors, route again) ---------------------------


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


def do_record_rule_error(case: Case, *, rule_name: str, message: str) -> Activity:
    """Log on the case that a rule could not run as written (internal entry)."""
    return Activity.objects.create(
        case=case,
        kind=Activity.Kind.RULE_ERROR,
        body=f"Rule “{rule_name}” failed: {message}",
        is_public=False,
        meta={"rule": rule_name},
    )


def routing_context_for(case: Case) -> dict:
    """The routing context of an existing case, rebuilt from its first history entry."""
    first = Activity.objects.filter(case=case).order_by("created_at", "id").first()
    return {
        "to_address": first.email_to if first is not None else "",
        "sender": case.contact.email,
        "subject": case.title,
        "body": first.body if first is not None else "",
    }


def do_route_case(case: Case, *, actor: Actor) -> RoutingDecision:
    """ "Route again": run the auto-destination router on an existing case and apply its
    decision (queue as by do_dispatch_case, then priority and owner). Raises
    CaseActionError when the case is closed or already where the rules would put it."""
    with transaction.atomic():
        case = _lock(case)
        if case.is_closed:
            raise CaseActionError(f"{case.label} is closed; reopen it before routing it again.")
        decision = _router(case, routing_context_for(case)) if _router else RoutingDecision()
        target = decision.queue or default_queue()
        changed = False
        if target is not None and target.pk != case.queue_id:
            do_dispatch_case(case, queue=target, actor=actor, rule_name=decision.rule_name)
            changed = True
        if decision.priority and decision.priority != case.priority:
            do_change_priority(case, priority=decision.priority, actor=actor)
            changed = True
        if decision.owner is not None and decision.owner.pk != case.owner_id:
            do_assign_case(case, owner=decision.owner, actor=actor)
            changed = True
        if not changed:
            where = f"by rule “{decision.rule_name}”" if decision.rule_name else "by default"
            raise CaseActionError(f"{case.label} is already where the rules put it ({where}).")
    return decision


# --- issue 5 (mail clerk): bounces of our outgoing mail -------------------------------------


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
