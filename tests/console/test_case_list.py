"""The case list and queue view: filters, search, jump to a number, sorting, pagination."""

import pytest
from django.urls import reverse

from casedesk import services
from casedesk.models import Case
from tests.conftest import make_agent, make_customer

from .conftest import bulk_cases


def numbers(response) -> list[int]:
    return [case.number for case in response.context["page"].items]


@pytest.fixture
def cases(agent, other_agent, customer, other_customer, support_queue, billing_queue):
    def create(title, contact, **kwargs):
        return services.do_create_case(
            title=title, contact=contact, channel=Case.Channel.EMAIL, actor=contact, **kwargs
        )

    printer = create("Printer on fire", customer, priority=Case.Priority.URGENT)
    invoice = create("Invoice charged twice", other_customer, queue=billing_queue)
    vpn = create("VPN drops every hour", customer, priority=Case.Priority.LOW)
    closed = create("Old printer question", other_customer)
    services.do_accept_case(printer, actor=agent)
    services.do_accept_case(vpn, actor=other_agent)
    services.do_close_case(closed, actor=agent, resolution="done")
    return {"printer": printer, "invoice": invoice, "vpn": vpn, "closed": closed}


def test_it_lists_all_cases_most_recently_updated_first(agent_client, cases):
    response = agent_client.get(reverse("console:case_list"))
    assert response.status_code == 200
    assert numbers(response) == [cases[k].number for k in ("closed", "vpn", "printer", "invoice")]


def test_it_filters_by_queue_status_owner_priority_site_and_contact(
    agent_client, cases, agent, billing_queue, customer, acme
):
    url = reverse("console:case_list")
    assert numbers(agent_client.get(url, {"queue": billing_queue.slug})) == [cases["invoice"].number]
    assert numbers(agent_client.get(url, {"status": "closed"})) == [cases["closed"].number]
    assert set(numbers(agent_client.get(url, {"status": "active"}))) == {
        cases[k].number for k in ("printer", "invoice", "vpn")
    }
    assert numbers(agent_client.get(url, {"owner": "me"})) == [cases["printer"].number]
    assert numbers(agent_client.get(url, {"owner": str(agent.pk)})) == [cases["printer"].number]
    assert set(numbers(agent_client.get(url, {"owner": "none"}))) == {
        cases["invoice"].number,
        cases["closed"].number,
    }
    assert numbers(agent_client.get(url, {"priority": "4"})) == [cases["printer"].number]
    response = agent_client.get(url, {"site": acme.pk})
    assert set(numbers(response)) == {cases["printer"].number, cases["vpn"].number}
    assert "Cases of site <strong>Acme Corp</strong>" in response.content.decode()
    response = agent_client.get(url, {"contact": customer.pk})
    assert set(numbers(response)) == {cases["printer"].number, cases["vpn"].number}
    assert b"dana@acme.example" in response.content


def test_an_unknown_owner_is_a_form_error_not_a_crash(agent_client, cases):
    response = agent_client.get(reverse("console:case_list"), {"owner": "99999"})
    assert response.status_code == 200
    assert "owner" in response.context["form"].errors


def test_the_queue_view_shows_the_queues_cases_that_are_not_closed(agent_client, cases, support_queue):
    response = agent_client.get(reverse("console:queue", kwargs={"slug": support_queue.slug}))
    assert response.status_code == 200
    assert set(numbers(response)) == {cases["printer"].number, cases["vpn"].number}
    response = agent_client.get(reverse("console:queue", kwargs={"slug": support_queue.slug}), {"status": ""})
    assert cases["closed"].number in numbers(response)


def test_an_unknown_queue_is_404(agent_client, db):
    assert agent_client.get(reverse("console:queue", kwargs={"slug": "nope"})).status_code == 404


def test_search_matches_every_title_word_in_any_order(agent_client, cases):
    url = reverse("console:case_list")
    assert numbers(agent_client.get(url, {"q": "fire printer"})) == [cases["printer"].number]
    assert set(numbers(agent_client.get(url, {"q": "PRINTER"}))) == {
        cases["printer"].number,
        cases["closed"].number,
    }
    assert numbers(agent_client.get(url, {"q": "printer invoice"})) == []


def test_search_matches_the_contact_email(agent_client, cases):
    url = reverse("console:case_list")
    assert set(numbers(agent_client.get(url, {"q": "fay@globex.example"}))) == {
        cases["invoice"].number,
        cases["closed"].number,
    }
    assert set(numbers(agent_client.get(url, {"q": "globex"}))) == {
        cases["invoice"].number,
        cases["closed"].number,
    }


@pytest.mark.parametrize("typed", ["{n}", "case {n}", "Case {n}", "#{n}", " case{n} "])
def test_typing_a_case_number_jumps_to_the_case(agent_client, cases, typed):
    number = cases["vpn"].number
    response = agent_client.get(reverse("console:case_list"), {"q": typed.format(n=number)})
    assert response.status_code == 302
    assert response["Location"] == reverse("console:case", kwargs={"number": number})


def test_a_number_without_a_case_searches_titles_instead(agent_client, cases):
    response = agent_client.get(reverse("console:case_list"), {"q": "99999"})
    assert response.status_code == 200
    assert numbers(response) == []


@pytest.mark.parametrize(
    ("sort", "keys"),
    [
        ("number", ["printer", "invoice", "vpn", "closed"]),
        ("-number", ["closed", "vpn", "invoice", "printer"]),
        ("-priority", ["printer", "closed", "invoice", "vpn"]),
        ("priority", ["vpn", "closed", "invoice", "printer"]),
        ("updated", ["invoice", "printer", "vpn", "closed"]),
    ],
)
def test_it_sorts_by_number_priority_and_update_time(agent_client, cases, sort, keys):
    response = agent_client.get(reverse("console:case_list"), {"sort": sort})
    assert numbers(response) == [cases[k].number for k in keys]


def test_it_paginates_without_counting_the_table(agent_client, agent, support_queue):
    bulk_cases(60, queue=support_queue)
    url = reverse("console:case_list")
    first = agent_client.get(url, {"sort": "-number"})
    assert numbers(first) == list(range(50_059, 50_034, -1))
    assert first.context["page"].has_next and not first.context["page"].has_previous
    third = agent_client.get(url, {"sort": "-number", "page": "3"})
    assert numbers(third) == list(range(50_009, 49_999, -1))
    assert not third.context["page"].has_next
    assert b"sort=-number" in third.content and b"page=2" in third.content
    assert agent_client.get(url, {"page": "abc"}).status_code == 200


@pytest.mark.parametrize("count", [10, 200])
def test_the_list_pages_run_a_constant_number_of_queries(
    agent_client, agent, support_queue, django_assert_max_num_queries, count
):
    owners = [agent, make_agent("carol"), make_agent("dave")]
    bulk_cases(count, queue=support_queue, owners=owners)
    make_customer("x@example.org", "X")
    pages = [
        (reverse("console:case_list"), {}),
        (reverse("console:case_list"), {"q": "bulk", "status": "open", "priority": "2", "sort": "number"}),
        (reverse("console:queue", kwargs={"slug": support_queue.slug}), {}),
        (reverse("console:my_work"), {}),
    ]
    for url, params in pages:
        with django_assert_max_num_queries(10):
            response = agent_client.get(url, params)
        assert response.status_code == 200
    assert response.content.count(b'class="case-row"') == min(count // 3 + (count % 3 > 0), 25)
