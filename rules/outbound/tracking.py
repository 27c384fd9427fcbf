"""Delivery tracking: django-anymail normalises each ESP's webhook into AnymailTrackingEvent
and sends the `tracking` signal; we record it as a DeliveryEvent, show its type on the
OutboundEmail, and flag the contact's address on a hard bounce."""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction

from casedesk.models import OutboundEmail
from casedesk.outbound import do_record_delivery_status

from ..models import DeliveryEvent

logger = logging.getLogger(__name__)

# Events that say something final about the message; opens/clicks do not change its status.
STATUS_EVENTS = {"queued", "sent", "delivered", "deferred", "bounced", "rejected", "complained", "failed"}
SOFT_MARKERS = ("softbounce", "soft", "temporary", "transient")


def is_hard_bounce(event) -> bool:
    if event.event_type == "rejected":
        return event.reject_reason in ("bounced", "invalid")
    if event.event_type != "bounced":
        return False
    raw = event.esp_event if isinstance(event.esp_event, dict) else {}
    for key in ("Type", "severity", "bounce_type", "type", "bounceType"):
        value = str(raw.get(key, "")).lower().replace("_", "")
        if value and any(marker in value for marker in SOFT_MARKERS):
            return False
    return True


def find_outbound(event) -> OutboundEmail | None:
    if event.message_id:
        found = OutboundEmail.objects.filter(esp_message_id=event.message_id).first()
        if found is not None:
            return found
        # SMTP relays that report by our own Message-ID
        wrapped = event.message_id if event.message_id.startswith("<") else f"<{event.message_id}>"
        return OutboundEmail.objects.filter(message_id=wrapped).first()
    return None


def record_tracking_event(event, esp_name: str) -> DeliveryEvent | None:
    outbound = find_outbound(event)
    hard = is_hard_bounce(event)
    try:
        with transaction.atomic():
            record = DeliveryEvent.objects.create(
                outbound_email=outbound,
                esp_name=esp_name[:50],
                event_type=(event.event_type or "unknown")[:30],
                event_id=(event.event_id or "")[:255],
                esp_message_id=(event.message_id or "")[:255],
                recipient=(event.recipient or "")[:254],
                reject_reason=(event.reject_reason or "")[:30],
                description=event.description or "",
                mta_response=event.mta_response or "",
                is_hard_bounce=hard,
                occurred_at=event.timestamp,
            )
            if outbound is not None and event.event_type in STATUS_EVENTS:
                do_record_delivery_status(
                    outbound, status=event.event_type, recipient=event.recipient or "", hard_bounce=hard
                )
    except IntegrityError:
        logger.info("duplicate %s tracking event %s ignored", esp_name, event.event_id)
        return None
    if outbound is None:
        logger.info("%s tracking event for unknown message %r", esp_name, event.message_id)
    return record


def on_tracking_event(sender, event, esp_name, **kwargs) -> None:
    record_tracking_event(event, esp_name)
