from django.urls import reverse

from casedesk.models import Profile


def url(case):
    return reverse("console:log_email", args=[case.number])


def test_the_form_opens_with_to_subject_and_the_agents_greeting_and_signature(client, agent, case):
    client.force_login(agent)
    response = client.get(url(case))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["to"] == "dana@acme.example"
    assert form.initial["subject"] == f"About Case {case.number} :: Printer on fire"
    assert form.initial["body"] == "Hello Dana,\n\nBest regards,\nAlice Agent\n"


def test_the_body_template_is_filled_with_case_contact_agent_and_site(client, agent, case):
    profile = Profile.for_user(agent)
    profile.body_template = (
        "{{ contact.name }} / {{ case.number }} / {{ case.title }} / {{ agent.first_name }} / "
        "{{ agent.email }} / {{ site.name }}"
    )
    profile.save()
    client.force_login(agent)
    body = client.get(url(case)).context["form"].initial["body"]
    assert (
        f"Dana Doyle / {case.number} / Printer on fire / Alice / alice@casedesk.localhost / Acme Corp" in body
    )


def test_a_broken_template_shows_a_clear_message_and_the_raw_template(client, agent, case):
    profile = Profile.for_user(agent)
    profile.greeting = "Hi {% if %}"
    profile.save()
    client.force_login(agent)
    response = client.get(url(case))
    assert response.status_code == 200
    assert "could not be filled in" in response.content.decode()
    assert response.context["template_error"].startswith("Template error")
    assert response.context["form"].initial["body"].startswith("Hi {% if %}")


def test_customers_cannot_open_it(client, customer, case):
    client.force_login(customer.user)
    assert client.get(url(case)).status_code == 403


def test_anonymous_users_are_sent_to_log_in(client, case):
    response = client.get(url(case))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_an_unknown_case_is_404(client, agent, db):
    client.force_login(agent)
    assert client.get(reverse("console:log_email", args=[999999])).status_code == 404
