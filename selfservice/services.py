"""Portal state changes. Cases, notes and mail go through casedesk.services, so the portal
writes the same history and emits the same domain events as every other channel."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from casedesk import mail_templates, services
from casedesk.models import Activity, Case, Contact, OutboundEmail
from casedesk.roles import is_agent
from casedesk.services import CaseActionError, NewAttachment

from . import tokens
from .models import CustomerNotification, Signup

logger = logging.getLogger(__name__)


def portal_url(name: str, **kwargs) -> str:
    return settings.CASEDESK_SITE_URL + reverse(f"selfservice:{name}", kwargs=kwargs or None)


def send_account_email(*, to: str, subject: str, template: str, context: dict) -> OutboundEmail:
    """Queue an account email (never sent here: the RuleManager sends every queued row)."""
    text = render_to_string(
        f"selfservice/email/{template}", {"site_url": settings.CASEDESK_SITE_URL, **context}
    )
    return services.enqueue_email(to=[to], subject=subject, text=text, kind=OutboundEmail.Kind.ACCOUNT)


# --- accounts ---------------------------------------------------------------------------


def _users_with_address(email: str):
    return get_user_model().objects.filter(Q(email__iexact=email) | Q(username__iexact=email))


def do_sign_up(*, email: str, password: str, name: str = "") -> None:
    """Start a sign-up. What happens depends on whether the address has an account, but the
    caller always shows the same "check your email" message, so nobody learns which."""
    email = email.strip().lower()
    with transaction.atomic():
        users = list(_users_with_address(email).select_for_update())
        linked = Contact.objects.filter(email=email, user__isnull=False).exists()
        pending = next((u for u in users if is_pending_signup(u)), None)
        if pending is not None and len(users) == 1 and not linked:
            # Not verified yet: nobody owns the address, so the latest sign-up wins (its
            # new password also voids the earlier verification link).
            pending.set_password(password)
            pending.save(update_fields=["password"])
            Signup.objects.filter(user=pending).update(name=name.strip())
            _send_verification(pending)
            return
        if users or linked:
            active = any(u.is_active for u in users) or (
                Contact.objects.filter(email=email, user__is_active=True).exists()
            )
            if active:
                send_account_email(
                    to=email,
                    subject="You already have an account",
                    template="account_exists.txt",
                    context={
                        "login_url": portal_url("login"),
                        "reset_url": portal_url("password_reset"),
                        "signin_link_url": portal_url("signin_link"),
                    },
                )
            else:
                logger.info("portal sign-up for a deactivated account refused")
            return
        user = get_user_model().objects.create_user(
            username=email, email=email, password=password, is_active=False
        )
        user.first_name, _, user.last_name = name.strip().partition(" ")
        user.save(update_fields=["first_name", "last_name"])
        Signup.objects.create(user=user, name=name.strip())
        _send_verification(user)


def is_pending_signup(user: AbstractBaseUser) -> bool:
    return not user.is_active and Signup.objects.filter(user=user, verified_at__isnull=True).exists()


def _send_verification(user: AbstractBaseUser) -> None:
    send_account_email(
        to=user.email,
        subject="Confirm your email address",
        template="verify.txt",
        context={
            "url": portal_url("verify", token=tokens.make_token(user, tokens.VERIFY)),
            "hours": settings.CASEDESK_PORTAL_VERIFY_LINK_MAX_AGE // 3600,
        },
    )


def do_verify_signup(user: AbstractBaseUser) -> Contact:
    """Activate a verified sign-up and link it to the contact with that address (created
    if none exists), so the cases they opened by email show in the portal."""
    with transaction.atomic():
        signup = Signup.objects.select_for_update().get(user=user, verified_at__isnull=True)
        contact, _ = services.get_or_create_contact(user.email, name=signup.name)
        contact = services.do_link_contact_user(contact, user=user)
        user.is_active = True
        user.save(update_fields=["is_active"])
        signup.verified_at = timezone.now()
        signup.save(update_fields=["verified_at"])
    return contact


def do_send_signin_link(email: str) -> None:
    """Email a one-time sign-in link to a customer with that address; nothing otherwise."""
    email = email.strip().lower()
    contact = Contact.objects.select_related("user").filter(email=email, user__isnull=False).first()
    user = contact.user if contact else None
    if user is None or not user.is_active or is_agent(user):
        logger.info("portal sign-in link not sent: no customer account for the address")
        return
    send_account_email(
        to=contact.email,
        subject="Your sign-in link",
        template="signin_link.txt",
        context={
            "url": portal_url("signin_with_link", token=tokens.make_token(user, tokens.SIGNIN)),
            "minutes": settings.CASEDESK_PORTAL_SIGNIN_LINK_MAX_AGE // 60,
        },
    )


# --- cases ------------------------------------------------------------------------------


def do_submit_case(
    contact: Contact,
    *,
    title: str,
    description: str,
    priority: int | None = None,
    attachments: Sequence[NewAttachment] = (),
) -> Case:
    """Open a case from the portal and queue the same confirmation the mail clerk sends."""
    with transaction.atomic():
        case = services.do_create_case(
            title=title,
            contact=contact,
            channel=Case.Channel.PORTAL,
            actor=contact,
            body=description,
            priority=priority,
            attachments=attachments,
        )
        mail_templates.enqueue_templated_email(mail_templates.CASE_CREATED, case=case, to=[contact.email])
    return case


def can_reopen(case: Case) -> bool:
    if not case.is_closed or case.closed_at is None:
        return False
    return timezone.now() - case.closed_at <= timedelta(days=settings.CASEDESK_PORTAL_REOPEN_DAYS)


def do_customer_add_note(
    case: Case, contact: Contact, *, body: str, attachments: Sequence[NewAttachment] = ()
) -> Activity:
    if case.is_closed:
        raise CaseActionError(f"{case.label} is closed; reopen it to add a note.")
    return services.do_log_note(case, body=body, actor=contact, is_public=True, attachments=attachments)


def do_customer_close(case: Case, contact: Contact, *, reason: str = "") -> Case:
    return services.do_close_case(case, actor=contact, resolution=reason)


def do_customer_reopen(case: Case, contact: Contact, *, reason: str = "") -> Case:
    if not can_reopen(case):
        days = settings.CASEDESK_PORTAL_REOPEN_DAYS
        raise CaseActionError(
            f"{case.label} can only be reopened within {days} days of closing; please open a new case."
        )
    return services.do_reopen_case(case, actor=contact, reason=reason)


# --- customer notifications -------------------------------------------------------------


def do_notify_customer(activity_id: int) -> OutboundEmail | None:
    """Email the customer about an agent's public note or closing. Sends at most once per
    entry (the CustomerNotification row is unique per activity)."""
    activity = (
        Activity.objects.select_related("case__contact", "case__site", "case__queue", "actor_user")
        .filter(pk=activity_id)
        .first()
    )
    if (
        activity is None
        or not activity.is_public
        or activity.kind
        not in (
            Activity.Kind.NOTE,
            Activity.Kind.CLOSED,
        )
    ):
        return None
    if activity.actor_user is None or not is_agent(activity.actor_user):
        return None
    contact = activity.case.contact
    if not contact.is_active or contact.email_bounced_at is not None:
        return None
    key = (
        mail_templates.CUSTOMER_CLOSED
        if activity.kind == Activity.Kind.CLOSED
        else mail_templates.CUSTOMER_UPDATE
    )
    try:
        with transaction.atomic():
            record = CustomerNotification.objects.create(activity=activity)
            outbound = mail_templates.enqueue_templated_email(
                key,
                case=activity.case,
                to=[contact.email],
                kind=OutboundEmail.Kind.NOTIFICATION,
                agent=activity.actor_user,
                note=activity.body,
            )
            record.outbound_email = outbound
            record.save(update_fields=["outbound_email"])
    except IntegrityError:
        return None  # already notified (a repeated or concurrent run)
    return outbound
