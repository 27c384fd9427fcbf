"""A rule with a broken template logs a rule error on the case, tells the admins, and does
not keep the other rules from running."""

import pytest
from django.core.exceptions import ValidationError

from casedesk import events
from casedesk.models import Activity
from rules.business import evaluate_event
from rules.models import BusinessRule, RuleError

from .conftest import event_for, make_rule, notified_addresses


def make_broken_rule(**fields) -> BusinessRule:
    """The admin form refuses broken templates (see below); rules saved another way (a data
    import, the shell, an older version) must still fail safely when they run."""
    fields.setdefault("events", [events.CASE_CREATED])
    return BusinessRule.objects.create(**fields)


pytestmark = pytest.mark.usefixtures("only_my_rules")


@pytest.mark.parametrize(
    "template",
    ["{% if case.number %}never closed", "{{ case.title|nosuchfilter }}", "{% include 'x.html' %}"],
)
def test_a_broken_template_is_a_rule_error_not_a_crash(template, case, agent, admin_user):
    broken = make_broken_rule(name="broken", position=1, notify_queue_members=True, body_template=template)
    make_rule(name="healthy", position=2, notify_address="ops@example.com")
    result = evaluate_event(event_for(case, events.CASE_CREATED))
    assert result.fired == ["healthy"] and result.errors == ["broken"]
    entry = Activity.objects.get(case=case, kind=Activity.Kind.RULE_ERROR)
    assert entry.body.startswith("Rule “broken” failed: template error") and not entry.is_public
    assert RuleError.objects.get(business_rule=broken).case == case
    # Admins are told; the healthy rule notified; the broken one queued nothing for alice.
    assert notified_addresses(case) == ["admin@casedesk.localhost", "ops@example.com"]


def test_admins_are_told_once_per_digest_window(case, agent, admin_user):
    make_broken_rule(name="broken", notify_queue_members=True, body_template="{% if %}")
    for _ in range(3):
        evaluate_event(event_for(case, events.CASE_CREATED))
    assert RuleError.objects.count() == 3
    assert notified_addresses(case) == ["admin@casedesk.localhost"]


def test_the_admin_refuses_a_template_that_does_not_compile(db):
    with pytest.raises(ValidationError) as info:
        make_rule(notify_owner=True, body_template="{% if case.number %}never closed")
    assert "body_template" in info.value.message_dict
