"""The core domain: who writes in (Site, Contact), where work waits (Queue), the Case and
its append-only history (Activity, Attachment), outgoing mail as a row (OutboundEmail),
and each user's preferences (Profile)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower

from .roles import display_name


class Site(models.Model):
    """A customer organisation."""

    name = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SiteDomain(models.Model):
    """An email domain whose senders belong to a site (e.g. acme.example)."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="domains")
    domain = models.CharField(max_length=253, unique=True)

    class Meta:
        ordering = ["domain"]

    def save(self, *args, **kwargs):
        self.domain = self.domain.strip().lower().lstrip("@")
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return self.domain


class Contact(models.Model):
    """A customer person. Email is unique case-insensitively and stored lower-cased."""

    name = models.CharField(max_length=200, blank=True)
    email = models.EmailField(max_length=254)
    phone = models.CharField(max_length=50, blank=True)
    site = models.ForeignKey(Site, null=True, blank=True, on_delete=models.SET_NULL, related_name="contacts")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="contact"
    )
    is_active = models.BooleanField(default=True)
    email_bounced_at = models.DateTimeField(
        null=True, blank=True, help_text="Set when mail to this address hard-bounced."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "email"]
        constraints = [models.UniqueConstraint(Lower("email"), name="contact_email_ci_unique")]

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    @property
    def first_name(self) -> str:
        return (self.name or self.email).split()[0] if (self.name or self.email) else ""

    @property
    def display(self) -> str:
        return f"{self.name} <{self.email}>" if self.name else self.email

    def __str__(self) -> str:
        return self.display


class Queue(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="queues")
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supervised_queues",
    )
    inbound_address = models.EmailField(blank=True, help_text="Mail sent to this address lands here.")
    is_default = models.BooleanField(default=False, help_text="New cases land here when no rule routes them.")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=models.Q(is_default=True), name="one_default_queue"
            )
        ]

    def __str__(self) -> str:
        return self.name


class CaseNumberCounter(models.Model):
    """One row holding the last case number handed out.

    Incrementing it with an UPDATE inside the case's transaction row-locks it until commit
    (PostgreSQL) or holds the write lock (SQLite), so numbers never repeat, and a rolled
    back case gives its number back instead of leaving a gap."""

    last_number = models.PositiveBigIntegerField()

    def __str__(self) -> str:
        return f"last case number {self.last_number}"


class Case(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        IN_PROGRESS = "in_progress", "In progress"
        WAITING = "waiting", "Waiting on customer"
        CLOSED = "closed", "Closed"

    class Priority(models.IntegerChoices):
        LOW = 1, "Low"
        NORMAL = 2, "Normal"
        HIGH = 3, "High"
        URGENT = 4, "Urgent"

    class Channel(models.TextChoices):
        EMAIL = "email", "Email"
        PORTAL = "portal", "Portal"
        CONSOLE = "console", "Console"
        API = "api", "API"

    number = models.PositiveBigIntegerField(unique=True, editable=False)
    title = models.CharField(max_length=300)
    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="cases")
    site = models.ForeignKey(Site, null=True, blank=True, on_delete=models.SET_NULL, related_name="cases")
    queue = models.ForeignKey(Queue, null=True, blank=True, on_delete=models.SET_NULL, related_name="cases")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="owned_cases"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.NORMAL)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.CONSOLE)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    customer_seen_at = models.DateTimeField(
        null=True, blank=True, help_text="When the contact last looked at the case in the portal."
    )

    class Meta:
        ordering = ["-number"]
        indexes = [
            models.Index(fields=["queue", "status"], name="case_queue_status"),
            models.Index(fields=["owner", "status"], name="case_owner_status"),
            models.Index(fields=["contact", "status"], name="case_contact_status"),
            models.Index(fields=["status", "-updated_at"], name="case_status_updated"),
            models.Index(fields=["-updated_at"], name="case_updated"),
            models.Index(fields=["priority", "-number"], name="case_priority"),
            # issue 3 (console): queue counts read only the cases that are not closed.
            models.Index(
                fields=["queue", "owner"],
                condition=~models.Q(status="closed"),
                name="case_active_queue_owner",
            ),
        ]

    def __str__(self) -> str:
        return f"Case {self.number}"

    @property
    def label(self) -> str:
        return f"Case {self.number}"

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED

    @property
    def email_subject(self) -> str:
        """The subject that threads replies back to this case."""
        return f"About Case {self.number} :: {self.title}"


