"""Accept, Assign and Dispatch: one history entry each; illegal moves change nothing."""

from django.urls import reverse

from casedesk import services
from casedesk.models import Activity, Case
from tests.conftest import make_agent


def url(name, case):
    return reverse(f"console:{name}", kwargs={"number": case.number})


def history(case):
    return list(Activity.objects.filter(case=case).values_list("kind", flat=True))


def test_accept_takes_ownership_from_the_queue(agent_client, case, agent):
    response = agent_client.post(url("accept", case))
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.owner, case.status) == (agent, Case.Status.IN_PROGRESS)
    assert history(case)[-1] == "assigned"
    follow = agent_client.get(response["Location"])
    assert f"You accepted Case {case.number}." in follow.content.decode()


def test_accepting_a_case_someone_owns_is_refused(agent_client, case, other_agent):
    services.do_accept_case(case, actor=other_agent)
    before = history(case)
    response = agent_client.post(url("accept", case))
    assert response.status_code == 409
    assert "already accepted by bob" in response.content.decode()
    case.refresh_from_db()
    assert case.owner == other_agent and history(case) == before


def test_accepting_a_closed_case_is_refused(agent_client, case, agent):
    services.do_close_case(case, actor=agent, resolution="x")
    response = agent_client.post(url("accept", case))
    assert response.status_code == 409 and "is closed" in response.content.decode()
    assert Case.objects.get(pk=case.pk).owner is None


def test_assign_gives_the_case_to_another_agent(agent_client, case, other_agent):
    assert agent_client.post(url("assign", case), {"owner": other_agent.pk}).status_code == 302
    case.refresh_from_db()
    assert case.owner == other_agent
    assert Activity.objects.filter(case=case, kind="assigned").get().body == "Assigned to Bob Agent"


def test_assigning_to_a_non_agent_is_refused_with_a_clear_message(agent_client, case, customer):
    before = history(case)
    response = agent_client.post(url("assign", case), {"owner": customer.user.pk})
    assert response.status_code == 409
    assert "is not an agent" in response.content.decode()
    assert Case.objects.get(pk=case.pk).owner is None and history(case) == before


def test_assigning_to_the_current_owner_is_refused(agent_client, case, agent):
    services.do_accept_case(case, actor=agent)
    response = agent_client.post(url("assign", case), {"owner": agent.pk})
    assert response.status_code == 409 and "already assigned" in response.content.decode()


def test_assigning_to_nobody_is_a_form_error(agent_client, case):
    response = agent_client.post(url("assign", case), {"owner": ""})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()


def test_only_agents_are_offered_for_assignment(agent_client, case, customer):
    make_agent("carol")
    html = agent_client.get(url("case", case)).content.decode()
    form = html[html.index('id="assign-form"') :]
    form = form[: form.index("</form>")]
    assert "Carol Agent" in form and customer.user.username not in form


def test_dispatch_moves_the_case_to_another_queue(agent_client, case, billing_queue):
    assert agent_client.post(url("dispatch", case), {"queue": billing_queue.pk}).status_code == 302
    case.refresh_from_db()
    assert case.queue == billing_queue
    assert Activity.objects.filter(case=case, kind="dispatched").last().body == "Dispatched to Billing"


def test_dispatching_to_the_same_queue_is_refused(agent_client, case, support_queue):
    before = history(case)
    response = agent_client.post(url("dispatch", case), {"queue": support_queue.pk})
    assert response.status_code == 409 and "already in Support Cases" in response.content.decode()
    assert history(case) == before


def test_dispatching_to_an_unknown_queue_is_a_form_error(agent_client, case):
    assert agent_client.post(url("dispatch", case), {"queue": 9999}).status_code == 400


def test_actions_on_an_unknown_case_are_404(agent_client, db):
    assert agent_client.post(reverse("console:accept", kwargs={"number": 1})).status_code == 404
