"""Notifications: who a business rule notifies, by each user's preference (email, mobile,
both, none), rendered from the rule's admin-editable templates, with digest protection.
Every notification is an OutboundEmail (sent by the outbound queue) plus a one-line
internal entry on the case."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta
from email.utils import parseaddr

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from casedesk import events, services
from casedesk.events import DomainEvent
from casedesk.models import Activity, Case, Contact, OutboundEmail, Profile
from casedesk.roles import display_name
from casedesk.templating import TemplateRenderError, render_user_template, template_context

from .models import EVENT_LABELS, BusinessRule, NotificationLog, RoutingRule, RuleError

logger = logging.getLogger(__name__)

MOBILE_LIMIT = 160

SHORT_LABELS = {
    events.CASE_CREATED: "new",
    events.NOTE_LOGGED: "note",
    events.EMAIL_IN: "email",
    events.EMAIL_SENT: "email sent",
    events.EMAIL_FAILED: "email failed",
    events.STATUS_CHANGED: "status",
    events.PRIORITY_CHANGED: "priority",
    events.ASSIGNED: "assigned",
    events.DISPATCHED: "dispatched",
    events.CLOSED: "closed",
    events.REOPENED: "reopened",
}


@dataclass
class Recipient:
    key: str  # digest key: "user:<id>" or the address
    label: str
    name: str
    emails: list[str] = field(default_factory=list)
    mobiles: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class PlannedNotification:
    recipient: Recipient
    to: str
    via: str  # "email" or "mobile"
    subject: str
    text: str


class EventScope:
    """Per-event memo: an event evaluated against many rules loads its actor, note, writer
    and queue members once."""

    def __init__(self, event: DomainEvent):
        self.event = event
        self._memo: dict = {}

    def get(self, key, compute):
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def queue_members(self, queue) -> list:
        return self.get(
            ("queue", queue.pk), lambda: list(queue.members.filter(is_active=True).order_by("username"))
        )


def _user_recipient(user, profile: Profile | None) -> Recipient | None:
    profile = profile or Profile(user=user)  # read-only: dry runs plan notifications too
    wants = profile.notify_by
    emails = [user.email] if user.email and wants in ("email", "both") else []
    mobiles = [profile.mobile_address] if profile.mobile_address and wants in ("mobile", "both") else []
    if not emails and not mobiles:
        return None
    name = display_name(user)
    return Recipient(key=f"user:{user.pk}", label=name, name=name, emails=emails, mobiles=mobiles)


def writer_of(event: DomainEvent):
    """The agent who wrote what the event is about: the email (email events) or the note."""
    data = event.data or {}
    if data.get("outbound_email_id"):
        outbound = (
            OutboundEmail.objects.select_related("created_by").filter(pk=data["outbound_email_id"]).first()
        )
        return outbound.created_by if outbound is not None else None
    if data.get("activity_id"):
        activity = Activity.objects.select_related("actor_user").filter(pk=data["activity_id"]).first()
        return activity.actor_user if activity is not None else None
    return None


def recipients_for(
    rule: BusinessRule, case: Case, event: DomainEvent, scope: EventScope | None = None
) -> list[Recipient]:
    """Everyone the rule notifies about this event, without the actor, each once."""
    scope = scope or EventScope(event)
    users = []
    if rule.notify_owner:
        if case.owner_id:
            users.append(case.owner)
        elif rule.owner_fallback_to_queue and case.queue_id:
            users.extend(scope.queue_members(case.queue))
    if rule.notify_queue_members and case.queue_id:
        users.extend(scope.queue_members(case.queue))
    if rule.notify_queue_supervisor and case.queue_id and case.queue.supervisor_id:
        users.append(case.queue.supervisor)
    if rule.notify_writer:
        users.append(scope.get("writer", lambda: writer_of(event)))
    if rule.pk:
        users.extend(sorted(rule.notify_users.all(), key=lambda user: user.get_username()))  # prefetched

    unique = {}
    for user in users:
        if user is not None and user.is_active and user.pk != event.actor_user_id:
            unique.setdefault(user.pk, user)
    profiles = {p.user_id: p for p in Profile.objects.filter(user_id__in=list(unique))} if unique else {}
    recipients: dict[str, Recipient] = {}
    for user in unique.values():
        recipient = _user_recipient(user, profiles.get(user.pk))
        if recipient is not None:
            recipients[recipient.key] = recipient
    if rule.notify_contact and case.contact_id != event.actor_contact_id:
        contact: Contact = case.contact
        if contact.is_active and contact.email and not contact.email_bounced_at:
            recipients.setdefault(
                contact.email, Recipient(contact.email, contact.display, contact.name, emails=[contact.email])
            )
    if rule.notify_address:
        address = rule.notify_address.lower()
        actor_email = scope.get("actor", lambda: _actor(event))["email"].lower()
        if address not in recipients and address != actor_email:
            recipients[address] = Recipient(address, address, "", emails=[address])
    return list(recipients.values())


def _actor(event: DomainEvent) -> dict:
    if event.actor_user_id:
        user = get_user_model().objects.filter(pk=event.actor_user_id).first()
        if user is not None:
            return {"name": display_name(user), "email": user.email, "kind": "agent"}
    if event.actor_contact_id:
        contact = Contact.objects.filter(pk=event.actor_contact_id).first()
        if contact is not None:
            return {"name": contact.name or contact.email, "email": contact.email, "kind": "contact"}
    return {"name": "System", "email": "", "kind": "system"}


def _note(event: DomainEvent) -> str:
    activity_id = (event.data or {}).get("activity_id")
    if not activity_id:
        return ""
    return Activity.objects.filter(pk=activity_id).values_list("body", flat=True).first() or ""


def base_context(rule: BusinessRule, case: Case, event: DomainEvent, scope: EventScope | None = None) -> dict:
    scope = scope or EventScope(event)
    return template_context(
        case=case,
        agent=case.owner,
        event={
            "name": event.name,
            "label": EVENT_LABELS.get(event.name, event.name),
            "short": SHORT_LABELS.get(event.name, event.name),
        },
        actor=scope.get("actor", lambda: _actor(event)),
        note=scope.get("note", lambda: _note(event)),
        error=(event.data or {}).get("error", ""),
        rule={"name": rule.name},
        site_name=parseaddr(settings.CASEDESK_FROM_EMAIL)[0] or "The support team",
    )


def shorten(text: str, limit: int = MOBILE_LIMIT) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def plan_notifications(
    rule: BusinessRule, case: Case, event: DomainEvent, scope: EventScope | None = None
) -> list[PlannedNotification]:
    """Render the rule's notifications for this event. Raises TemplateRenderError."""
    scope = scope or EventScope(event)
    planned = []
    context = base_context(rule, case, event, scope)
    context["recipient"] = {"name": ""}
    # Render once before choosing recipients: a broken template is reported the first time
    # the rule fires, even when nobody would have been notified this time.
    for source in (rule.subject_template, rule.body_template, rule.mobile_template):
        render_user_template(source, context)
    for recipient in recipients_for(rule, case, event, scope):
        context["recipient"] = {"name": recipient.name}
        if recipient.emails:
            subject = render_user_template(rule.subject_template or "Case {{ case.number }}", context)
            text = render_user_template(rule.body_template, context)
            subject = " ".join(subject.split())[:300] or f"Case {case.number}"
            planned.extend(
                PlannedNotification(recipient, to, "email", subject, text) for to in recipient.emails
            )
        if recipient.mobiles:
            short = shorten(render_user_template(rule.mobile_template or rule.subject_template, context))
            planned.extend(
                PlannedNotification(recipient, to, "mobile", "", short) for to in recipient.mobiles
            )
    return planned