class Activity(models.Model):
    """One entry in a case's history. Append-only: never updated, never deleted."""

    class Kind(models.TextChoices):
        CREATED = "created", "Created"
        NOTE = "note", "Note"
        EMAIL_IN = "email_in", "Email in"
        EMAIL_OUT = "email_out", "Email out"
        STATUS = "status", "Status change"
        PRIORITY = "priority", "Priority change"
        DISPATCHED = "dispatched", "Dispatched"
        ASSIGNED = "assigned", "Assigned"
        CLOSED = "closed", "Closed"
        REOPENED = "reopened", "Reopened"
        NOTIFICATION = "notification", "Notification"
        RULE_ERROR = "rule_error", "Rule error"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="activities"
    )
    body = models.TextField(blank=True)
    html = models.TextField(blank=True, help_text="Sanitised HTML (email entries).")
    is_public = models.BooleanField(default=True, help_text="Visible to the customer in the portal.")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # Email details (email in / email out); empty for other kinds.
    email_from = models.CharField(max_length=500, blank=True)
    email_to = models.TextField(blank=True)
    email_cc = models.TextField(blank=True)
    email_subject = models.CharField(max_length=998, blank=True)
    email_date = models.DateTimeField(null=True, blank=True)
    message_id = models.CharField(max_length=998, blank=True, db_index=True)
    # Small structured extras: status from/to, the routing rule that dispatched, etc.
    meta = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "activities"
        indexes = [models.Index(fields=["case", "created_at"], name="activity_case_time")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on case {self.case_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("Activities are append-only; write a new one instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Activities are append-only and cannot be deleted.")

    @property
    def actor_kind(self) -> str:
        if self.actor_user_id:
            return "agent"
        if self.actor_contact_id:
            return "contact"
        return "system"

    @property
    def actor_display(self) -> str:
        if self.actor_user_id:
            return display_name(self.actor_user)
        if self.actor_contact_id:
            return self.actor_contact.display
        return "System"


def attachment_path(instance: Attachment, filename: str) -> str:
    # The stored name is random: user-supplied filenames never become paths.
    return f"attachments/{instance.case_id}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=255)
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=255, default="application/octet-stream")
    size = models.PositiveBigIntegerField(default=0)
    content_id = models.CharField(
        max_length=255, blank=True, help_text="For inline images referenced by cid:"
    )
    is_inline = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.filename


class OutboundEmail(models.Model):
    """An email Casedesk will send. Written in the same transaction as its Activity;
    the RuleManager (rules app) claims and sends it."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    class Kind(models.TextChoices):
        AGENT = "agent", "Written by an agent"
        NOTIFICATION = "notification", "Notification"
        CONFIRMATION = "confirmation", "Confirmation"
        ACCOUNT = "account", "Account email"

    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.CASCADE, related_name="outbound_emails"
    )
    activity = models.ForeignKey(
        Activity, null=True, blank=True, on_delete=models.SET_NULL, related_name="outbound_emails"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.AGENT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_email = models.CharField(max_length=500)
    reply_to = models.JSONField(default=list, blank=True)
    to = models.JSONField(default=list)
    cc = models.JSONField(default=list, blank=True)
    bcc = models.JSONField(default=list, blank=True)
    subject = models.CharField(max_length=998)
    text = models.TextField()
    html = models.TextField(blank=True)
    message_id = models.CharField(max_length=998, unique=True)
    in_reply_to = models.CharField(max_length=998, blank=True)
    references = models.TextField(blank=True)
    extra_headers = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    lease_until = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    esp_message_id = models.CharField(max_length=255, blank=True, db_index=True)
    delivery_status = models.CharField(max_length=30, blank=True, help_text="Last ESP tracking event.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbound_status_due")]

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.to)} ({self.status})"


class Profile(models.Model):
    """Per-user preferences: how to be notified, and the agent's Log Email template."""

    class NotifyBy(models.TextChoices):
        EMAIL = "email", "Email"
        MOBILE = "mobile", "Mobile (SMS gateway)"
        BOTH = "both", "Email and mobile"
        NONE = "none", "Nothing"

    class FromMode(models.TextChoices):
        DEFAULT = "", "Installation default"
        SHARED = "shared", "Shared support address"
        AGENT = "agent", "My own address"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    notify_by = models.CharField(max_length=10, choices=NotifyBy.choices, default=NotifyBy.EMAIL)
    mobile_address = models.EmailField(
        blank=True, help_text="SMS gateway address, e.g. 5551234567@sms.example"
    )
    greeting = models.TextField(blank=True, default="Hello {{ contact.first_name }},")
    body_template = models.TextField(blank=True)
    signature = models.TextField(blank=True, default="Best regards,\n{{ agent.name }}")
    from_mode = models.CharField(
        max_length=10, choices=FromMode.choices, default=FromMode.DEFAULT, blank=True
    )

    def __str__(self) -> str:
        return f"Preferences of {self.user}"

    @classmethod
    def for_user(cls, user) -> Profile:
        """The user's profile, created with defaults on first use."""
        profile, _ = cls.objects.get_or_create(user=user)
        return profile


class WorkerHeartbeat(models.Model):
    """Written by a periodic task so admins can see that the Celery worker and beat run."""

    hostname = models.CharField(max_length=255, unique=True)
    seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.hostname} at {self.seen_at:%Y-%m-%d %H:%M:%S}"


class MailTemplate(models.Model):
    """An admin-editable template for automatic mail (confirmations, customer updates).
    Variables as in casedesk.templating.template_context."""

    key = models.SlugField(max_length=60, unique=True)
    description = models.CharField(max_length=200, blank=True)
    subject = models.CharField(max_length=300)
    body = models.TextField()

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return self.key
