"""Dry runs: which events or cases a rule would have acted on, and whom it would have
notified. Read-only: nothing is written, queued or sent."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from casedesk import events, services
from casedesk.events import DomainEvent
from casedesk.models import Activity, Case, OutboundEmail
from casedesk.templating import TemplateRenderError

from .conditions import Facts, business_conditions_hold, shared_conditions_hold
from .models import EVENT_LABELS, BusinessRule, RoutingRule
from .notify import plan_notifications
from .textmatch import PatternTimeout

DEFAULT_LIMIT = 50
MAX_LIMIT = 1000


@dataclass
class SimulatedEvent:
    when: datetime
    case: Case
    event: str
    actor: str
    matched: bool = False
    delayed: bool = False
    notify: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    error: str = ""


_KIND_EVENTS = {
    Activity.Kind.NOTE: [events.NOTE_LOGGED],
    Activity.Kind.EMAIL_IN: [events.EMAIL_IN, events.CASE_CREATED],
    Activity.Kind.CREATED: [events.CASE_CREATED],
    Activity.Kind.EMAIL_OUT: [events.EMAIL_SENT, events.EMAIL_FAILED],
    Activity.Kind.STATUS: [events.STATUS_CHANGED],
    Activity.Kind.PRIORITY: [events.PRIORITY_CHANGED],
    Activity.Kind.DISPATCHED: [events.DISPATCHED],
    Activity.Kind.ASSIGNED: [events.ASSIGNED],
    Activity.Kind.CLOSED: [events.CLOSED],
    Activity.Kind.REOPENED: [events.REOPENED],
}


def _event_of(activity: Activity) -> DomainEvent | None:
    """Rebuild the domain event an Activity was written with (history is the event log)."""
    kind, meta = activity.kind, activity.meta or {}
    data: dict = {}
    if kind in (Activity.Kind.CREATED, Activity.Kind.EMAIL_IN) and "channel" in meta:
        name, data = events.CASE_CREATED, {"channel": meta["channel"], "activity_id": activity.pk}
    elif kind in (Activity.Kind.NOTE, Activity.Kind.EMAIL_IN):
        name = events.NOTE_LOGGED if kind == Activity.Kind.NOTE else events.EMAIL_IN
        data = {"activity_id": activity.pk, "is_public": activity.is_public}
    elif kind == Activity.Kind.EMAIL_OUT:
        outbound = next(iter(activity.outbound_emails.all()), None)
        if outbound is None or outbound.status not in (
            OutboundEmail.Status.SENT,
            OutboundEmail.Status.FAILED,
        ):
            return None
        failed = outbound.status == OutboundEmail.Status.FAILED
        name = events.EMAIL_FAILED if failed else events.EMAIL_SENT
        data = {"outbound_email_id": outbound.pk, "error": outbound.last_error if failed else ""}
    elif kind in _KIND_EVENTS:
        name = _KIND_EVENTS[kind][0]
        data = {"activity_id": activity.pk, **meta}
    else:
        return None
    return DomainEvent(
        name=name,
        case_id=activity.case_id,
        actor_user_id=activity.actor_user_id,
        actor_contact_id=activity.actor_contact_id,
        data=data,
    )


def recent_events(event_names: list[str], limit: int) -> list[tuple[Activity, DomainEvent]]:
    kinds = [kind for kind, names in _KIND_EVENTS.items() if set(names) & set(event_names)]
    activities = (
        Activity.objects.filter(kind__in=kinds)
        .select_related(
            "actor_user", "actor_contact", "case__contact", "case__site", "case__queue", "case__owner"
        )
        .prefetch_related("outbound_emails")
        .order_by("-created_at", "-id")
    )
    found = []
    for activity in activities.iterator(chunk_size=200):
        event = _event_of(activity)
        if event is not None and event.name in event_names:
            found.append((activity, event))
            if len(found) >= limit:
                break
    return found


def simulate_business_rule(rule: BusinessRule, limit: int = DEFAULT_LIMIT) -> list[SimulatedEvent]:
    """The last `limit` events the rule listens to, each with what the rule would have done.
    Conditions on status/queue/owner are judged on the case as it is now."""
    rows = []
    for activity, event in recent_events(list(rule.events or []), min(limit, MAX_LIMIT)):
        case = activity.case
        row = SimulatedEvent(
            when=activity.created_at,
            case=case,
            event=EVENT_LABELS.get(event.name, event.name),
            actor=activity.actor_display,
        )
        rows.append(row)
        try:
            row.matched = business_conditions_hold(rule, Facts(case, event=event))
        except PatternTimeout as exc:
            row.error = str(exc)
            continue
        if not row.matched:
            continue
        row.delayed = bool(rule.delay_minutes)
        row.changes = describe_changes(rule)
        try:
            planned = plan_notifications(rule, case, event)
        except TemplateRenderError as exc:
            row.error = f"template error: {exc}"
            continue
        row.notify = [
            f"{item.recipient.label} <{item.to}>" + (" (mobile)" if item.via == "mobile" else "")
            for item in planned
        ]
    return rows


def describe_changes(rule: BusinessRule) -> list[str]:
    changes = []
    if rule.set_status:
        changes.append(f"status → {Case.Status(rule.set_status).label}")
    if rule.set_priority:
        changes.append(f"priority → {Case.Priority(rule.set_priority).label}")
    if rule.dispatch_to_id:
        changes.append(f"dispatch → {rule.dispatch_to}")
    if rule.assign_to_id:
        changes.append(f"assign → {rule.assign_to}")
    return changes


@dataclass
class SimulatedRouting:
    case: Case
    matched: bool
    current_queue: str
    error: str = ""


def simulate_routing_rule(rule: RoutingRule, limit: int = DEFAULT_LIMIT) -> list[SimulatedRouting]:
    """Would the rule match each of the last `limit` cases (ignoring rules before it)?"""
    rows = []
    cases = Case.objects.select_related("contact", "site", "queue").order_by("-number")[
        : min(limit, MAX_LIMIT)
    ]
    for case in cases:
        row = SimulatedRouting(
            case=case, matched=False, current_queue=case.queue.name if case.queue_id else ""
        )
        try:
            row.matched = shared_conditions_hold(
                rule, Facts(case, context=services.routing_context_for(case))
            )
        except PatternTimeout as exc:
            row.error = str(exc)
        rows.append(row)
    return rows
