"""Celery entry points of the RuleManager's rule engine: thin, named, ids in."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.db import DatabaseError, OperationalError

from casedesk.events import DomainEvent

from . import business
from .outbound import sender

logger = logging.getLogger(__name__)


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


# Retries declared here are for the database being briefly unavailable; SMTP/ESP retries are
# decided per row (attempts, next_attempt_at) by the sender, so a lost task loses nothing.


@shared_task(
    name="rules.send_outbound_email",
    autoretry_for=(DatabaseError,),
    max_retries=3,
    retry_backoff=True,
    soft_time_limit=90,
    time_limit=120,
)
def send_outbound_email(outbound_email_id: int) -> str:
    result = sender.send_one(outbound_email_id)
    if result.outcome == sender.DEFERRED and result.retry_in is not None:
        _schedule_retry(outbound_email_id, result.retry_in)
    return result.outcome


@shared_task(
    name="rules.send_outbound_batch",
    autoretry_for=(DatabaseError,),
    max_retries=3,
    retry_backoff=True,
    soft_time_limit=600,
    time_limit=660,
)
def send_outbound_batch(outbound_email_ids: list[int]) -> dict[str, int]:
    """Send several rows over one reused mail connection."""
    counts: dict[str, int] = {}
    for pk in outbound_email_ids:
        result = sender.send_one(pk)
        counts[result.outcome] = counts.get(result.outcome, 0) + 1
        if result.outcome == sender.DEFERRED and result.retry_in is not None:
            _schedule_retry(pk, result.retry_in)
    return counts


@shared_task(name="rules.sweep_outbox", max_retries=0, soft_time_limit=50, time_limit=60)
def sweep_outbox() -> int:
    """Every minute: hand out rows left queued (e.g. the broker was down at commit time) or
    whose lease expired (a worker died mid-send), in batches."""
    ids = sender.due_ids()
    size = max(settings.CASEDESK_SEND_BATCH_SIZE, 1)
    for start in range(0, len(ids), size):
        send_outbound_batch.delay(ids[start : start + size])
    return len(ids)


def _schedule_retry(pk: int, delay: float) -> None:
    """A short backoff is scheduled as a delayed task (the row is not due before, so an early
    or duplicate run just skips); long ones are left to the sweeper, which sees the due date."""
    if delay <= settings.CASEDESK_SEND_LEASE_SECONDS:
        try:
            send_outbound_email.apply_async((pk,), countdown=delay + 0.5)
        except Exception:  # broker trouble: the row is queued with its due date; the sweeper sends it
            logger.warning("could not schedule the retry of email %s", pk, exc_info=True)
