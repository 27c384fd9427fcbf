from casedesk.models import Profile
from casedesk.outbound import from_address_for, reply_to_addresses


def test_shared_mode_is_the_default(agent, settings):
    assert from_address_for(agent) == settings.CASEDESK_FROM_EMAIL


def test_agent_mode_uses_the_agents_name_and_address(agent, settings):
    settings.CASEDESK_FROM_MODE = "agent"
    assert from_address_for(agent) == "Alice Agent <alice@casedesk.localhost>"


def test_an_agent_may_override_the_default_when_allowed(agent, settings):
    Profile.objects.filter(pk=Profile.for_user(agent).pk).update(from_mode="agent")
    assert from_address_for(agent) == "Alice Agent <alice@casedesk.localhost>"


def test_the_agents_choice_is_ignored_when_admins_do_not_allow_it(agent, settings):
    settings.CASEDESK_ALLOW_AGENT_FROM_MODE = False
    Profile.objects.filter(pk=Profile.for_user(agent).pk).update(from_mode="agent")
    assert from_address_for(agent) == settings.CASEDESK_FROM_EMAIL


def test_an_agent_without_an_address_sends_from_the_shared_address(agent, settings):
    settings.CASEDESK_FROM_MODE = "agent"
    agent.email = ""
    agent.save()
    assert from_address_for(agent) == settings.CASEDESK_FROM_EMAIL


def test_replies_always_go_to_the_mail_clerk(settings):
    settings.CASEDESK_CLERK_EMAIL = "clerk@support.example"
    assert reply_to_addresses() == ["clerk@support.example"]
