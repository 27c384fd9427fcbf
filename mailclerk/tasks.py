"""Thin Celery entry points: ids in, services do the work, safe to run twice."""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError

from mailclerk import services


@shared_task(
    name="mailclerk.process_inbound",
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    max_retries=8,
    soft_time_limit=120,
    time_limit=150,
)
def process_inbound_task(pk: int) -> None:
    services.process_inbound(pk)


@shared_task(name="mailclerk.process_inbound_batch", soft_time_limit=600, time_limit=660, max_retries=0)
def process_inbound_batch_task(pks: list[int]) -> None:
    """Process messages strictly in the given order (imports: a reply after what it answers)."""
    for pk in pks:
        services.process_inbound(pk)


@shared_task(name="mailclerk.poll_mailboxes", soft_time_limit=30, time_limit=60, max_retries=0)
def poll_mailboxes_task() -> None:
    """One task per mailbox, so one slow or broken server does not hold up the others."""
    from mailclerk.models import Mailbox

    for pk in Mailbox.objects.filter(is_active=True).values_list("pk", flat=True):
        poll_mailbox_task.delay(pk)


@shared_task(name="mailclerk.poll_mailbox", soft_time_limit=240, time_limit=300, max_retries=0)
def poll_mailbox_task(pk: int) -> None:
    from mailclerk.doors.mailbox import poll_mailbox

    poll_mailbox(pk)


@shared_task(name="mailclerk.sweep_received", soft_time_limit=60, time_limit=90, max_retries=0)
def sweep_received_task() -> None:
    """Re-enqueue stored messages whose processing task was lost (broker down at commit,
    worker killed): nothing stored stays unprocessed."""
    from datetime import timedelta

    from django.utils import timezone

    from mailclerk.models import InboundMessage

    stale = timezone.now() - timedelta(minutes=5)
    pks = InboundMessage.objects.filter(status=InboundMessage.Status.RECEIVED, received_at__lt=stale)
    for pk in pks.order_by("received_at", "pk").values_list("pk", flat=True)[:500]:
        process_inbound_task.delay(pk)
