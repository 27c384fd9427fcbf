"""Domain events: the one bus through which casedesk tells other apps what happened.

A service calls `publish(...)` inside its transaction; subscribers run only after commit
(and never if it rolls back). Subscribers (registered by the rules app in its AppConfig)
should only enqueue work: rules never run inside the web request.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)

# Event names. Data keys per event are documented beside each.
CASE_CREATED = "case.created"  # channel
NOTE_LOGGED = "note.logged"  # activity_id, is_public
EMAIL_IN = "email.in"  # activity_id, is_robot
EMAIL_QUEUED = "email.queued"  # outbound_email_id
EMAIL_SENT = "email.sent"  # outbound_email_id
EMAIL_FAILED = "email.failed"  # outbound_email_id, error
STATUS_CHANGED = "status.changed"  # old, new
PRIORITY_CHANGED = "priority.changed"  # old, new
ASSIGNED = "case.assigned"  # owner_id, accepted (bool)
DISPATCHED = "case.dispatched"  # queue_id
CLOSED = "case.closed"  # activity_id
REOPENED = "case.reopened"

ALL_EVENTS = (
    CASE_CREATED,
    NOTE_LOGGED,
    EMAIL_IN,
    EMAIL_QUEUED,
    EMAIL_SENT,
    EMAIL_FAILED,
    STATUS_CHANGED,
    PRIORITY_CHANGED,
    ASSIGNED,
    DISPATCHED,
    CLOSED,
    REOPENED,
)


@dataclass(frozen=True)
class DomainEvent:
    name: str
    case_id: int | None
    actor_user_id: int | None = None
    actor_contact_id: int | None = None
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def actor_kind(self) -> str:
        if self.actor_user_id:
            return "agent"
        if self.actor_contact_id:
            return "contact"
        return "system"

    def as_dict(self) -> dict[str, Any]:
        """JSON-safe form, for passing to a Celery task."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DomainEvent:
        return cls(**data)


Subscriber = Callable[[DomainEvent], None]
_subscribers: list[Subscriber] = []


def subscribe(subscriber: Subscriber) -> Subscriber:
    if subscriber not in _subscribers:
        _subscribers.append(subscriber)
    return subscriber


def unsubscribe(subscriber: Subscriber) -> None:
    if subscriber in _subscribers:
        _subscribers.remove(subscriber)


def publish(event: DomainEvent) -> None:
    """Deliver the event to every subscriber once the current transaction commits."""
    transaction.on_commit(lambda: _deliver(event))


def _deliver(event: DomainEvent) -> None:
    for subscriber in list(_subscribers):
        try:
            subscriber(event)
        except Exception:
            # One failing subscriber must not keep the others from hearing the event;
            # the sweepers recover whatever its enqueue would have done.
            logger.exception("event subscriber %r failed on %s", subscriber, event.name)
