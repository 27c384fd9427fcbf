"""The clerk's own SMTP listener (aiosmtpd): accepts mail only for clerk addresses, within
the size limit, and answers 250 only once the message is stored."""

from __future__ import annotations

import logging

from aiosmtpd.controller import Controller
from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import close_old_connections

from mailclerk.models import InboundMessage
from mailclerk.services import is_clerk_address, store_inbound

logger = logging.getLogger(__name__)


def _accepts(address: str) -> bool:
    close_old_connections()
    return is_clerk_address(address)


def _store(raw: bytes, recipient: str) -> tuple[int, bool]:
    close_old_connections()
    inbound, created = store_inbound(raw, channel=InboundMessage.Channel.SMTP, envelope_recipient=recipient)
    return inbound.pk, created


class ClerkHandler:
    def __init__(self, max_bytes: int | None = None):
        self.max_bytes = max_bytes or settings.CLERK_MAX_MESSAGE_BYTES

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        try:
            ok = await sync_to_async(_accepts, thread_sensitive=False)(address)
        except Exception:
            logger.exception("could not check recipient %s", address)
            return "451 4.3.0 Temporary failure, try again later"
        if not ok:
            return f"550 5.1.1 <{address}>: not a Casedesk clerk address"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or b""
        if len(raw) > self.max_bytes:
            return "552 5.3.4 Message too big for the clerk"
        try:
            pk, created = await sync_to_async(_store, thread_sensitive=False)(raw, envelope.rcpt_tos[0])
        except Exception:
            logger.exception("could not store an SMTP message")
            return "451 4.3.0 Could not store the message, try again later"
        logger.info("smtp: message %s %s", pk, "stored" if created else "duplicate")
        return "250 2.0.0 Message stored"


def make_controller(host: str, port: int, max_bytes: int | None = None) -> Controller:
    handler = ClerkHandler(max_bytes)
    return Controller(
        handler,
        hostname=host,
        port=port,
        data_size_limit=handler.max_bytes,
        ident="Casedesk clerk",
    )
