"""Auto-destination: each condition, each action, first match wins, the default queue as
fallback, and the history naming the rule."""

import pytest

from casedesk import services
from casedesk.models import Activity, Case, Queue
from tests.conftest import make_agent

from .conftest import make_routing_rule

pytestmark = pytest.mark.django_db


@pytest.fixture
def sales(db):
    return Queue.objects.create(name="Sales", slug="sales")


def create(contact, *, channel=Case.Channel.EMAIL, title="Hello", body="", priority=None, **context):
    return services.do_create_case(
        title=title,
        contact=contact,
        channel=channel,
        actor=contact,
        body=body,
        priority=priority,
        routing_context={"subject": title, "body": body, **context},
    )


def test_it_falls_back_to_the_default_queue_when_no_rule_matches(customer, support_queue, billing_queue):
    make_routing_rule(queue=billing_queue, subject_contains="invoice")
    case = create(customer, title="Printer jam")
    assert case.queue == support_queue
    assert Activity.objects.get(case=case, kind=Activity.Kind.DISPATCHED).body == (
        "Dispatched to Support Cases (the default queue: no routing rule matched)"
    )


def test_it_records_the_rule_that_dispatched_the_case(customer, support_queue, billing_queue):
    make_routing_rule(name="Invoices to billing", queue=billing_queue, subject_contains="invoice")
    case = create(customer, title="Your invoice 42")
    assert case.queue == billing_queue
    entry = Activity.objects.get(case=case, kind=Activity.Kind.DISPATCHED)
    assert entry.body == "Dispatched to Billing by rule “Invoices to billing”"
    assert entry.meta["rule"] == "Invoices to billing"


def test_the_first_matching_rule_wins(customer, support_queue, billing_queue, sales):
    make_routing_rule(name="second", position=20, queue=sales, subject_contains="invoice")
    make_routing_rule(name="first", position=10, queue=billing_queue, subject_contains="invoice")
    make_routing_rule(
        name="inactive", position=1, queue=support_queue, subject_contains="invoice", is_active=False
    )
    assert create(customer, title="invoice").queue == billing_queue


def test_channel_condition(customer, support_queue, billing_queue):
    make_routing_rule(queue=billing_queue, channel=Case.Channel.PORTAL)
    assert create(customer, channel=Case.Channel.EMAIL).queue == support_queue
    assert create(customer, channel=Case.Channel.PORTAL).queue == billing_queue


def test_to_address_condition(customer, support_queue, billing_queue):
    make_routing_rule(queue=billing_queue, to_address="Billing@Casedesk.localhost")
    assert create(customer, to_address="help@casedesk.localhost").queue == support_queue
    assert (
        create(customer, to_address="Acme <billing@casedesk.localhost>, x@y.example").queue == billing_queue
    )


def test_sender_condition_by_address_and_by_domain(
    customer, other_customer, support_queue, billing_queue, sales
):
    make_routing_rule(queue=billing_queue, sender="fay@globex.example", position=1)
    make_routing_rule(queue=sales, sender="@acme.example", position=2)
    assert create(other_customer).queue == billing_queue
    assert create(customer).queue == sales
    assert create(customer, sender="someone@eu.acme.example").queue == sales
    assert create(customer, sender="someone@notacme.example").queue == support_queue


def test_site_condition(customer, other_customer, acme, support_queue, billing_queue):
    make_routing_rule(queue=billing_queue, site=acme)
    assert create(customer).queue == billing_queue
    assert create(other_customer).queue == support_queue


def test_subject_words_match_whole_words_case_insensitively(customer, support_queue, billing_queue):
    make_routing_rule(queue=billing_queue, subject_contains="invoice, refund")
    assert create(customer, title="REFUND please").queue == billing_queue
    assert create(customer, title="refunded items").queue == support_queue


def test_body_regex_condition(customer, support_queue, billing_queue):
    make_routing_rule(queue=billing_queue, body_contains=r"order\s+#?\d{4,}", text_mode="regex")
    assert create(customer, body="about order #12345 please").queue == billing_queue
    assert create(customer, body="about my order").queue == support_queue


def test_priority_condition_and_set_priority_and_owner_actions(customer, support_queue, billing_queue):
    carol = make_agent("carol", billing_queue)
    make_routing_rule(
        queue=billing_queue,
        priority=Case.Priority.HIGH,
        set_priority=Case.Priority.URGENT,
        owner=carol,
    )
    normal = create(customer)
    high = create(customer, priority=Case.Priority.HIGH)
    assert normal.queue == support_queue and normal.priority == Case.Priority.NORMAL
    high.refresh_from_db()
    assert (high.queue, high.priority, high.owner) == (billing_queue, Case.Priority.URGENT, carol)
    assert Activity.objects.get(case=high, kind=Activity.Kind.ASSIGNED).meta["rule"] == "route 1"


def test_a_rule_needs_an_action(db):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        make_routing_rule(subject_contains="x")
