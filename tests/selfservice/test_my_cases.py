from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casedesk import services
from casedesk.models import Case

from ..conftest import make_customer


def open_case(contact, title):
    return services.do_create_case(title=title, contact=contact, channel=Case.Channel.PORTAL, actor=contact)


def test_it_lists_my_open_and_closed_cases_with_status(
    customer_client, customer, other_customer, support_queue
):
    mine_open = open_case(customer, "Open one")
    mine_closed = services.do_close_case(open_case(customer, "Closed one"), actor=customer)
    theirs = open_case(other_customer, "Not yours")
    response = customer_client.get(reverse("selfservice:my_cases"))
    content = response.content.decode()
    assert "Open one" in content and "Closed one" in content and "Not yours" not in content
    numbers = [c.number for c in response.context["cases"]]
    assert numbers == [mine_open.number, mine_closed.number]
    assert theirs.number not in numbers
    assert "Closed" in content


def test_it_flags_cases_the_support_team_replied_to_since_the_customer_looked(
    customer_client, customer, agent
):
    case = open_case(customer, "Waiting for help")
    customer_client.get(reverse("selfservice:case", args=[case.number]))
    assert not customer_client.get(reverse("selfservice:my_cases")).context["cases"][0].replied_since_seen
    services.do_log_note(case, body="Internal", actor=agent, is_public=False)
    assert not customer_client.get(reverse("selfservice:my_cases")).context["cases"][0].replied_since_seen
    services.do_log_note(case, body="Try turning it off and on", actor=agent, is_public=True)
    listing = customer_client.get(reverse("selfservice:my_cases"))
    assert listing.context["cases"][0].replied_since_seen and b"New reply" in listing.content
    customer_client.get(reverse("selfservice:case", args=[case.number]))
    assert not customer_client.get(reverse("selfservice:my_cases")).context["cases"][0].replied_since_seen


def test_the_list_takes_a_fixed_number_of_queries(customer_client, customer, agent, support_queue):
    for n in range(3):
        services.do_log_note(open_case(customer, f"Case {n}"), body="reply", actor=agent)
    customer_client.get(reverse("selfservice:my_cases"))
    with CaptureQueriesContext(connection) as few:
        customer_client.get(reverse("selfservice:my_cases"))
    for n in range(3, 10):
        open_case(customer, f"Case {n}")
    with CaptureQueriesContext(connection) as many:
        customer_client.get(reverse("selfservice:my_cases"))
    assert len(many) == len(few) <= 8


def test_colleagues_cases_are_hidden_unless_site_visibility_is_on(customer_client, customer, acme, settings):
    colleague = make_customer("erik@acme.example", "Erik", acme)
    theirs = open_case(colleague, "Colleague's case")
    settings.CASEDESK_PORTAL_SITE_VISIBILITY = False
    assert b"Colleague" not in customer_client.get(reverse("selfservice:my_cases")).content
    assert customer_client.get(reverse("selfservice:case", args=[theirs.number])).status_code == 404

    settings.CASEDESK_PORTAL_SITE_VISIBILITY = True
    assert b"Colleague&#x27;s case" in customer_client.get(reverse("selfservice:my_cases")).content
    assert customer_client.get(reverse("selfservice:case", args=[theirs.number])).status_code == 200
    theirs.refresh_from_db()
    assert theirs.customer_seen_at is None  # a colleague looking is not the contact looking


def test_site_colleagues_may_look_but_not_act(customer_client, customer, acme, settings):
    settings.CASEDESK_PORTAL_SITE_VISIBILITY = True
    theirs = open_case(make_customer("erik@acme.example", "Erik", acme), "Colleague's case")
    before = theirs.activities.count()
    page = customer_client.get(reverse("selfservice:case", args=[theirs.number]))
    assert b"only they can add notes" in page.content and b'id="note-form"' not in page.content
    for name in ("selfservice:case_add_note", "selfservice:case_close", "selfservice:case_reopen"):
        assert customer_client.post(reverse(name, args=[theirs.number]), {"body": "hi"}).status_code == 403
    theirs.refresh_from_db()
    assert not theirs.is_closed and theirs.activities.count() == before
