"""End to end through a real Celery worker on Redis: form → worker → SMTP server → history."""

import time

from django.urls import reverse

from casedesk.models import OutboundEmail
from rules.tasks import send_outbound_email, sweep_outbox
from tests.conftest import free_port

from .conftest import broker_unreachable


def wait_for(predicate, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def post_form(client, case):
    return client.post(
        reverse("console:log_email", args=[case.number]),
        {"to": "dana@acme.example", "subject": case.email_subject, "body": "Hello Dana,\n\nDone.\n"},
    )


def test_an_agents_email_is_sent_by_the_worker_and_shows_as_sent(real_worker, client, agent, case, smtpd):
    client.force_login(agent)
    assert post_form(client, case).status_code == 302
    outbound = OutboundEmail.objects.get()
    assert wait_for(lambda: OutboundEmail.objects.get(pk=outbound.pk).status == "sent")
    assert len(smtpd.messages) == 1
    assert smtpd.parsed()["Message-ID"] == outbound.message_id
    html = client.get(reverse("console:log_email", args=[case.number])).content.decode()
    assert 'outbound-status">Sent' in html


def test_the_server_down_then_up_is_sent_once_after_retries(
    real_worker, client, agent, case, smtpd, fast_retries
):
    fast_retries.CASEDESK_SEND_MAX_ATTEMPTS = 8
    real_port = fast_retries.EMAIL_PORT
    fast_retries.EMAIL_PORT = free_port()  # nothing listens: connection refused
    client.force_login(agent)
    post_form(client, case)
    outbound = OutboundEmail.objects.get()

    def second_attempt_failed():
        row = OutboundEmail.objects.get(pk=outbound.pk)
        return row.attempts >= 2 and row.status == "queued"

    assert wait_for(second_attempt_failed)
    assert "Connection refused" in OutboundEmail.objects.get(pk=outbound.pk).last_error
    fast_retries.EMAIL_PORT = real_port
    assert wait_for(lambda: OutboundEmail.objects.get(pk=outbound.pk).status == "sent")
    outbound.refresh_from_db()
    assert 3 <= outbound.attempts <= 6
    assert len(smtpd.messages) == 1


def test_the_same_task_delivered_twice_sends_one_email(real_worker, client, agent, case, smtpd):
    client.force_login(agent)
    post_form(client, case)
    outbound = OutboundEmail.objects.get()
    send_outbound_email.delay(outbound.pk)
    send_outbound_email.delay(outbound.pk)
    assert wait_for(lambda: OutboundEmail.objects.get(pk=outbound.pk).status == "sent")
    time.sleep(1.0)  # let the duplicates run
    assert len(smtpd.messages) == 1
    assert OutboundEmail.objects.get(pk=outbound.pk).attempts == 1


def test_an_email_queued_while_the_broker_was_down_is_sent_by_the_sweeper(
    real_worker, client, agent, case, smtpd, settings, caplog
):
    settings.CASEDESK_SWEEP_GRACE_SECONDS = 0
    client.force_login(agent)
    with broker_unreachable():
        assert post_form(client, case).status_code == 302, "the agent's request still succeeds"
    outbound = OutboundEmail.objects.get()
    assert "event subscriber" in caplog.text
    time.sleep(0.5)
    assert OutboundEmail.objects.get(pk=outbound.pk).status == "queued" and smtpd.messages == []
    sweep_outbox.delay()  # what beat does every minute
    assert wait_for(lambda: OutboundEmail.objects.get(pk=outbound.pk).status == "sent")
    assert len(smtpd.messages) == 1
