"""My work: my open cases, unaccepted cases in my queues, counts per queue."""

from django.urls import reverse

from casedesk import services
from casedesk.models import Case


def test_it_shows_my_open_cases_and_waiting_cases_in_my_queues(
    agent_client, agent, other_agent, customer, billing_queue
):
    def create(title, **kwargs):
        return services.do_create_case(
            title=title, contact=customer, channel=Case.Channel.EMAIL, actor=customer, **kwargs
        )

    mine = create("Mine")
    closed_mine = create("Closed mine")
    theirs = create("Theirs")
    waiting = create("Waiting in support")
    elsewhere = create("Waiting in billing", queue=billing_queue)
    services.do_accept_case(mine, actor=agent)
    services.do_accept_case(closed_mine, actor=agent)
    services.do_close_case(closed_mine, actor=agent, resolution="x")
    services.do_accept_case(theirs, actor=other_agent)

    response = agent_client.get(reverse("console:my_work"))
    assert [c.number for c in response.context["mine"]] == [mine.number]
    assert [c.number for c in response.context["waiting"]] == [waiting.number]
    counts = {q.slug: (q.active, q.waiting, q.is_mine) for q in response.context["queues"]}
    assert counts == {"support-cases": (3, 1, True), "billing": (1, 1, False)}
    html = response.content.decode()
    assert f"Case {elsewhere.number}" not in html
    assert reverse("console:queue", kwargs={"slug": "billing"}) in html


def test_waiting_cases_can_be_accepted_from_my_work(agent_client, agent, case):
    html = agent_client.get(reverse("console:my_work")).content.decode()
    accept_url = reverse("console:accept", kwargs={"number": case.number})
    assert f'action="{accept_url}"' in html
    assert agent_client.post(accept_url).status_code == 302
    case.refresh_from_db()
    assert case.owner == agent


def test_long_lists_link_to_the_full_case_list(agent_client, agent, support_queue):
    from .conftest import bulk_cases

    bulk_cases(30, queue=support_queue, owners=[agent])
    bulk_cases(30, queue=support_queue, start=60_000)
    response = agent_client.get(reverse("console:my_work"))
    assert len(response.context["mine"]) == len(response.context["waiting"]) == 25
    html = response.content.decode()
    assert 'id="all-mine"' in html and 'id="all-waiting"' in html
