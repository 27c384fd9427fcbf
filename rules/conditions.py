"""Do a rule's conditions hold? `Facts` describes a case (and the event or routing context
around it) lazily, so a rule that does not look at the body never loads it."""

from __future__ import annotations

from email.utils import getaddresses
from functools import cached_property

from casedesk import events
from casedesk.events import DomainEvent
from casedesk.models import Activity, Case

from .textmatch import text_matches

NOTE_EVENTS = (events.NOTE_LOGGED, events.EMAIL_IN)


class Facts:
    """What conditions look at. Built from a routing context (at case creation) or from a
    domain event (business rules)."""

    def __init__(self, case: Case, *, event: DomainEvent | None = None, context: dict | None = None):
        self.case = case
        self.event = event
        self.context = context or {}

    @cached_property
    def _first_activity(self) -> Activity | None:
        return Activity.objects.filter(case_id=self.case.pk).order_by("created_at", "id").first()

    @cached_property
    def event_activity(self) -> Activity | None:
        activity_id = (self.event.data or {}).get("activity_id") if self.event else None
        if not activity_id:
            return None
        return Activity.objects.filter(pk=activity_id).first()

    @cached_property
    def to_addresses(self) -> set[str]:
        raw = self.context.get("to_address")
        if raw is None:
            first = self._first_activity
            raw = first.email_to if first is not None else ""
        if isinstance(raw, list | tuple):
            raw = ", ".join(raw)
        return {address.lower() for _, address in getaddresses([raw or ""]) if address}

    @cached_property
    def sender(self) -> str:
        return (self.context.get("sender") or self.case.contact.email or "").strip().lower()

    @cached_property
    def subject(self) -> str:
        return self.context.get("subject") or self.case.title

    @cached_property
    def body(self) -> str:
        if "body" in self.context:
            return self.context["body"] or ""
        activity = self.event_activity
        if activity is None and (self.event is None or self.event.name == events.CASE_CREATED):
            activity = self._first_activity
        return activity.body if activity is not None else ""

    @property
    def actor_kind(self) -> str:
        return self.event.actor_kind if self.event else "system"

    @property
    def note_visibility(self) -> str:
        is_public = (self.event.data or {}).get("is_public") if self.event else None
        if is_public is None:
            return ""
        return "public" if is_public else "internal"


def sender_matches(sender: str, wanted: str) -> bool:
    if not wanted:
        return True
    if "@" in wanted and not wanted.startswith("@"):
        return sender == wanted
    domain = wanted.lstrip("@")
    sender_domain = sender.rpartition("@")[2]
    return sender_domain == domain or sender_domain.endswith("." + domain)


def shared_conditions_hold(rule, facts: Facts) -> bool:
    """The routing vocabulary. Raises textmatch.PatternTimeout for a runaway pattern."""
    case = facts.case
    if rule.channel and case.channel != rule.channel:
        return False
    if rule.priority and case.priority != rule.priority:
        return False
    if rule.site_id and case.site_id != rule.site_id:
        return False
    if rule.sender and not sender_matches(facts.sender, rule.sender):
        return False
    if rule.to_address and rule.to_address not in facts.to_addresses:
        return False
    if rule.subject_contains and not text_matches(facts.subject, rule.subject_contains, rule.text_mode):
        return False
    if rule.body_contains and not text_matches(facts.body, rule.body_contains, rule.text_mode):
        return False
    return True


def state_conditions_hold(rule, case: Case) -> bool:
    """Conditions on the case's current state (checked again when a delayed action fires)."""
    if rule.status and case.status != rule.status:
        return False
    if rule.queue_id and case.queue_id != rule.queue_id:
        return False
    if rule.owner_id and case.owner_id != rule.owner_id:
        return False
    if rule.owner_state == "owned" and case.owner_id is None:
        return False
    if rule.owner_state == "unowned" and case.owner_id is not None:
        return False
    return True


def business_conditions_hold(rule, facts: Facts) -> bool:
    if facts.event is None or facts.event.name not in (rule.events or []):
        return False
    if rule.actor_kind and facts.actor_kind != rule.actor_kind:
        return False
    if rule.note_visibility and facts.note_visibility != rule.note_visibility:
        return False
    return state_conditions_hold(rule, facts.case) and shared_conditions_hold(rule, facts)
