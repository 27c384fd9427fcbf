"""A failed email shows its reason and a Retry button that queues it again."""

from django.urls import reverse

from casedesk.models import Activity, OutboundEmail
from rules.outbound import sender

from .conftest import log_email


def failed_email(case, agent, smtpd):
    outbound = OutboundEmail.objects.get(activity=log_email(case, agent))
    smtpd.reply_rcpt = "550 5.1.1 No such user"
    assert sender.send_one(outbound.pk).outcome == sender.FAILED
    smtpd.reply_rcpt = None
    return outbound


def test_the_partial_shows_the_reason_and_a_retry_button(client, agent, case, smtpd):
    outbound = failed_email(case, agent, smtpd)
    client.force_login(agent)
    html = client.get(reverse("console:log_email", args=[case.number])).content.decode()
    assert 'text-bg-danger outbound-status">Failed' in html
    assert "550 5.1.1 No such user" in html
    assert reverse("console:retry_email", args=[outbound.pk]) in html


def test_retry_queues_it_again_and_it_is_sent(client, agent, case, smtpd, django_capture_on_commit_callbacks):
    outbound = failed_email(case, agent, smtpd)
    client.force_login(agent)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("console:retry_email", args=[outbound.pk]))
    assert response.status_code == 302
    outbound.refresh_from_db()
    assert outbound.status == "sent" and outbound.attempts == 1
    assert len(smtpd.messages) == 1
    note = Activity.objects.filter(kind=Activity.Kind.NOTE, is_public=False).get()
    assert note.meta == {"outbound_email_id": outbound.pk, "retry": True}


def test_only_a_failed_email_can_be_retried(client, agent, case, smtpd):
    outbound = OutboundEmail.objects.get(activity=log_email(case, agent))
    client.force_login(agent)
    client.post(reverse("console:retry_email", args=[outbound.pk]))
    assert OutboundEmail.objects.get(pk=outbound.pk).status == "queued"
    assert not Activity.objects.filter(kind=Activity.Kind.NOTE).exists()


def test_retry_needs_post_and_an_agent(client, agent, customer, case, smtpd):
    outbound = failed_email(case, agent, smtpd)
    client.force_login(agent)
    assert client.get(reverse("console:retry_email", args=[outbound.pk])).status_code == 405
    client.force_login(customer.user)
    assert client.post(reverse("console:retry_email", args=[outbound.pk])).status_code == 403
    assert OutboundEmail.objects.get(pk=outbound.pk).status == "failed"
