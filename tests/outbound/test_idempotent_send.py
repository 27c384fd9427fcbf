"""The same task delivered twice sends one email."""

import threading

import pytest
from django.db import connection

from casedesk.models import OutboundEmail
from rules.outbound import sender
from rules.tasks import send_outbound_batch, send_outbound_email
from tests.conftest import skip_or_fail

from .conftest import log_email


def test_the_same_task_twice_sends_one_email(agent, case, smtpd):
    outbound = OutboundEmail.objects.get(activity=log_email(case, agent))
    assert send_outbound_email(outbound.pk) == sender.SENT
    assert send_outbound_email(outbound.pk) == sender.SKIPPED
    assert send_outbound_batch([outbound.pk, outbound.pk]) == {sender.SKIPPED: 2}
    assert len(smtpd.messages) == 1
    assert OutboundEmail.objects.get(pk=outbound.pk).attempts == 1


def test_a_claim_is_taken_by_one_worker_only(agent, case):
    outbound = OutboundEmail.objects.get(activity=log_email(case, agent))
    assert sender.claim(outbound.pk) is not None
    assert sender.claim(outbound.pk) is None


@pytest.mark.django_db(transaction=True)
def test_concurrent_claims_have_one_winner(agent, case):
    if connection.vendor != "postgresql":
        skip_or_fail(
            "concurrent claims are checked on PostgreSQL (set DATABASE_URL); SQLite serialises writers"
        )
    outbound = OutboundEmail.objects.get(activity=log_email(case, agent))
    # Committed for real here, so the eager worker already sent it: queue it again.
    OutboundEmail.objects.filter(pk=outbound.pk).update(status="queued", attempts=0)
    barrier = threading.Barrier(4)
    wins = []

    def worker():
        from django.db import connections

        barrier.wait()
        try:
            wins.append(sender.claim(outbound.pk) is not None)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(wins) == [False, False, False, True]
