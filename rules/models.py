"""The RuleManager's data: auto-destination (routing) rules, business rules, their delayed
actions (time bombs), the notification log that keeps notifications from bursting, and
the errors rules ran into."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from casedesk import events
from casedesk.models import Case, OutboundEmail, Queue, Site
from casedesk.templating import TemplateRenderError, render_user_template

from .textmatch import validate_pattern

# Events a business rule may react to (or be cancelled by). "email queued" is not offered:
# every notification queues an email, so rules on it would only feed themselves.
RULE_EVENTS = [
    (events.CASE_CREATED, "Case created"),
    (events.NOTE_LOGGED, "Note logged"),
    (events.EMAIL_IN, "Email in (added to a case)"),
    (events.EMAIL_SENT, "Email sent"),
    (events.EMAIL_FAILED, "Email send failed"),
    (events.STATUS_CHANGED, "Status changed"),
    (events.PRIORITY_CHANGED, "Priority changed"),
    (events.ASSIGNED, "Assigned or accepted"),
    (events.DISPATCHED, "Dispatched"),
    (events.CLOSED, "Closed"),
    (events.REOPENED, "Reopened"),
]
EVENT_LABELS = dict(RULE_EVENTS)


class TextMode(models.TextChoices):
    WORDS = "words", "Any of these words"
    REGEX = "regex", "Regular expression"


class RuleConditions(models.Model):
    """The condition vocabulary shared by routing and business rules. Empty means "any"."""

    channel = models.CharField(max_length=10, choices=Case.Channel.choices, blank=True)
    to_address = models.CharField(
        max_length=254,
        blank=True,
        help_text="The address the mail was sent to (exact, case-insensitive).",
    )
    sender = models.CharField(
        max_length=254,
        blank=True,
        help_text="Sender email (dana@acme.example) or domain (acme.example or @acme.example).",
    )
    site = models.ForeignKey(Site, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    subject_contains = models.CharField(max_length=500, blank=True)
    body_contains = models.CharField(max_length=500, blank=True)
    text_mode = models.CharField(
        max_length=10,
        choices=TextMode.choices,
        default=TextMode.WORDS,
        help_text="How “subject/body contains” is read: any of the words (case-insensitive, whole "
        "words, separated by commas or spaces), or one regular expression.",
    )
    priority = models.PositiveSmallIntegerField(choices=Case.Priority.choices, null=True, blank=True)

    class Meta:
        abstract = True

    def clean(self) -> None:
        super().clean()
        if self.text_mode == TextMode.REGEX:
            errors = {}
            for field in ("subject_contains", "body_contains"):
                value = getattr(self, field)
                if value:
                    try:
                        validate_pattern(value)
                    except ValueError as exc:
                        errors[field] = str(exc)
            if errors:
                raise ValidationError(errors)

    def save(self, *args, **kwargs):
        self.to_address = self.to_address.strip().lower()
        self.sender = self.sender.strip().lower()
        super().save(*args, **kwargs)


class RoutingRule(RuleConditions):
    """Auto-destination: applied when a case is created (and on "route again"); the active
    rule with the lowest position that matches wins."""

    name = models.CharField(max_length=100, unique=True)
    position = models.PositiveIntegerField(default=100, help_text="Lower runs first.")
    is_active = models.BooleanField(default=True)
    queue = models.ForeignKey(
        Queue, null=True, blank=True, on_delete=models.CASCADE, related_name="+", help_text="Dispatch to."
    )
    set_priority = models.PositiveSmallIntegerField(choices=Case.Priority.choices, null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Assign to.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if not (self.queue_id or self.set_priority or self.owner_id):
            raise ValidationError("A routing rule needs an action: a queue, a priority or an owner.")


class ActorKind(models.TextChoices):
    AGENT = "agent", "An agent"
    CONTACT = "contact", "The customer"
    SYSTEM = "system", "The system (rules, robots)"


class OwnerState(models.TextChoices):
    OWNED = "owned", "Has an owner"
    UNOWNED = "unowned", "Has no owner"


class Visibility(models.TextChoices):
    PUBLIC = "public", "Public"
    INTERNAL = "internal", "Internal"


class BusinessRule(RuleConditions):
    """When one of `events` happens and the conditions hold: act now, or after `delay_minutes`
    unless one of `cancel_events` happens first on the same case."""

    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=100, help_text="Rules run in this order.")
    is_active = models.BooleanField(default=True)
    events = models.JSONField(default=list, help_text="Event names that trigger the rule.")
    # Conditions beyond the shared vocabulary.
    status = models.CharField(max_length=20, choices=Case.Status.choices, blank=True)
    queue = models.ForeignKey(Queue, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    owner_state = models.CharField(max_length=10, choices=OwnerState.choices, blank=True)
    actor_kind = models.CharField(max_length=10, choices=ActorKind.choices, blank=True)
    note_visibility = models.CharField(
        max_length=10, choices=Visibility.choices, blank=True, help_text="For note events."
    )
    # Delay.
    delay_minutes = models.PositiveIntegerField(default=0, help_text="0 = act at once.")
    cancel_events = models.JSONField(
        default=list, blank=True, help_text="Events on the case that defuse a pending delayed action."
    )
    # Notification action.
    notify_owner = models.BooleanField(default=False)
    owner_fallback_to_queue = models.BooleanField(
        default=False, help_text="Notify the queue's members instead when the case has no owner."
    )
    notify_queue_members = models.BooleanField(default=False)
    notify_queue_supervisor = models.BooleanField(default=False)
    notify_contact = models.BooleanField(default=False)
    notify_writer = models.BooleanField(
        default=False, help_text="The agent who wrote the email (email events) or the note."
    )
    notify_users = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    notify_address = models.EmailField(blank=True, help_text="A fixed address to notify.")
    subject_template = models.CharField(
        max_length=300, blank=True, default="Case {{ case.number }}: {{ case.title }}"
    )
    body_template = models.TextField(
        blank=True,
        help_text="Django template syntax. Variables: case, contact, site, agent (the owner), event, "
        "actor, note, recipient, error, rule.",
    )
    mobile_template = models.CharField(
        max_length=300,
        blank=True,
        default="Case {{ case.number }} {{ event.short }}: {{ case.title }}",
        help_text="Short text for mobile (SMS gateway) recipients, cut to 160 characters.",
    )
    # Field-change actions.
    set_status = models.CharField(max_length=20, choices=Case.Status.choices, blank=True)
    set_priority = models.PositiveSmallIntegerField(choices=Case.Priority.choices, null=True, blank=True)
    dispatch_to = models.ForeignKey(Queue, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    assign_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def notifies(self) -> bool:
        return bool(
            self.notify_owner
            or self.notify_queue_members
            or self.notify_queue_supervisor
            or self.notify_contact
            or self.notify_writer
            or self.notify_address
            or (self.pk and len(self.notify_users.all()) > 0)  # uses the prefetch when there is one
        )

    def clean(self) -> None:
        super().clean()
        known = set(EVENT_LABELS)
        errors = {}
        if not self.events:
            errors["events"] = "Choose at least one event."
        elif set(self.events) - known:
            errors["events"] = f"Unknown events: {', '.join(sorted(set(self.events) - known))}."
        if set(self.cancel_events or []) - known:
            errors["cancel_events"] = "Unknown events."
        if self.cancel_events and not self.delay_minutes:
            errors["cancel_events"] = "Cancel events only make sense with a delay."
        for name in ("subject_template", "body_template", "mobile_template"):
            try:
                render_user_template(getattr(self, name), {})
            except TemplateRenderError as exc:
                errors[name] = str(exc)
        if self.set_status == Case.Status.CLOSED:
            errors["set_status"] = "Rules do not close cases."
        if errors:
            raise ValidationError(errors)


class TimeBomb(models.Model):
    """A delayed rule action waiting for `fire_at`. Lives in the database so it survives
    restarts; the beat task claims due rows with a conditional UPDATE so it fires once."""

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        FIRED = "fired", "Fired"
        DEFUSED = "defused", "Defused"
        FAILED = "failed", "Failed"

    rule = models.ForeignKey(BusinessRule, on_delete=models.CASCADE, related_name="time_bombs")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    fire_at = models.DateTimeField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    event = models.JSONField(help_text="The event that armed it.")
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)
    outcome = models.TextField(blank=True)

    class Meta:
        ordering = ["fire_at", "id"]
        indexes = [models.Index(fields=["state", "fire_at"], name="timebomb_state_fire_at")]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "case"],
                condition=models.Q(state="pending"),
                name="one_pending_timebomb_per_rule_case",
            )
        ]

    def __str__(self) -> str:
        return f"{self.rule} on case {self.case_id} at {self.fire_at:%Y-%m-%d %H:%M} ({self.state})"


class NotificationLog(models.Model):
    """One row per notification queued, for digest protection."""

    rule = models.ForeignKey(BusinessRule, null=True, on_delete=models.CASCADE, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    recipient = models.CharField(max_length=254, help_text="user:<id> for users, else the address.")
    sent_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["case", "rule", "recipient", "sent_at"], name="notificationlog_digest")
        ]

    def __str__(self) -> str:
        return f"{self.recipient} about case {self.case_id} at {self.sent_at:%Y-%m-%d %H:%M}"


class RuleError(models.Model):
    """A rule that could not run as written (broken template, regex timeout, …)."""

    business_rule = models.ForeignKey(
        BusinessRule, null=True, blank=True, on_delete=models.CASCADE, related_name="errors"
    )
    routing_rule = models.ForeignKey(
        RoutingRule, null=True, blank=True, on_delete=models.CASCADE, related_name="errors"
    )
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    event_name = models.CharField(max_length=50, blank=True)
    message = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.business_rule or self.routing_rule}: {self.message[:60]}"


class DeliveryEvent(models.Model):
    """One ESP tracking event (delivered, bounced, complained, rejected, …) from django-anymail."""

    outbound_email = models.ForeignKey(
        OutboundEmail, null=True, blank=True, on_delete=models.CASCADE, related_name="delivery_events"
    )
    esp_name = models.CharField(max_length=50)
    event_type = models.CharField(max_length=30)
    event_id = models.CharField(max_length=255, blank=True, help_text="The ESP's id for this event.")
    esp_message_id = models.CharField(max_length=255, blank=True, db_index=True)
    recipient = models.CharField(max_length=254, blank=True)
    reject_reason = models.CharField(max_length=30, blank=True)
    description = models.TextField(blank=True)
    mta_response = models.TextField(blank=True)
    is_hard_bounce = models.BooleanField(default=False)
    occurred_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["esp_name", "event_id"], condition=~models.Q(event_id=""), name="delivery_event_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.event_type} {self.recipient} ({self.esp_name})"
