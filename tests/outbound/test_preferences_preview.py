"""The live preview of greeting/body/signature on the preferences page."""

from django.urls import reverse

URL = reverse("console:preferences_preview")


def test_it_renders_the_unsaved_templates_against_one_of_the_agents_cases(client, agent, case):
    client.force_login(agent)
    response = client.post(
        URL,
        {
            "greeting": "Hi {{ contact.first_name }},",
            "body_template": "About {{ case.title }}.",
            "signature": "-- {{ agent.name }}",
            "from_mode": "agent",
        },
    )
    data = response.json()
    assert data == {
        "ok": True,
        "text": "Hi Dana,\n\nAbout Printer on fire.\n\n-- Alice Agent",
        "from": "Alice Agent <alice@casedesk.localhost>",
        "case": case.number,
    }


def test_a_template_error_is_reported_with_the_raw_text(client, agent, case):
    client.force_login(agent)
    data = client.post(URL, {"greeting": "Hi {{ contact.first_name|nosuchfilter }}"}).json()
    assert data["ok"] is False and "nosuchfilter" in data["error"]
    assert data["raw"] == "Hi {{ contact.first_name|nosuchfilter }}"


def test_agent_mode_is_not_offered_when_admins_disallow_it(client, agent, case, settings):
    settings.CASEDESK_ALLOW_AGENT_FROM_MODE = False
    client.force_login(agent)
    assert client.post(URL, {"from_mode": "agent"}).json()["from"] == settings.CASEDESK_FROM_EMAIL


def test_only_agents_may_use_it(client, customer):
    client.force_login(customer.user)
    assert client.post(URL, {"greeting": "x"}).status_code == 403
