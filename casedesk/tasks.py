import socket

from celery import shared_task
from django.utils import timezone

from .models import WorkerHeartbeat


@shared_task(name="casedesk.record_worker_heartbeat", ignore_result=False, time_limit=30, soft_time_limit=25)
def record_worker_heartbeat(hostname: str | None = None) -> str:
    """Record that a worker is alive and processing (beat schedules it every minute)."""
    name = hostname or socket.gethostname()
    WorkerHeartbeat.objects.update_or_create(hostname=name, defaults={"seen_at": timezone.now()})
    return name
