"""Connect the outbound sender to casedesk's events and anymail's tracking signal.
Called once from RulesConfig.ready()."""

from __future__ import annotations

import logging

from casedesk import events

logger = logging.getLogger(__name__)


def on_email_queued(event: events.DomainEvent) -> None:
    """After commit: hand the new row to a worker. If the broker is unreachable this raises,
    the event bus logs it, and the sweeper sends the row later."""
    if event.name != events.EMAIL_QUEUED:
        return
    from ..tasks import send_outbound_email

    # Fail fast when the broker is down: this runs at the end of a web request, and the
    # sweeper sends whatever could not be enqueued here.
    send_outbound_email.apply_async(
        (event.data["outbound_email_id"],),
        retry=True,
        retry_policy={"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2},
    )


def close_mail_connection(**kwargs) -> None:
    """Say QUIT to the mail server when a worker stops, instead of dropping the session."""
    from .sender import close_connection

    close_connection()


def register() -> None:
    from anymail.signals import tracking
    from celery.signals import worker_process_shutdown, worker_shutdown

    from .tracking import on_tracking_event

    events.subscribe(on_email_queued)
    tracking.connect(on_tracking_event, dispatch_uid="rules.outbound.tracking")
    worker_process_shutdown.connect(close_mail_connection, dispatch_uid="rules.outbound.close.process")
    worker_shutdown.connect(close_mail_connection, dispatch_uid="rules.outbound.close.worker")
