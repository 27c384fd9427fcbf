"""My preferences: every Profile field, validated; templates checked before saving."""

from django.urls import reverse

from casedesk.models import Profile


def test_it_shows_every_profile_field(agent_client):
    form = agent_client.get(reverse("console:preferences")).context["form"]
    assert set(form.fields) == {
        "notify_by",
        "mobile_address",
        "greeting",
        "body_template",
        "signature",
        "from_mode",
    }


def test_it_saves_the_preferences(agent_client, agent):
    data = {
        "notify_by": "both",
        "mobile_address": "5551234@sms.example",
        "greeting": "Hi {{ contact.first_name }},",
        "body_template": "Thanks for writing.",
        "signature": "Cheers,\n{{ agent.first_name }}",
        "from_mode": "agent",
    }
    response = agent_client.post(reverse("console:preferences"), data)
    assert response.status_code == 302
    profile = Profile.objects.get(user=agent)
    assert (profile.notify_by, profile.mobile_address, profile.from_mode) == (
        "both",
        "5551234@sms.example",
        "agent",
    )
    assert profile.signature == "Cheers,\n{{ agent.first_name }}"


def test_mobile_notification_needs_a_mobile_address(agent_client, agent):
    response = agent_client.post(
        reverse("console:preferences"), {"notify_by": "mobile", "mobile_address": ""}
    )
    assert response.status_code == 400
    assert "Give a mobile address" in response.content.decode()
    assert Profile.for_user(agent).notify_by == "email"


def test_broken_or_unsafe_templates_are_refused(agent_client, agent):
    response = agent_client.post(
        reverse("console:preferences"),
        {"notify_by": "email", "greeting": "{% if %}", "signature": "{% include 'x.html' %}"},
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "greeting" in errors and "signature" in errors
    assert Profile.for_user(agent).greeting == "Hello {{ contact.first_name }},"
