"""The default rules end to end: a real Celery worker on Redis evaluates the events and the
outbound queue's sender delivers the notifications to a loopback SMTP server."""

import time

import pytest

from casedesk import services
from casedesk.models import Case
from rules.defaults import DEFAULT_RULES
from rules.models import BusinessRule

from .conftest import set_preference


def wait_for(predicate, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


@pytest.fixture
def sender_task(real_worker):
    from casedesk.celery import app

    assert "rules.send_outbound_email" in app.tasks


@pytest.fixture
def seeded_defaults(transactional_db):
    for values in DEFAULT_RULES:
        values = dict(values)
        BusinessRule.objects.get_or_create(name=values.pop("name"), defaults=values)


def test_portal_case_and_customer_note_notify_through_worker_and_smtp(
    real_worker, sender_task, seeded_defaults, smtpd, customer, agent, other_agent
):
    case = services.do_create_case(
        title="Cannot log in", contact=customer, channel=Case.Channel.PORTAL, actor=customer, body="Help"
    )
    assert wait_for(lambda: len(smtpd.messages) >= 2), "queue members were not notified"
    received = sorted(rcpt for envelope in smtpd.messages for rcpt in envelope.rcpt_tos)
    assert received == ["alice@casedesk.localhost", "bob@casedesk.localhost"]
    message = smtpd.parsed(0)
    assert message["Subject"] == f"Case {case.number} new: Cannot log in"
    assert message["Auto-Submitted"] == "auto-generated"

    set_preference(agent, "mobile", "5551234567@sms.example")
    services.do_accept_case(case, actor=agent)
    services.do_log_note(case, body="Still broken", actor=customer)
    assert wait_for(lambda: any("5551234567@sms.example" in e.rcpt_tos for e in smtpd.messages))
    mobile = next(e for e in smtpd.messages if "5551234567@sms.example" in e.rcpt_tos)
    body = smtpd.parsed(smtpd.messages.index(mobile)).get_content().strip()
    assert body == f"Case {case.number} note: Cannot log in"
    assert len(body) <= 160


def test_the_real_worker_evaluates_events_from_the_bus(real_worker, customer, agent):
    """Without the sender: the real worker runs rules.evaluate_event from the event bus."""
    from casedesk.models import OutboundEmail

    BusinessRule.objects.update(is_active=False)
    BusinessRule.objects.create(
        name="worker", events=["case.created"], notify_queue_members=True, body_template="x"
    )
    case = services.do_create_case(
        title="Via worker", contact=customer, channel=Case.Channel.EMAIL, actor=customer
    )
    assert wait_for(lambda: OutboundEmail.objects.filter(case=case, to=["alice@casedesk.localhost"]).exists())
