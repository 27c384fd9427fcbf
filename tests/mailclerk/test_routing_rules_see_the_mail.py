"""Routing rules decide the queue of a mailed-in case from the mail's own addresses."""

from rules.models import RoutingRule

from .clerk import ingest, mail


def test_a_rule_on_the_address_mailed_to_routes_the_new_case(customer, support_queue, billing_queue):
    RoutingRule.objects.create(
        name="billing inbox", to_address="billing@casedesk.localhost", queue=billing_queue
    )
    inbound = ingest(mail(to="clerk@casedesk.localhost, billing@casedesk.localhost", subject="Invoice"))
    assert inbound.case.queue == billing_queue
    assert inbound.case.activities.filter(body__contains="billing inbox").exists()


def test_a_rule_on_the_sender_routes_the_new_case(customer, support_queue, billing_queue):
    RoutingRule.objects.create(name="dana to billing", sender="dana@acme.example", queue=billing_queue)
    assert ingest(mail(sender="Dana <DANA@acme.example>")).case.queue == billing_queue
