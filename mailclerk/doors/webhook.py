"""ESP inbound webhooks: anymail authenticates the post (WEBHOOK_SECRET basic auth and the
ESP's signature where it has one) and sends the `inbound` signal; we store and enqueue."""

from __future__ import annotations

import base64
import logging

from anymail.signals import AnymailInboundEvent

from mailclerk.models import InboundMessage
from mailclerk.services import store_inbound

logger = logging.getLogger(__name__)


def original_raw(event: AnymailInboundEvent) -> bytes:
    """The message as the ESP delivered it when the payload carries the raw MIME (Mailgun
    body-mime, SendGrid "send raw", Postmark RawEmail, SES SNS content); otherwise the
    message anymail rebuilt from the ESP's parsed fields."""
    esp_event = event.esp_event
    raw: str | bytes | None = None
    if hasattr(esp_event, "POST"):
        raw = esp_event.POST.get("body-mime") or esp_event.POST.get("email")
    elif isinstance(esp_event, dict):
        raw = esp_event.get("RawEmail")
        content = esp_event.get("content")
        action = (
            esp_event.get("receipt", {}).get("action", {})
            if isinstance(esp_event.get("receipt"), dict)
            else {}
        )
        if raw is None and isinstance(content, str):
            raw = base64.b64decode(content) if action.get("encoding") == "BASE64" else content
    if isinstance(raw, str):
        return raw.encode("utf-8", "surrogateescape")
    if isinstance(raw, bytes):
        return raw
    try:
        return event.message.as_bytes()
    except Exception:
        return event.message.as_string().encode("utf-8", "surrogateescape")


def on_inbound(sender, event: AnymailInboundEvent, esp_name: str, **kwargs) -> None:
    # Any exception here becomes a 5xx, so the ESP retries: the message is never dropped.
    raw = original_raw(event)
    recipient = getattr(event.message, "envelope_recipient", None) or ""
    inbound, created = store_inbound(
        raw, channel=InboundMessage.Channel.WEBHOOK, envelope_recipient=recipient
    )
    logger.info(
        "%s inbound webhook: message %s %s", esp_name, inbound.pk, "stored" if created else "duplicate"
    )
