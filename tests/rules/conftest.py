import pytest

from casedesk import events
from casedesk.models import Activity, OutboundEmail, Profile
from rules.models import BusinessRule, RoutingRule


@pytest.fixture
def only_my_rules(db):
    """Switch the seeded default rules off so a test sees only the rules it creates."""
    BusinessRule.objects.update(is_active=False)


@pytest.fixture
def after_commit(django_capture_on_commit_callbacks):
    """Run a service and deliver its domain events (rules then run eagerly)."""

    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run


def make_rule(**fields) -> BusinessRule:
    users = fields.pop("notify_users", [])
    fields.setdefault("name", f"rule {BusinessRule.objects.count() + 1}")
    fields.setdefault("events", [events.CASE_CREATED])
    fields.setdefault("body_template", "{{ event.label }} on Case {{ case.number }} by {{ actor.name }}")
    rule = BusinessRule(**fields)
    rule.full_clean()
    rule.save()
    rule.notify_users.set(users)
    return rule


def make_routing_rule(**fields) -> RoutingRule:
    fields.setdefault("name", f"route {RoutingRule.objects.count() + 1}")
    rule = RoutingRule(**fields)
    rule.full_clean()
    rule.save()
    return rule


def notifications(case=None):
    queryset = OutboundEmail.objects.filter(kind=OutboundEmail.Kind.NOTIFICATION).order_by("id")
    if case is not None:
        queryset = queryset.filter(case=case)
    return list(queryset)


def notified_addresses(case=None) -> list[str]:
    return sorted(address for outbound in notifications(case) for address in outbound.to)


def notification_entries(case):
    return list(Activity.objects.filter(case=case, kind=Activity.Kind.NOTIFICATION).order_by("id"))


def set_preference(user, notify_by: str, mobile: str = "") -> None:
    profile = Profile.for_user(user)
    profile.notify_by = notify_by
    profile.mobile_address = mobile
    profile.save()


def event_for(case, name, *, actor=None, **data) -> events.DomainEvent:
    from casedesk.models import Contact

    return events.DomainEvent(
        name=name,
        case_id=case.pk,
        actor_user_id=actor.pk if actor is not None and not isinstance(actor, Contact) else None,
        actor_contact_id=actor.pk if isinstance(actor, Contact) else None,
        data=data,
    )


@pytest.fixture(autouse=True)
def _no_portal_customer_updates(settings):
    """The portal's own customer emails (selfservice) are not rule notifications; keep them
    out of these tests' counts."""
    settings.CASEDESK_PORTAL_NOTIFY_CUSTOMER = False
