"""Reads for the portal: which cases a customer may see, and what of them."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Case as DbCase
from django.db.models import Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, When
from django.http import Http404

from casedesk.models import Activity, Attachment, Case, Contact
from casedesk.roles import is_agent

HIDDEN_KINDS = (Activity.Kind.NOTIFICATION, Activity.Kind.RULE_ERROR)
# Entries by an agent that count as "the support team replied".
REPLY_KINDS = (Activity.Kind.NOTE, Activity.Kind.EMAIL_OUT, Activity.Kind.CLOSED, Activity.Kind.STATUS)


def customer_contact(user: AbstractBaseUser) -> Contact | None:
    """The contact a logged-in customer acts as; None for agents and unlinked users."""
    if not user.is_authenticated or not user.is_active or is_agent(user):
        return None
    try:
        return user.contact
    except Contact.DoesNotExist:
        return None


def visible_cases(contact: Contact) -> QuerySet[Case]:
    """The contact's own cases, plus their site's when per-site visibility is on."""
    scope = Q(contact=contact)
    if settings.CASEDESK_PORTAL_SITE_VISIBILITY and contact.site_id:
        scope |= Q(site_id=contact.site_id)
    return Case.objects.filter(scope)


def public_activities() -> QuerySet[Activity]:
    return Activity.objects.filter(is_public=True).exclude(kind__in=HIDDEN_KINDS)


def my_cases(contact: Contact) -> QuerySet[Case]:
    """Cases for the list page: open ones first, then by last update, with "replied since"."""
    replied = public_activities().filter(case=OuterRef("pk"), actor_user__isnull=False, kind__in=REPLY_KINDS)
    replied = replied.filter(Q(created_at__gt=OuterRef("customer_seen_at")) | Q(case__customer_seen_at=None))
    return (
        visible_cases(contact)
        .select_related("contact")
        .annotate(
            replied_since_seen=Exists(replied),
            closed_last=DbCase(
                When(status=Case.Status.CLOSED, then=1), default=0, output_field=IntegerField()
            ),
        )
        .order_by("closed_last", "-updated_at", "-number")
    )


def case_for_customer(contact: Contact, number: int) -> Case:
    """The case by number if the contact may see it; 404 otherwise (never 403: a stranger
    must not learn that the number exists)."""
    case = visible_cases(contact).select_related("contact", "queue").filter(number=number).first()
    if case is None:
        raise Http404("No such case.")
    return case


def case_history(case: Case) -> QuerySet[Activity]:
    """The public history, oldest first, with the attachments of those entries."""
    return (
        public_activities()
        .filter(case=case)
        .select_related("actor_user", "actor_contact")
        .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("id")))
        .order_by("created_at", "id")
    )


def attachment_for_customer(case: Case, attachment_id: int) -> Attachment:
    attachment = (
        Attachment.objects.filter(pk=attachment_id, case=case, activity__in=public_activities())
        .select_related("activity")
        .first()
    )
    if attachment is None:
        raise Http404("No such attachment.")
    return attachment
