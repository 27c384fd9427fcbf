"""Celery entry points of the RuleManager's rule engine: thin, named, ids in."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from casedesk.events import DomainEvent

from . import business


@shared_task(
    name="rules.evaluate_event",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
    soft_time_limit=60,
    time_limit=90,
)
def evaluate_event(event_dict: dict) -> dict:
    """Evaluate one domain event (its JSON form: ids only) against the business rules.
    Running it twice is harmless for notifications (digest protection) and bombs (one
    pending per rule and case)."""
    result = business.evaluate_event(DomainEvent.from_dict(event_dict))
    return {"fired": result.fired, "armed": result.armed, "defused": result.defused, "errors": result.errors}


@shared_task(
    name="rules.fire_due_time_bombs",
    autoretry_for=(OperationalError,),
    max_retries=2,
    soft_time_limit=50,
    time_limit=60,
)
def fire_due_time_bombs() -> int:
    """Beat, every 30 s: fire the time bombs that are due (each exactly once)."""
    return len(business.fire_due_time_bombs())
