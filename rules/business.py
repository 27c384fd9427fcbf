"""Business rules: evaluate a domain event against the active rules, act at once or arm a
time bomb, defuse bombs on cancel events, and fire due bombs exactly once."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from casedesk import services
from casedesk.events import DomainEvent
from casedesk.models import Case
from casedesk.services import CaseActionError
from casedesk.templating import TemplateRenderError

from .conditions import Facts, business_conditions_hold, state_conditions_hold
from .models import BusinessRule, NotificationLog, TimeBomb
from .notify import EventScope, record_rule_error, send_notifications
from .textmatch import PatternTimeout

logger = logging.getLogger(__name__)

CHANGES_KEY = "changes"  # NotificationLog key counting a rule's field changes on a case


@dataclass
class Evaluation:
    """What one event did, for tests, logs and the benchmark."""

    fired: list[str] = field(default_factory=list)
    armed: list[str] = field(default_factory=list)
    defused: int = 0
    notified: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def active_rules() -> list[BusinessRule]:
    return list(
        BusinessRule.objects.filter(is_active=True)
        .select_related("dispatch_to", "assign_to")
        .prefetch_related("notify_users")
    )


def _load_case(case_id: int, *, lock: bool) -> Case | None:
    queryset = Case.objects.select_related("contact", "site", "queue", "queue__supervisor", "owner")
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    return queryset.filter(pk=case_id).first()


def evaluate_event(event: DomainEvent, *, rules: list[BusinessRule] | None = None) -> Evaluation:
    """Run every active rule that listens to the event. The case row stays locked for the
    evaluation so concurrent events on one case are evaluated one after the other (digest
    protection relies on it). Each rule runs in its own savepoint: one failing rule does
    not keep the others from running."""
    result = Evaluation()
    if event.case_id is None:
        return result
    rules = active_rules() if rules is None else rules
    cancelling = [rule.pk for rule in rules if event.name in (rule.cancel_events or [])]
    listening = [rule for rule in rules if event.name in (rule.events or [])]
    if not cancelling and not listening:
        return result
    with transaction.atomic():
        case = _load_case(event.case_id, lock=True)
        if case is None:
            return result
        if cancelling:
            result.defused = TimeBomb.objects.filter(
                case=case, rule_id__in=cancelling, state=TimeBomb.State.PENDING
            ).update(state=TimeBomb.State.DEFUSED, done_at=timezone.now(), outcome=f"defused by {event.name}")
        facts = Facts(case, event=event)
        scope = EventScope(event)
        for rule in listening:
            try:
                if not business_conditions_hold(rule, facts):
                    continue
            except PatternTimeout as exc:
                record_rule_error(rule, case, str(exc), event_name=event.name)
                result.errors.append(rule.name)
                continue
            if rule.delay_minutes:
                if _arm(rule, case, event):
                    result.armed.append(rule.name)
                continue
            if run_actions(rule, case, event, result, scope):
                result.fired.append(rule.name)
            if _changes_case(rule):
                case = _load_case(case.pk, lock=False) or case
                facts.case = case
    return result


def _arm(rule: BusinessRule, case: Case, event: DomainEvent) -> bool:
    """Arm a time bomb; one pending bomb per rule and case (a repeat event does not re-arm)."""
    try:
        with transaction.atomic():
            TimeBomb.objects.create(
                rule=rule,
                case=case,
                fire_at=timezone.now() + timedelta(minutes=rule.delay_minutes),
                event=event.as_dict(),
            )
        return True
    except IntegrityError:
        return False


def _changes_case(rule: BusinessRule) -> bool:
    return bool(rule.set_status or rule.set_priority or rule.dispatch_to_id or rule.assign_to_id)


def run_actions(
    rule: BusinessRule, case: Case, event: DomainEvent, result: Evaluation, scope: EventScope | None = None
) -> bool:
    """Field changes first (so notifications show the new state), then notifications.
    Returns False (after recording a rule error) if the rule could not run."""
    try:
        with transaction.atomic():
            if _changes_case(rule):
                _guard_against_loops(rule, case)
            case = _apply_changes(rule, case)
            if rule.notifies:
                sent = send_notifications(rule, case, event, scope)
                result.notified.extend(item.to for item in sent)
        return True
    except TemplateRenderError as exc:
        message = f"template error: {exc}"
    except RuleLoop as exc:
        message = str(exc)
    except Exception as exc:  # a rule must never stop the others
        logger.exception("rule %r failed on case %s", rule.name, case.pk)
        message = f"{type(exc).__name__}: {exc}"
    record_rule_error(rule, case, message, event_name=event.name)
    result.errors.append(rule.name)
    return False


MAX_CHANGES_PER_HOUR = 5


class RuleLoop(Exception):
    """A rule keeps changing the same case: most likely rules feeding each other's events."""


