"""Temporary failures retry with backoff; permanent ones fail once and stay failed."""

from datetime import timedelta

import pytest
from anymail.exceptions import AnymailAPIError, AnymailRecipientsRefused
from django.utils import timezone

from casedesk import events
from casedesk.models import OutboundEmail
from rules.outbound import sender
from rules.tasks import send_outbound_email, sweep_outbox

from .conftest import log_email


@pytest.fixture
def queued(agent, case):
    return OutboundEmail.objects.get(activity=log_email(case, agent))


def make_due(outbound):
    OutboundEmail.objects.filter(pk=outbound.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))


def test_a_4xx_reply_defers_the_email_with_backoff(queued, smtpd):
    smtpd.reply_data = "451 4.3.0 Try again later"
    result = sender.send_one(queued.pk)
    assert result.outcome == sender.DEFERRED
    queued.refresh_from_db()
    assert queued.status == "queued" and queued.attempts == 1
    assert queued.last_error == "SMTP 451: 4.3.0 Try again later"
    assert queued.next_attempt_at > timezone.now()
    assert sender.send_one(queued.pk).outcome == sender.SKIPPED, "not due yet"


def test_server_down_then_up_sends_once_with_attempts_counted(queued, smtpd, settings):
    real_port = settings.EMAIL_PORT
    from tests.conftest import free_port

    settings.EMAIL_PORT = free_port()  # nothing listens there: connection refused
    assert sender.send_one(queued.pk).outcome == sender.DEFERRED
    make_due(queued)
    assert sender.send_one(queued.pk).outcome == sender.DEFERRED
    settings.EMAIL_PORT = real_port
    make_due(queued)
    assert sender.send_one(queued.pk).outcome == sender.SENT
    queued.refresh_from_db()
    assert queued.status == "sent" and queued.attempts == 3 and queued.last_error == ""
    assert len(smtpd.messages) == 1
    make_due(queued)
    assert sender.send_one(queued.pk).outcome == sender.SKIPPED
    assert len(smtpd.messages) == 1


def test_a_permanent_550_fails_at_once_and_is_not_retried(
    queued, smtpd, django_capture_on_commit_callbacks, settings
):
    settings.CASEDESK_SWEEP_GRACE_SECONDS = 0
    heard = []
    events.subscribe(heard.append)
    try:
        smtpd.reply_rcpt = "550 5.1.1 No such user"
        with django_capture_on_commit_callbacks(execute=True):
            assert send_outbound_email(queued.pk) == sender.FAILED
    finally:
        events.unsubscribe(heard.append)
    queued.refresh_from_db()
    assert queued.status == "failed" and queued.attempts == 1
    assert queued.last_error == "Recipients refused: dana@acme.example: 550 5.1.1 No such user"
    assert [e.name for e in heard] == [events.EMAIL_FAILED]
    smtpd.reply_rcpt = None
    sweep_outbox()
    assert send_outbound_email(queued.pk) == sender.SKIPPED
    queued.refresh_from_db()
    assert queued.status == "failed" and queued.attempts == 1 and smtpd.messages == []


def test_a_5xx_after_data_is_permanent(queued, smtpd):
    smtpd.reply_data = "554 5.7.1 Message rejected as spam"
    assert sender.send_one(queued.pk).outcome == sender.FAILED
    assert OutboundEmail.objects.get(pk=queued.pk).last_error == "SMTP 554: 5.7.1 Message rejected as spam"


def test_it_gives_up_after_the_configured_number_of_attempts(queued, smtpd, settings):
    settings.CASEDESK_SEND_MAX_ATTEMPTS = 3
    smtpd.reply_mail = "421 4.7.0 Too busy"
    outcomes = []
    for _ in range(4):
        outcomes.append(sender.send_one(queued.pk).outcome)
        make_due(queued)
    assert outcomes == [sender.DEFERRED, sender.DEFERRED, sender.FAILED, sender.SKIPPED]
    queued.refresh_from_db()
    assert queued.status == "failed" and queued.attempts == 3
    assert queued.last_error.startswith("Gave up after 3 attempts. Last error: SMTP 421")


def test_backoff_grows_exponentially_with_jitter_and_is_capped(settings):
    settings.CASEDESK_SEND_BACKOFF_SECONDS = 10
    settings.CASEDESK_SEND_BACKOFF_MAX_SECONDS = 100
    for attempts, step in [(1, 10), (2, 20), (3, 40), (4, 80), (5, 100), (9, 100)]:
        delays = {sender.backoff_seconds(attempts) for _ in range(20)}
        assert all(step / 2 <= d <= step for d in delays)
        assert len(delays) > 1


@pytest.mark.parametrize(
    "exc,permanent",
    [
        (AnymailAPIError("server error", status_code=503), False),
        (AnymailAPIError("rate limited", status_code=429), False),
        (AnymailAPIError("timeout"), False),
        (AnymailAPIError("bad request", status_code=422), True),
        (AnymailRecipientsRefused("all rejected"), True),
        (ConnectionRefusedError(111, "Connection refused"), False),
        (TimeoutError("timed out"), False),
    ],
)
def test_esp_and_network_errors_are_classified(exc, permanent):
    assert sender.is_permanent(exc) is permanent
