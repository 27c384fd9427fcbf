"""End to end through a real Celery worker on Redis: form → worker → SMTP server → history."""

import time

from django.urls import reverse

from casedesk.models import OutboundEmail
from rules.tasks import send_outbound_email
from tests.conftest import free_port


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
    assert wait_for(lambda: OutboundEmail.objects.get(pk=outbound.pk).attempts >= 2)
    assert OutboundEmail.objects.get(pk=outbound.pk).status in ("queued", "sending")
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
