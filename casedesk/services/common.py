"""Shared pieces of the services: the actor type, errors, value objects and the helpers
that write history and lock cases."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.files.base import ContentFile
from django.db import connection
from django.utils import timezone

from .. import events
from ..models import (
    Activity,
    Attachment,
    Case,
    Contact,
)

Actor = AbstractBaseUser | Contact | None


class CaseActionError(Exception):
    """An action that is not allowed in the case's current state; nothing was changed."""


@dataclass(frozen=True)
class EmailDetails:
    """Headers of an email entry in the history."""

    from_: str = ""
    to: str = ""
    cc: str = ""
    subject: str = ""
    date: datetime | None = None
    message_id: str = ""


@dataclass(frozen=True)
class NewAttachment:
    filename: str
    content: bytes
    content_type: str = "application/octet-stream"
    content_id: str = ""
    is_inline: bool = False


# --- helpers ----------------------------------------------------------------------------


def _actor_fields(actor: Actor) -> dict:
    if actor is None:
        return {"actor_user": None, "actor_contact": None}
    if isinstance(actor, Contact):
        return {"actor_user": None, "actor_contact": actor}
    return {"actor_user": actor, "actor_contact": None}


def _event(name: str, case: Case, actor: Actor, **data) -> events.DomainEvent:
    fields = _actor_fields(actor)
    return events.DomainEvent(
        name=name,
        case_id=case.pk,
        actor_user_id=fields["actor_user"].pk if fields["actor_user"] else None,
        actor_contact_id=fields["actor_contact"].pk if fields["actor_contact"] else None,
        data=data,
    )


def _write_activity(
    case: Case, kind: str, actor: Actor, *, body: str = "", is_public: bool = True, **extra
) -> Activity:
    activity = Activity.objects.create(
        case=case, kind=kind, body=body, is_public=is_public, **_actor_fields(actor), **extra
    )
    now = timezone.now()
    Case.objects.filter(pk=case.pk).update(updated_at=now)
    case.updated_at = now
    return activity


def _email_fields(email: EmailDetails | None) -> dict:
    if email is None:
        return {}
    return {
        "email_from": email.from_,
        "email_to": email.to,
        "email_cc": email.cc,
        "email_subject": email.subject,
        "email_date": email.date,
        "message_id": email.message_id,
    }


def _lock(case: Case) -> Case:
    """Re-read the case under a row lock so concurrent actions serialise."""
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("queue", "owner", "contact")
        .get(pk=case.pk)
    )


def add_attachments(activity: Activity, files: Iterable[NewAttachment]) -> list[Attachment]:
    saved = []
    for item in files:
        attachment = Attachment(
            case_id=activity.case_id,
            activity=activity,
            filename=item.filename,
            content_type=item.content_type or "application/octet-stream",
            size=len(item.content),
            content_id=item.content_id,
            is_inline=item.is_inline,
        )
        attachment.file.save(item.filename, ContentFile(item.content), save=False)
        saved.append(attachment)
    if len(saved) > 1 and connection.features.can_return_rows_from_bulk_insert:
        Attachment.objects.bulk_create(saved)
    else:
        for attachment in saved:
            attachment.save()
    return saved
