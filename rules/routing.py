"""Auto-destination: the router casedesk calls when a case is created (and on "route
again"). Ordered rules, first match wins; no match leaves the default queue to casedesk."""

from __future__ import annotations

import logging

from django.db import transaction

from casedesk.models import Case
from casedesk.services import RoutingDecision

from .conditions import Facts, shared_conditions_hold
from .models import RoutingRule
from .textmatch import PatternTimeout

logger = logging.getLogger(__name__)


def matching_routing_rule(case: Case, context: dict) -> RoutingRule | None:
    facts = Facts(case, context=context)
    for rule in RoutingRule.objects.filter(is_active=True).select_related("queue", "owner"):
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
        with transaction.atomic():
            rule = matching_routing_rule(case, context)
    except Exception:
        logger.exception("routing failed for case %s; using the default queue", case.pk)
        return RoutingDecision()
    if rule is None:
        return RoutingDecision()
    return RoutingDecision(
        queue=rule.queue, priority=rule.set_priority, owner=rule.owner, rule_name=rule.name
    )
