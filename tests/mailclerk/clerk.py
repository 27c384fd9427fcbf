"""Helpers for the mail clerk tests (plain functions; the fixtures live in tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures" / "clerk"


def eml(name: str, **subs: object) -> bytes:
    raw = (FIXTURES / name).read_bytes()
    for key, value in subs.items():
        raw = raw.replace(("{" + key + "}").encode(), str(value).encode())
    return raw


def mail(
    *,
    sender: str = "dana@acme.example",
    to: str = "clerk@casedesk.localhost",
    subject: str = "Printer on fire",
    body: str = "It burns.",
    message_id: str = "",
    headers: dict[str, str] | None = None,
) -> bytes:
    import uuid

    lines = [
        f"From: {sender}",
        f"To: {to}",
        f"Subject: {subject}",
        "Date: Mon, 2 Dec 2024 10:00:00 +0000",
        f"Message-ID: {message_id or f'<{uuid.uuid4().hex}@example.net>'}",
    ]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n" + body + "\r\n").encode()


def ingest(raw: bytes, channel: str = "pipe", **kwargs):
    """Store and process in this process, as the worker would."""
    from mailclerk import services

    inbound, _ = services.store_inbound(raw, channel=channel, enqueue=False)
    return services.process_inbound(inbound.pk, **kwargs)


def confirmation_for(case):
    from casedesk.models import OutboundEmail

    return OutboundEmail.objects.filter(case=case, kind=OutboundEmail.Kind.CONFIRMATION)
