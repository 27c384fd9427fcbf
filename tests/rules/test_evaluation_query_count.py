"""The hot task: evaluating an event costs a constant number of queries however many
rules are active (rules are loaded once, text is read lazily, the actor once per event)."""

import pytest

from casedesk import events
from rules.business import evaluate_event

from .conftest import event_for, make_rule

pytestmark = pytest.mark.usefixtures("only_my_rules")


@pytest.mark.parametrize("rules", [5, 50])
def test_non_matching_rules_cost_no_queries_each(rules, case, django_assert_max_num_queries):
    for n in range(rules):
        make_rule(name=f"r{n}", subject_contains=f"word{n}", notify_queue_members=True)
    with django_assert_max_num_queries(6):
        assert evaluate_event(event_for(case, events.CASE_CREATED)).fired == []


@pytest.mark.parametrize("rules", [2, 20])
def test_matching_notification_rules_share_the_event_lookups(
    rules, case, agent, other_agent, django_assert_max_num_queries
):
    for n in range(rules):
        make_rule(name=f"r{n}", notify_queue_members=True)
    # Per firing rule: profiles, digest check, one bulk log insert and two savepoints (3 + 4),
    # then per notification (2 here) the activity and the email with their savepoints (2 + 4).
    # The case, queue members, actor and note are loaded once per event, not per rule.
    per_rule = 3 + 4 + 2 * (2 + 4)
    with django_assert_max_num_queries(8 + per_rule * rules):
        assert len(evaluate_event(event_for(case, events.CASE_CREATED, actor=case.contact)).fired) == rules
