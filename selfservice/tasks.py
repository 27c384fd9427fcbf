from __future__ import annotations

from celery import shared_task

from casedesk.events import DomainEvent

from . import services


@shared_task(
    name="selfservice.notify_customer",
    autoretry_for=(Exception,),
    retry_backoff=True,
    max_retries=5,
    soft_time_limit=30,
    time_limit=45,
)
def notify_customer(event_dict: dict) -> int | None:
    """Queue the customer's email about an agent's public note or closing (safe to run twice)."""
    event = DomainEvent.from_dict(event_dict)
    activity_id = event.data.get("activity_id")
    if not activity_id:
        return None
    outbound = services.do_notify_customer(activity_id)
    return outbound.pk if outbound else None
