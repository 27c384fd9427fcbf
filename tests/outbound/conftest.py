"""Fixtures for the outbound mail tests."""

import contextlib

import pytest


@pytest.fixture(autouse=True)
def _fresh_mail_connection():
    """The sender keeps one mail connection per thread; no test inherits another's."""
    from rules.outbound.sender import close_connection

    close_connection()
    yield
    close_connection()


@pytest.fixture
def fast_retries(settings):
    settings.CASEDESK_SEND_BACKOFF_SECONDS = 0.2
    settings.CASEDESK_SEND_BACKOFF_MAX_SECONDS = 1.0
    settings.CASEDESK_SEND_MAX_ATTEMPTS = 4
    settings.CASEDESK_SWEEP_GRACE_SECONDS = 0
    return settings


def log_email(case, agent, **overrides):
    """do_log_email with sensible defaults for tests."""
    from casedesk.outbound import do_log_email

    fields = {
        "to": [case.contact.email],
        "subject": case.email_subject,
        "body": "Hello Dana,\n\nWe are on it.\n",
    }
    fields.update(overrides)
    return do_log_email(case, agent=agent, **fields)


@contextlib.contextmanager
def broker_unreachable():
    """Point the Celery app's producers at a port where no broker listens, so publishing
    really fails (connection refused), then restore the configured broker."""
    from casedesk.celery import app
    from tests.conftest import free_port

    keys = ("broker_url", "task_publish_retry", "broker_connection_timeout")
    saved = {key: app.conf[key] for key in keys}

    def reset_pools():
        app._pool = None
        app.amqp._producer_pool = None

    app.conf.update(
        broker_url=f"redis://127.0.0.1:{free_port()}/0", task_publish_retry=False, broker_connection_timeout=1
    )
    reset_pools()
    try:
        yield
    finally:
        app.conf.update(saved)
        reset_pools()


@pytest.fixture(autouse=True)
def _without_business_rules(db):
    """These tests watch the sender alone; the seeded default rules (e.g. "send failed →
    notify the writer") would add their own notifications to what the tests count."""
    from rules.models import BusinessRule

    BusinessRule.objects.update(is_active=False)
