"""End to end with a real Celery worker on Redis: a door stores, the worker processes."""

import time

from casedesk.models import Case, OutboundEmail
from mailclerk import services
from mailclerk.models import InboundMessage

from .clerk import eml


def wait_until(predicate, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_a_stored_message_is_processed_by_the_worker_after_commit(real_worker, customer, support_queue):
    inbound, created = services.store_inbound(eml("gmail_new_request.eml"), channel="pipe")
    assert created
    assert wait_until(lambda: InboundMessage.objects.get(pk=inbound.pk).status != "received")
    inbound.refresh_from_db()
    assert inbound.status == "processed", inbound.reason
    case = Case.objects.get()
    assert inbound.case == case and case.contact == customer
    assert OutboundEmail.objects.filter(case=case, kind="confirmation").count() == 1


def test_the_sweeper_requeues_a_message_whose_task_was_lost(real_worker, customer, support_queue):
    from datetime import timedelta

    from django.utils import timezone

    from mailclerk.tasks import sweep_received_task

    inbound, _ = services.store_inbound(eml("thunderbird_latin1.eml"), channel="pipe", enqueue=False)
    InboundMessage.objects.filter(pk=inbound.pk).update(received_at=timezone.now() - timedelta(minutes=10))
    sweep_received_task.delay()
    assert wait_until(lambda: InboundMessage.objects.get(pk=inbound.pk).status == "processed")