def _guard_against_loops(rule: BusinessRule, case: Case) -> None:
    """Rules that change cases can trigger each other (dispatch to A → rule on "dispatched"
    → dispatch to B → …). Stop a rule that changed the same case too often within an hour
    (changes that were already true do not count)."""
    since = timezone.now() - timedelta(hours=1)
    runs = NotificationLog.objects.filter(
        rule=rule, case=case, recipient=CHANGES_KEY, sent_at__gt=since
    ).count()
    if runs >= MAX_CHANGES_PER_HOUR:
        raise RuleLoop(
            f"stopped: the rule already changed this case {runs} times within an hour "
            "(rules may be triggering each other)"
        )


def _apply_changes(rule: BusinessRule, case: Case) -> Case:
    changes = []
    if rule.set_status:
        changes.append(lambda c: services.do_change_status(c, status=rule.set_status, actor=None))
    if rule.set_priority:
        changes.append(lambda c: services.do_change_priority(c, priority=rule.set_priority, actor=None))
    if rule.dispatch_to_id:
        changes.append(
            lambda c: services.do_dispatch_case(c, queue=rule.dispatch_to, actor=None, rule_name=rule.name)
        )
    if rule.assign_to_id:
        changes.append(lambda c: services.do_assign_case(c, owner=rule.assign_to, actor=None))
    changed = False
    for change in changes:
        try:
            case = change(case)
            changed = True
        except CaseActionError as exc:
            # Already in that state (or closed): nothing to do, not an error of the rule.
            logger.info("rule %r: %s", rule.name, exc)
    if changed:
        NotificationLog.objects.create(rule=rule, case=case, recipient=CHANGES_KEY, sent_at=timezone.now())
    return (_load_case(case.pk, lock=False) or case) if changes else case


def fire_due_time_bombs(*, now: datetime | None = None, limit: int = 500) -> list[int]:
    """Fire the pending bombs that are due. Each bomb is claimed by a conditional UPDATE
    (pending → fired) in the same transaction as its actions, so two concurrent sweeps fire
    it once, and a crash mid-way rolls the claim back for the next tick."""
    now = now or timezone.now()
    due = list(
        TimeBomb.objects.filter(state=TimeBomb.State.PENDING, fire_at__lte=now)
        .order_by("fire_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    fired = []
    for pk in due:
        with transaction.atomic():
            claimed = TimeBomb.objects.filter(pk=pk, state=TimeBomb.State.PENDING, fire_at__lte=now).update(
                state=TimeBomb.State.FIRED, done_at=timezone.now()
            )
            if not claimed:
                continue
            bomb = TimeBomb.objects.select_related("rule").get(pk=pk)
            outcome = _fire(bomb)
            TimeBomb.objects.filter(pk=pk).update(**outcome)
            if outcome["state"] == TimeBomb.State.FIRED:
                fired.append(pk)
    return fired


def _fire(bomb: TimeBomb) -> dict:
    rule = bomb.rule
    case = _load_case(bomb.case_id, lock=True)
    if case is None:
        return {"state": TimeBomb.State.DEFUSED, "outcome": "the case is gone"}
    if not rule.is_active:
        return {"state": TimeBomb.State.DEFUSED, "outcome": "the rule was deactivated"}
    if not state_conditions_hold(rule, case):
        return {"state": TimeBomb.State.DEFUSED, "outcome": "the case no longer meets the rule's conditions"}
    try:
        event = DomainEvent.from_dict(bomb.event)
    except TypeError:  # an unreadable stored event must not block the sweep
        event = DomainEvent(name=str((bomb.event or {}).get("name", "")), case_id=case.pk)
    result = Evaluation()
    if run_actions(rule, case, event, result):
        return {"state": TimeBomb.State.FIRED, "outcome": f"notified {len(result.notified)}"}
    return {"state": TimeBomb.State.FAILED, "outcome": "; ".join(result.errors) or "failed"}
