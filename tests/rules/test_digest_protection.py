"""Digest protection: one notification per user, rule and case within the window."""

import pytest
import time_machine
from django.utils import timezone

from casedesk import services

from .conftest import make_rule, notified_addresses, set_preference

pytestmark = pytest.mark.usefixtures("only_my_rules")


@pytest.fixture
def owner_rule(db):
    return make_rule(name="customer note", events=["note.logged"], actor_kind="contact", notify_owner=True)


def test_a_burst_of_thirty_customer_notes_gives_one_notification(
    owner_rule, case, agent, customer, after_commit
):
    services.do_accept_case(case, actor=agent)
    for n in range(30):
        after_commit(services.do_log_note, case, body=f"note {n}", actor=customer)
    assert notified_addresses(case) == ["alice@casedesk.localhost"]


def test_after_the_window_the_user_is_notified_again(
    owner_rule, case, agent, customer, after_commit, settings
):
    settings.CASEDESK_NOTIFY_DIGEST_MINUTES = 10
    services.do_accept_case(case, actor=agent)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        after_commit(services.do_log_note, case, body="one", actor=customer)
        clock.shift(9 * 60)
        after_commit(services.do_log_note, case, body="two", actor=customer)
        clock.shift(2 * 60)
        after_commit(services.do_log_note, case, body="three", actor=customer)
    assert notified_addresses(case) == ["alice@casedesk.localhost"] * 2


def test_the_window_is_per_rule_and_per_case(owner_rule, case, agent, customer, after_commit):
    other = make_rule(name="also", events=["note.logged"], notify_owner=True)
    services.do_accept_case(case, actor=agent)
    second = services.do_create_case(title="Second", contact=customer, channel="email", actor=customer)
    services.do_accept_case(second, actor=agent)
    after_commit(services.do_log_note, case, body="a", actor=customer)
    after_commit(services.do_log_note, second, body="b", actor=customer)
    assert notified_addresses(case) == ["alice@casedesk.localhost"] * 2  # two rules
    assert notified_addresses(second) == ["alice@casedesk.localhost"] * 2
    assert other.pk


def test_mobile_and_email_of_one_user_count_as_one_recipient(owner_rule, case, agent, customer, after_commit):
    set_preference(agent, "both", "555@sms.example")
    services.do_accept_case(case, actor=agent)
    for _ in range(3):
        after_commit(services.do_log_note, case, body="x", actor=customer)
    assert notified_addresses(case) == ["555@sms.example", "alice@casedesk.localhost"]
