"""What an admin can do with a quarantined message: release it (re-process), assign it to a
case, delete it (raw file too)."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from casedesk import services as core
from casedesk.models import Case, Contact
from mailclerk.models import InboundMessage
from mailclerk.parsing import (
    parse_message,
)
from mailclerk.services import LOG_NOTE, Decision, _content, _details, process_inbound

logger = logging.getLogger(__name__)


def release_inbound(pk: int) -> InboundMessage:
    """Re-process a quarantined message; the admin vouches for the sender."""
    with transaction.atomic():
        updated = InboundMessage.objects.filter(pk=pk, status=InboundMessage.Status.QUARANTINED).update(
            status=InboundMessage.Status.RECEIVED, action="", reason=""
        )
    if not updated:
        return InboundMessage.objects.get(pk=pk)
    return process_inbound(pk, trust_sender=True)


def assign_inbound_to_case(pk: int, case: Case, *, actor) -> InboundMessage:
    """Log a quarantined message on a case the admin chose."""
    with transaction.atomic():
        inbound = InboundMessage.objects.select_for_update().get(pk=pk)
        if inbound.status != InboundMessage.Status.QUARANTINED:
            raise core.CaseActionError("Only quarantined messages can be assigned to a case.")
        parsed = parse_message(inbound.read_raw())
        decision = Decision(
            LOG_NOTE,
            f"assigned to {case.label} by {actor}",
            case=case,
            case_number=case.number,
            matched_by="admin",
            contact=Contact.objects.filter(email=parsed.from_address).first()
            if parsed.from_address
            else None,
            agent=actor,
            reopen=False,
        )
        text, html, files = _content(parsed)
        inbound.activity = core.do_log_note(
            case,
            body=text,
            html=html,
            actor=decision.contact or actor,
            attachments=files,
            email=_details(parsed),
            meta={
                "is_robot": False,
                "inbound_id": inbound.pk,
                "assigned_by": actor.pk,
                **parsed.content_meta,
            },
        )
        inbound.status = InboundMessage.Status.PROCESSED
        inbound.action = LOG_NOTE
        inbound.case = case
        inbound.matched_by = "admin"
        inbound.reason = decision.reason
        inbound.processed_at = timezone.now()
        inbound.save()
    return inbound


def delete_inbound(inbound: InboundMessage) -> None:
    name = inbound.raw.name
    storage = inbound.raw.storage
    inbound.delete()
    if name and not InboundMessage.objects.filter(raw=name).exists():
        transaction.on_commit(lambda: storage.delete(name))
