"""Dry run in the admin: which recent events a rule would have fired on and whom it would
have notified, without writing, queueing or sending anything."""

import pytest
from django.urls import reverse

from casedesk import services
from casedesk.models import Activity, OutboundEmail
from rules.models import BusinessRule, NotificationLog, RuleError, TimeBomb
from rules.simulate import simulate_business_rule, simulate_routing_rule

from .conftest import make_routing_rule, make_rule, set_preference

pytestmark = pytest.mark.usefixtures("only_my_rules")


@pytest.fixture
def history(case, agent, other_agent, customer):
    services.do_accept_case(case, actor=agent)
    services.do_log_note(case, body="customer says hi", actor=customer)
    services.do_log_note(case, body="agent note", actor=agent, is_public=False)
    return case


def counts():
    return (
        Activity.objects.count(),
        OutboundEmail.objects.count(),
        NotificationLog.objects.count(),
        TimeBomb.objects.count(),
        RuleError.objects.count(),
    )


def test_it_lists_matching_events_and_recipients_without_writing(history, agent):
    set_preference(agent, "both", "555@sms.example")
    rule = make_rule(events=["note.logged", "case.created"], actor_kind="contact", notify_owner=True)
    before = counts()
    rows = simulate_business_rule(rule, limit=10)
    assert counts() == before
    assert [(row.event, row.matched) for row in rows] == [
        ("Note logged", False),
        ("Note logged", True),
        ("Case created", True),
    ]
    assert rows[1].notify == [
        "Alice Agent <alice@casedesk.localhost>",
        "Alice Agent <555@sms.example> (mobile)",
    ]


def test_it_reports_template_errors_and_delays(history):
    rule = BusinessRule.objects.create(
        name="broken", events=["note.logged"], delay_minutes=30, notify_owner=True, body_template="{% if %}"
    )
    rows = simulate_business_rule(rule, limit=10)
    assert rows[0].matched and rows[0].delayed
    assert rows[0].error.startswith("template error")


def test_the_limit_is_respected(history, customer):
    for n in range(5):
        services.do_log_note(history, body=f"n{n}", actor=customer)
    rule = make_rule(events=["note.logged"], notify_owner=True)
    assert len(simulate_business_rule(rule, limit=3)) == 3


def test_routing_simulation(history, billing_queue):
    rule = make_routing_rule(queue=billing_queue, subject_contains="printer")
    (row,) = simulate_routing_rule(rule)
    assert row.matched and row.current_queue == "Support Cases"


def test_admin_action_and_page(client, admin_user, history):
    rule = make_rule(name="Owner on notes", events=["note.logged"], notify_owner=True)
    client.force_login(admin_user)
    changelist = reverse("admin:rules_businessrule_changelist")
    response = client.post(changelist, {"action": "simulate_action", "_selected_action": [rule.pk]})
    url = reverse("admin:rules_businessrule_simulate", args=[rule.pk])
    assert response.status_code == 302 and response["Location"] == url
    before = counts()
    page = client.get(url, {"n": 5})
    assert page.status_code == 200
    assert b"alice@casedesk.localhost" in page.content and b"Dry run" in page.content
    assert counts() == before
    routing = make_routing_rule(queue=history.queue, subject_contains="printer")
    assert client.get(reverse("admin:rules_routingrule_simulate", args=[routing.pk])).status_code == 200


def test_admin_pages_need_staff(client, agent, history):
    rule = BusinessRule.objects.first()
    client.force_login(agent)  # staff without model permissions
    response = client.get(reverse("admin:rules_businessrule_simulate", args=[rule.pk]))
    assert response.status_code == 403


def test_rule_admin_pages_render(client, admin_user, history):
    client.force_login(admin_user)
    rule = BusinessRule.objects.first()
    for name in ("businessrule", "routingrule", "timebomb", "notificationlog", "ruleerror"):
        assert client.get(reverse(f"admin:rules_{name}_changelist")).status_code == 200
    assert client.get(reverse("admin:rules_businessrule_change", args=[rule.pk])).status_code == 200
    assert client.get(reverse("admin:rules_businessrule_add")).status_code == 200


def test_admins_create_rules_without_code(client, admin_user, support_queue):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:rules_businessrule_add"),
        {
            "name": "Escalate",
            "description": "",
            "position": 5,
            "is_active": "on",
            "events": ["case.created"],
            "text_mode": "words",
            "delay_minutes": 120,
            "cancel_events": ["case.assigned"],
            "notify_queue_supervisor": "on",
            "subject_template": "Case {{ case.number }} waits",
            "body_template": "Still unaccepted: {{ case.title }}",
            "mobile_template": "Case {{ case.number }} waits",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    rule = BusinessRule.objects.get(name="Escalate")
    assert rule.events == ["case.created"] and rule.cancel_events == ["case.assigned"]
    page = client.get(reverse("admin:rules_businessrule_change", args=[rule.pk]))
    assert b'name="cancel_events" value="case.assigned" id="id_cancel_events_7" checked' in page.content
