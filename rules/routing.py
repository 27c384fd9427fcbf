"""Auto-destination: the router casedesk calls when a case is created (and on "route
again"). Ordered rules, first match wins; no match leaves the default queue to casedesk."""

from __future__ import annotations

import logging

from django.db import transaction

from casedesk.cached import Lookup
from casedesk.models import Case
from casedesk.services import RoutingDecision

from .conditions import Facts, shared_conditions_hold
from .models import RoutingRule
from .textmatch import PatternTimeout

logger = logging.getLogger(__name__)


# Read on every new case, edited rarely: cached per process (see casedesk.cached).
active_routing_rules: Lookup[list[RoutingRule]] = Lookup(
    lambda: list(RoutingRule.objects.filter(is_active=True).select_related("queue", "owner"))
)


def matching_routing_rule(
    case: Case, context: dict, rules: list[RoutingRule] | None = None
) -> RoutingRule | None:
    facts = Facts(case, context=context)
    for rule in active_routing_rules.get() if rules is None else rules:
        try:
            if shared_conditions_hold(rule, facts):
                return rule
        except PatternTimeout as exc:
            from .notify import record_rule_error

            record_rule_error(rule, case, str(exc), event_name="routing")
    return None


def route_case(case: Case, context: dict) -> RoutingDecision:
    """The router registered with casedesk.services.set_router. Never raises: a broken rule
    must not keep a customer's case from being created."""
    try:
        rules = active_routing_rules.get()
        if not rules:
            return RoutingDecision()
        # Conditions may read the database; the savepoint keeps a failure there from
        # breaking the caller's transaction.
        with transaction.atomic():
            rule = matching_routing_rule(case, context, rules)
    except Exception:
        logger.exception("routing failed for case %s; using the default queue", case.pk)
        return RoutingDecision()
    if rule is None:
        return RoutingDecision()
    return RoutingDecision(
        queue=rule.queue, priority=rule.set_priority, owner=rule.owner, rule_name=rule.name
    )
