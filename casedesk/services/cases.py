"""State changes of a case: open, note, accept, assign, dispatch, status, priority, close,
reopen, route again. One transaction each, history and events inside it."""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction
from django.utils import timezone

from .. import events
from ..models import (
    Activity,
    Case,
    Contact,
    Queue,
)
from ..roles import display_name, is_agent
from .common import (
    Actor,
    CaseActionError,
    EmailDetails,
    NewAttachment,
    _actor_fields,
    _email_fields,
    _event,
    _lock,
    _write_activity,
    add_attachments,
)
from .contacts import get_or_create_contact
from .numbers import next_case_number
from .routing import RoutingDecision, default_queue, route, routing_context_for


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
        decision = RoutingDecision(queue=queue) if queue else route(case, routing_context or {})
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
            f" by rule “{decision.rule_name}”"
            if decision.rule_name
            else (" (the default queue: no routing rule matched)" if not explicit_queue else "")
        )
        entries.append(
            Activity(
                case=case,
                kind=Activity.Kind.DISPATCHED,
                body=f"Dispatched to {target.name}{via}",
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
                body=f"Assigned to {display_name(decision.owner)}",
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
    name = display_name(owner)
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


def do_mark_case_seen_by_customer(case: Case) -> None:
    """Record that the contact looked at the case in the portal (for "replied since")."""
    now = timezone.now()
    Case.objects.filter(pk=case.pk).update(customer_seen_at=now)
    case.customer_seen_at = now


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


def do_record_rule_error(case: Case, *, rule_name: str, message: str) -> Activity:
    """Log on the case that a rule could not run as written (internal entry)."""
    return Activity.objects.create(
        case=case,
        kind=Activity.Kind.RULE_ERROR,
        body=f"Rule “{rule_name}” failed: {message}",
        is_public=False,
        meta={"rule": rule_name},
    )


def do_route_case(case: Case, *, actor: Actor) -> RoutingDecision:
    """ "Route again": run the auto-destination router on an existing case and apply its
    decision (queue as by do_dispatch_case, then priority and owner). Raises
    CaseActionError when the case is closed or already where the rules would put it."""
    with transaction.atomic():
        case = _lock(case)
        if case.is_closed:
            raise CaseActionError(f"{case.label} is closed; reopen it before routing it again.")
        decision = route(case, routing_context_for(case))
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
