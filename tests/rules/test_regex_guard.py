"""Catastrophic regular expressions: refused when a rule is saved, and cut off by a time
limit when one slips through (the case is still created and routed by default)."""

import time

import pytest
from django.core.exceptions import ValidationError

from casedesk import services
from casedesk.models import Activity, Case
from rules.models import RoutingRule, RuleError
from rules.textmatch import PatternTimeout, text_matches, validate_pattern

from .conftest import make_routing_rule


@pytest.mark.parametrize("pattern", [r"(a+)+$", r"(\w*)*x", r"((ab)+c)*", r"(x+x+)+y", r"(a{1,})+"])
def test_it_refuses_nested_quantifiers(pattern):
    with pytest.raises(ValueError, match="Nested quantifiers"):
        validate_pattern(pattern)


@pytest.mark.parametrize("pattern", [r"invoice\s+\d+", r"(refund|return)s?", r"[(a+)]+", r"(abc){2}"])
def test_it_accepts_ordinary_patterns(pattern):
    validate_pattern(pattern)


def test_it_refuses_long_invalid_and_backreferencing_patterns():
    with pytest.raises(ValueError, match="longer than"):
        validate_pattern("a" * 201)
    with pytest.raises(ValueError, match="Not a valid"):
        validate_pattern("(unclosed")
    with pytest.raises(ValueError, match="Back-references"):
        validate_pattern(r"(a)\1")


@pytest.mark.django_db
def test_the_admin_form_rejects_a_dangerous_pattern(billing_queue):
    with pytest.raises(ValidationError) as info:
        make_routing_rule(queue=billing_queue, subject_contains="(a+)+", text_mode="regex")
    assert "subject_contains" in info.value.message_dict


def test_a_runaway_pattern_is_cut_off_by_the_time_limit():
    started = time.monotonic()
    with pytest.raises(PatternTimeout):
        text_matches("a" * 5000 + "b", "(a|aa)+$", "regex")
    assert time.monotonic() - started < 1


@pytest.mark.django_db
def test_a_timed_out_rule_counts_as_no_match_and_is_reported(customer, support_queue, billing_queue):
    # Saved around validation (e.g. by a data import): the run-time limit still protects.
    rule = RoutingRule.objects.create(
        name="slow", queue=billing_queue, body_contains="(a|aa)+$", text_mode="regex"
    )
    case = services.do_create_case(
        title="x",
        contact=customer,
        channel=Case.Channel.EMAIL,
        actor=customer,
        routing_context={"body": "a" * 5000 + "b"},
    )
    assert case.queue == support_queue
    assert RuleError.objects.get(routing_rule=rule).case == case
    assert Activity.objects.filter(case=case, kind=Activity.Kind.RULE_ERROR).count() == 1
