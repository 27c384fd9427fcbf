"""Change status/priority, Close with a resolution note, Reopen; refusals change nothing."""

from django.urls import reverse

from casedesk import services
from casedesk.models import Activity, Case


def url(name, case):
    return reverse(f"console:{name}", kwargs={"number": case.number})


def count(case):
    return Activity.objects.filter(case=case).count()


def test_it_changes_the_status(agent_client, case):
    assert agent_client.post(url("change_status", case), {"status": "waiting"}).status_code == 302
    assert Case.objects.get(pk=case.pk).status == "waiting"
    assert Activity.objects.filter(case=case).last().body == "Status: Open → Waiting on customer"


def test_setting_the_same_status_or_closed_is_refused(agent_client, case):
    before = count(case)
    response = agent_client.post(url("change_status", case), {"status": "open"})
    assert response.status_code == 409 and "already open" in response.content.decode()
    assert agent_client.post(url("change_status", case), {"status": "closed"}).status_code == 400
    assert agent_client.post(url("change_status", case), {"status": "bogus"}).status_code == 400
    assert count(case) == before and Case.objects.get(pk=case.pk).status == "open"


def test_it_changes_the_priority(agent_client, case):
    assert agent_client.post(url("change_priority", case), {"priority": "4"}).status_code == 302
    assert Case.objects.get(pk=case.pk).priority == 4
    assert Activity.objects.filter(case=case).last().kind == "priority"


def test_same_or_unknown_priority_is_refused(agent_client, case):
    before = count(case)
    assert agent_client.post(url("change_priority", case), {"priority": "2"}).status_code == 409
    assert agent_client.post(url("change_priority", case), {"priority": "9"}).status_code == 400
    assert count(case) == before


def test_close_needs_a_resolution_note(agent_client, case):
    response = agent_client.post(url("close", case), {"resolution": ""})
    assert response.status_code == 400
    assert Case.objects.get(pk=case.pk).status == "open"


def test_it_closes_with_the_resolution_as_a_public_entry(agent_client, case):
    assert agent_client.post(url("close", case), {"resolution": "Replaced the fuser."}).status_code == 302
    case.refresh_from_db()
    assert case.status == "closed" and case.closed_at is not None
    last = Activity.objects.filter(case=case).last()
    assert (last.kind, last.body, last.is_public) == ("closed", "Replaced the fuser.", True)


def test_closing_a_closed_case_is_refused_and_keeps_the_text(agent_client, case, agent):
    services.do_close_case(case, actor=agent, resolution="first")
    before = count(case)
    response = agent_client.post(url("close", case), {"resolution": "second try"})
    assert response.status_code == 409
    assert "already closed" in response.content.decode()
    assert count(case) == before


def test_status_changes_on_closed_cases_are_refused(agent_client, case, agent):
    services.do_close_case(case, actor=agent, resolution="x")
    response = agent_client.post(url("change_status", case), {"status": "waiting"})
    assert response.status_code == 409 and "reopen it first" in response.content.decode()


def test_it_reopens_a_closed_case(agent_client, case, agent):
    services.do_accept_case(case, actor=agent)
    services.do_close_case(case, actor=agent, resolution="x")
    assert agent_client.post(url("reopen", case), {"reason": "Came back"}).status_code == 302
    case.refresh_from_db()
    assert case.status == "in_progress" and case.closed_at is None
    assert Activity.objects.filter(case=case).last().body == "Came back"


def test_reopening_an_open_case_is_refused(agent_client, case):
    before = count(case)
    response = agent_client.post(url("reopen", case), {"reason": ""})
    assert response.status_code == 409 and "is not closed" in response.content.decode()
    assert count(case) == before
