"""The sweeper: no email recorded in the database is ever silently not sent."""

from datetime import timedelta

from django.utils import timezone

from casedesk.models import OutboundEmail
from rules.outbound import sender
from rules.tasks import send_outbound_email, sweep_outbox

from .conftest import broker_unreachable, log_email


def test_an_email_whose_task_never_reached_the_broker_is_sent_by_the_sweeper(
    agent, case, smtpd, settings, django_capture_on_commit_callbacks, caplog
):
    from casedesk.celery import app

    settings.CASEDESK_SWEEP_GRACE_SECONDS = 0
    app.conf.task_always_eager = False  # publish for real, to the unreachable broker
    try:
        with broker_unreachable(), django_capture_on_commit_callbacks(execute=True):
            activity = log_email(case, agent)
    finally:
        app.conf.task_always_eager = True  # the broker is back (eager stands in for it here)
    outbound = OutboundEmail.objects.get(activity=activity)
    assert outbound.status == "queued" and smtpd.messages == []
    assert "event subscriber" in caplog.text, "the failed enqueue is logged, not raised into the request"

    assert sweep_outbox() == 1
    outbound.refresh_from_db()
    assert outbound.status == "sent"
    assert len(smtpd.messages) == 1


def test_the_sweeper_leaves_fresh_and_not_yet_due_rows_alone(agent, case, smtpd, settings):
    settings.CASEDESK_SWEEP_GRACE_SECONDS = 60
    fresh = OutboundEmail.objects.get(activity=log_email(case, agent))
    later = OutboundEmail.objects.get(activity=log_email(case, agent))
    OutboundEmail.objects.filter(pk=later.pk).update(
        created_at=timezone.now() - timedelta(hours=1), next_attempt_at=timezone.now() + timedelta(minutes=5)
    )
    assert sender.due_ids() == []
    assert sweep_outbox() == 0
    assert smtpd.messages == []
    OutboundEmail.objects.filter(pk=fresh.pk).update(created_at=timezone.now() - timedelta(minutes=2))
    assert sender.due_ids() == [fresh.pk]


def test_a_send_interrupted_mid_way_is_recovered_when_its_lease_expires(agent, case, smtpd, settings):
    settings.CASEDESK_SWEEP_GRACE_SECONDS = 0
    outbound = OutboundEmail.objects.get(activity=log_email(case, agent))
    assert sender.claim(outbound.pk) is not None  # a worker took it, then died
    assert sweep_outbox() == 0, "the lease is still running"
    assert send_outbound_email(outbound.pk) == sender.SKIPPED
    OutboundEmail.objects.filter(pk=outbound.pk).update(lease_until=timezone.now() - timedelta(seconds=1))
    assert sweep_outbox() == 1
    outbound.refresh_from_db()
    assert outbound.status == "sent" and outbound.attempts == 2
    assert len(smtpd.messages) == 1


def test_the_sweeper_is_scheduled_every_minute(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["rules-sweep-outbox"]
    assert entry == {"task": "rules.sweep_outbox", "schedule": 60.0}


def test_a_row_whose_last_allowed_attempt_was_lost_is_marked_failed(agent, case, smtpd, settings):
    settings.CASEDESK_SWEEP_GRACE_SECONDS = 0
    settings.CASEDESK_SEND_MAX_ATTEMPTS = 2
    outbound = OutboundEmail.objects.get(activity=log_email(case, agent))
    OutboundEmail.objects.filter(pk=outbound.pk).update(
        status="sending", attempts=2, lease_until=timezone.now() - timedelta(seconds=1)
    )
    sweep_outbox()
    outbound.refresh_from_db()
    assert outbound.status == "failed"
    assert outbound.last_error == "Gave up after 2 attempts. Last error: worker lost"
    assert smtpd.messages == []