def digest_window() -> timedelta:
    return timedelta(minutes=settings.CASEDESK_NOTIFY_DIGEST_MINUTES)


def recently_notified(rule: BusinessRule | None, case: Case, keys: list[str]) -> set[str]:
    """Which of these recipients had this rule's notification on this case within the window."""
    return set(
        NotificationLog.objects.filter(
            case=case, rule=rule, recipient__in=keys, sent_at__gt=timezone.now() - digest_window()
        ).values_list("recipient", flat=True)
    )


def send_notifications(
    rule: BusinessRule, case: Case, event: DomainEvent, scope: EventScope | None = None
) -> list[PlannedNotification]:
    """Queue the rule's notifications, skipping recipients inside the digest window.
    Raises TemplateRenderError before anything is queued if a template is broken."""
    planned = plan_notifications(rule, case, event, scope)
    if not planned:
        return []
    now = timezone.now()
    keys = list(dict.fromkeys(item.recipient.key for item in planned))
    skip = recently_notified(rule, case, keys)
    sent = []
    with transaction.atomic():
        NotificationLog.objects.bulk_create(
            NotificationLog(rule=rule, case=case, recipient=key, sent_at=now)
            for key in keys
            if key not in skip
        )
        for item in planned:
            if item.recipient.key in skip:
                continue
            label = item.recipient.label + (" (mobile)" if item.via == "mobile" else "")
            services.do_record_notification(
                case,
                to=item.to,
                subject=item.subject,
                text=item.text,
                recipient_label=label,
                rule_name=rule.name,
            )
            sent.append(item)
    return sent


def record_rule_error(
    rule: BusinessRule | RoutingRule, case: Case | None, message: str, *, event_name: str = ""
) -> None:
    """Keep the error, log it on the case and tell the admins (superusers), once per digest
    window per rule and case. Never raises: a failing error report must not stop other rules."""
    logger.warning("rule %r failed on case %s: %s", rule.name, case.pk if case else None, message)
    try:
        with transaction.atomic():
            is_business = isinstance(rule, BusinessRule)
            RuleError.objects.create(
                business_rule=rule if is_business else None,
                routing_rule=None if is_business else rule,
                case=case,
                event_name=event_name,
                message=message[:2000],
            )
            if case is None:
                return
            services.do_record_rule_error(case, rule_name=rule.name, message=message[:500])
            key = "admins:rule-error"
            log_rule = rule if is_business else None
            if recently_notified(log_rule, case, [key]):
                return
            NotificationLog.objects.create(rule=log_rule, case=case, recipient=key, sent_at=timezone.now())
            admins = (
                get_user_model()
                .objects.filter(is_superuser=True, is_active=True)
                .exclude(email="")
                .order_by("pk")
                .values_list("email", flat=True)
            )
            for address in admins:
                services.do_record_notification(
                    case,
                    to=address,
                    subject=f"Rule “{rule.name}” failed on Case {case.number}",
                    text=(
                        f"The rule “{rule.name}” could not run on Case {case.number} ({case.title}):\n\n"
                        f"{message}\n\nFix the rule in the admin. Other rules were not affected.\n"
                    ),
                    recipient_label=f"admin {address}",
                    rule_name=rule.name,
                )
    except Exception:
        logger.exception("could not record the error of rule %r", rule.name)


__all__ = [
    "PlannedNotification",
    "Recipient",
    "TemplateRenderError",
    "plan_notifications",
    "record_rule_error",
    "send_notifications",
]
