""" "Route again" from the console: the router runs on an existing case and the history
records the rule; agents only, POST only."""

import pytest
from django.urls import reverse

from casedesk import services
from casedesk.models import Activity
from casedesk.services import CaseActionError

from .conftest import make_routing_rule

pytestmark = pytest.mark.django_db


def test_it_dispatches_by_the_matching_rule(case, agent, billing_queue):
    make_routing_rule(name="printers", queue=billing_queue, subject_contains="printer")
    decision = services.do_route_case(case, actor=agent)
    case.refresh_from_db()
    assert decision.rule_name == "printers" and case.queue == billing_queue
    entry = Activity.objects.filter(case=case, kind=Activity.Kind.DISPATCHED).last()
    assert entry.body == "Dispatched to Billing by rule “printers”" and entry.actor_user == agent


def test_nothing_to_do_is_a_clear_message(case, agent):
    with pytest.raises(CaseActionError, match="already where the rules put it"):
        services.do_route_case(case, actor=agent)


def test_the_console_button_posts_and_redirects(client, case, agent, billing_queue):
    make_routing_rule(queue=billing_queue, subject_contains="printer")
    client.force_login(agent)
    url = reverse("console:route_again", args=[case.number])
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == f"/console/cases/{case.number}/"
    case.refresh_from_db()
    assert case.queue == billing_queue


def test_customers_cannot_route(client, case, customer, billing_queue):
    make_routing_rule(queue=billing_queue, subject_contains="printer")
    client.force_login(customer.user)
    assert client.post(reverse("console:route_again", args=[case.number])).status_code == 403
    case.refresh_from_db()
    assert case.queue.name == "Support Cases"


def test_closed_cases_are_not_routed(case, agent):
    services.do_close_case(case, actor=agent)
    with pytest.raises(CaseActionError, match="closed"):
        services.do_route_case(case, actor=agent)
