"""The rules app's subscriber on the casedesk event bus: it only enqueues."""

from __future__ import annotations

from casedesk import events
from casedesk.events import DomainEvent

from .models import EVENT_LABELS


def register() -> None:
    """Install the auto-destination router and subscribe to domain events (AppConfig.ready)."""
    from casedesk.services import set_router

    from .routing import route_case

    set_router(route_case)
    events.subscribe(on_domain_event)


def on_domain_event(event: DomainEvent) -> None:
    if event.name not in EVENT_LABELS or event.case_id is None:
        return  # e.g. "email queued": the sender's business, and rules on it would loop
    from .tasks import evaluate_event

    evaluate_event.delay(event.as_dict())
