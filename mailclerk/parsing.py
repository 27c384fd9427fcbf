"""Bytes → ParsedMail: pure, no database, never raises on odd input except ParseError for
something that is not an email at all.

Body and attachment choice live behind `body_of` and `attachments_of` so the extraction
code (mailclerk.extract / mailclerk.attachments) is used in exactly one place."""

from __future__ import annotations

import email
import email.policy
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.header import decode_header, make_header
from email.message import EmailMessage
from email.utils import getaddresses, parsedate_to_datetime

from casedesk.htmlsafe import sanitize_email_html
from mailclerk.attachments import AttachmentLimits, AttachmentPart, SkippedPart, collect_attachments
from mailclerk.extract import Extraction, extract_body


class ParseError(ValueError):
    """The bytes are not an email message (empty, binary junk, no headers)."""


_MSGID = re.compile(r"<[^<>\s]{1,900}>")
_KNOWN = ("from", "to", "cc", "subject", "date", "message-id", "sender", "reply-to")


@dataclass
class ParsedMail:
    msg: EmailMessage
    size: int
    message_id: str = ""
    in_reply_to: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    from_name: str = ""
    from_address: str = ""
    to: list[str] = field(default_factory=list)
    cc: list[str] = field(default_factory=list)
    envelope_to: list[str] = field(default_factory=list)
    subject: str = ""
    date: datetime | None = None
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "text/plain"

    @property
    def recipients(self) -> list[str]:
        return [*self.to, *self.cc, *self.envelope_to]

    @property
    def thread_ids(self) -> list[str]:
        """Message-IDs this message answers: In-Reply-To first, then References newest first."""
        seen: list[str] = []
        for mid in [*self.in_reply_to, *reversed(self.references)]:
            if mid not in seen:
                seen.append(mid)
        return seen


def _clean(value: str) -> str:
    return " ".join(value.replace("\x00", "").split())


def _decode_raw(value: str) -> str:
    try:
        return str(make_header(decode_header(value)))
    except Exception:
        return value


def header(msg: EmailMessage, name: str) -> str:
    """One header as text, RFC 2047 decoded; a malformed header falls back to its raw text."""
    try:
        value = msg.get(name)
        return _clean(str(value)) if value is not None else ""
    except Exception:
        for key, raw in msg.raw_items():
            if key.lower() == name.lower():
                return _clean(_decode_raw(str(raw)))
        return ""


def all_headers(msg: EmailMessage, name: str) -> list[str]:
    try:
        return [_clean(str(v)) for v in (msg.get_all(name) or [])]
    except Exception:
        return [_clean(_decode_raw(str(v))) for k, v in msg.raw_items() if k.lower() == name.lower()]


def addresses(values: list[str]) -> list[tuple[str, str]]:
    out = []
    try:
        pairs = getaddresses(values)
    except Exception:
        return out
    for name, addr in pairs:
        addr = addr.strip().lower()
        if "@" in addr and len(addr) <= 254 and not any(c in addr for c in "\r\n\t <>"):
            out.append((_clean(name)[:200], addr))
    return out


def _date(value: str) -> datetime | None:
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except Exception:
        return None
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        parsed.astimezone(UTC)
    except (OverflowError, ValueError):
        return None
    return parsed


def parse_message(raw: bytes) -> ParsedMail:
    if not raw or not raw.strip():
        raise ParseError("empty message")
    try:
        msg = email.message_from_bytes(raw, policy=email.policy.default)
    except Exception as exc:  # the stdlib parser is lenient; this is defensive
        raise ParseError(f"unparseable: {exc}") from exc
    keys = {k.lower() for k in msg.keys()}
    if not keys & set(_KNOWN):
        raise ParseError("not an email: no From, To, Subject, Date or Message-ID header")
    from_pairs = addresses(all_headers(msg, "From")) or addresses(all_headers(msg, "Sender"))
    from_name, from_address = from_pairs[0] if from_pairs else ("", "")
    message_ids = _MSGID.findall(header(msg, "Message-ID"))
    try:
        content_type = msg.get_content_type()
    except Exception:
        content_type = "text/plain"
    return ParsedMail(
        msg=msg,
        size=len(raw),
        message_id=message_ids[0] if message_ids else "",
        in_reply_to=_MSGID.findall(header(msg, "In-Reply-To"))[:20],
        references=_MSGID.findall(" ".join(all_headers(msg, "References")))[-50:],
        from_name=from_name,
        from_address=from_address,
        to=[a for _, a in addresses(all_headers(msg, "To"))],
        cc=[a for _, a in addresses(all_headers(msg, "Cc"))],
        envelope_to=[
            a
            for _, a in addresses(
                all_headers(msg, "Delivered-To")
                + all_headers(msg, "X-Original-To")
                + all_headers(msg, "Envelope-To")
            )
        ],
        subject=header(msg, "Subject")[:998],
        date=_date(header(msg, "Date")),
        headers={k.lower(): header(msg, k) for k in dict.fromkeys(msg.keys())},
        content_type=content_type,
    )


def display_list(values: list[str]) -> str:
    return ", ".join(values)


# --- body and attachments (the one place that chooses them) -----------------------------


def body_of(parsed: ParsedMail) -> Extraction:
    """The text to log: the sender's new words (quotes and signature removed)."""
    return extract_body(parsed.msg)


def safe_html(extraction: Extraction, cid_urls: dict[str, str] | None = None) -> str:
    try:
        return sanitize_email_html(extraction.html or "", cid_urls=cid_urls or {})
    except Exception:
        return ""


def attachments_of(parsed: ParsedMail, max_bytes_each: int) -> tuple[list[AttachmentPart], list[SkippedPart]]:
    try:
        return collect_attachments(parsed.msg, AttachmentLimits(max_bytes_each=max_bytes_each))
    except Exception:
        return [], []
