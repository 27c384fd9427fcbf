"""Sends reuse one SMTP connection per batch."""

from casedesk.models import OutboundEmail
from rules.outbound import sender
from rules.tasks import send_outbound_batch

from .conftest import log_email


def test_a_batch_uses_one_smtp_connection(agent, case, smtpd, settings):
    ids = [OutboundEmail.objects.get(activity=log_email(case, agent)).pk for _ in range(5)]
    assert send_outbound_batch(ids) == {sender.SENT: 5}
    assert len(smtpd.messages) == 5
    assert smtpd.connections == 1


def test_a_new_connection_is_opened_after_the_batch_size(agent, case, smtpd, settings):
    settings.CASEDESK_SEND_BATCH_SIZE = 2
    ids = [OutboundEmail.objects.get(activity=log_email(case, agent)).pk for _ in range(5)]
    send_outbound_batch(ids)
    assert len(smtpd.messages) == 5
    assert smtpd.connections == 3


def test_a_connection_the_server_dropped_is_reopened_without_losing_the_email(agent, case, smtpd):
    first, second = (OutboundEmail.objects.get(activity=log_email(case, agent)).pk for _ in range(2))
    assert sender.send_one(first).outcome == sender.SENT
    sender._cache.connection.connection.sock.close()  # the server side timed out the idle session
    assert sender.send_one(second).outcome == sender.SENT
    assert len(smtpd.messages) == 2
    assert OutboundEmail.objects.get(pk=second).attempts == 1
