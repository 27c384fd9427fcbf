"""Bytes → ParsedMail: pure, no database, never raises on odd input except ParseError for
something that is not an email at all.

Body and attachment choice live behind `body_of` and `attachments_of` so the extraction
code (mailclerk.extract / mailclerk.attachments) is used in exactly one place."""

from __future__ import annotations

import email
import email.policy
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.header import decode_header, make_header
from email.message import EmailMessage, Message
from email.utils import getaddresses, parsedate_to_datetime

from mailclerk.attachments import AttachmentLimits, AttachmentPart, SkippedPart, collect_attachments
from mailclerk.extract import Extraction, decode_text_part, extract_body
from mailclerk.quotes import DEFAULT_MARKERS

logger = logging.getLogger(__name__)


class _MemoHeaderPolicy(email.policy.EmailPolicy):
    """policy.default, remembering parsed header objects by (name, raw value).

    The stdlib re-parses a header (e.g. Content-Type) on every read, and the parser and the
    extraction read Content-Type of each part many times; parsed headers are immutable, so
    sharing them is safe. Profiling bench/ingest.py showed header re-parsing as the largest
    single cost of ingest."""

    def header_fetch_parse(self, name, value):
        if hasattr(value, "name") or not isinstance(value, str) or len(value) > _HEADER_MEMO_VALUE_MAX:
            return super().header_fetch_parse(name, value)
        key = (name, value)
        header = _HEADER_MEMO.get(key)
        if header is None:
            if len(_HEADER_MEMO) >= _HEADER_MEMO_MAX:
                _HEADER_MEMO.clear()
            header = _HEADER_MEMO[key] = super().header_fetch_parse(name, value)
        return header


_HEADER_MEMO: dict[tuple[str, str], object] = {}
_HEADER_MEMO_MAX = 20_000
_HEADER_MEMO_VALUE_MAX = 998  # the RFC 5322 line limit: longer values are parsed each time
PARSE_POLICY = _MemoHeaderPolicy()


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
    # Filled by the clerk when it extracts the body: what the history entry needs besides
    # the text (full text, "no new text", attachments not stored).
    content_meta: dict = field(default_factory=dict)

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


def _unsurrogate(value: str) -> str:
    """8-bit header bytes arrive as surrogate escapes; keep UTF-8, replace the rest."""
    try:
        value.encode("utf-8")
        return value
    except UnicodeEncodeError:
        return value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _decode_raw(value: str) -> str:
    """RFC 2047 decoding of a raw header value; undecodable words stay as written."""
    value = value.replace("\r\n", "").replace("\n", "")
    if "=?" not in value:
        return _unsurrogate(value)
    try:
        return _unsurrogate(str(make_header(decode_header(value))))
    except Exception:
        return _unsurrogate(value)


def all_headers(msg: Message, name: str, *, decode: bool = True) -> list[str]:
    """Every value of a header, from the raw source (cheaper and more forgiving than the
    header registry), RFC 2047 decoded unless decode=False."""
    name = name.lower()
    try:
        values = [str(v) for k, v in msg.raw_items() if k.lower() == name]
    except Exception:
        return []
    if decode:
        return [_clean(_decode_raw(v)) for v in values]
    return [_clean(_unsurrogate(v.replace("\r\n", "").replace("\n", ""))) for v in values]


def header(msg: Message, name: str) -> str:
    """One header as text, RFC 2047 decoded; a malformed header falls back to its raw text."""
    values = all_headers(msg, name)
    return values[0] if values else ""


def addresses(values: list[str]) -> list[tuple[str, str]]:
    """(display name, lower-cased address) pairs; pass raw (undecoded) header values so an
    encoded display name containing a comma cannot split the list."""
    out = []
    try:
        pairs = getaddresses(values)
    except Exception:
        return out
    for name, addr in pairs:
        addr = _unsurrogate(addr).strip().lower()
        if "@" in addr and len(addr) <= 254 and not any(c in addr for c in "\r\n\t <>,;\x00"):
            out.append((_clean(_decode_raw(name))[:200], addr))
    return out


def _raw(msg: Message, name: str) -> list[str]:
    return all_headers(msg, name, decode=False)


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
        msg = email.message_from_bytes(raw, policy=PARSE_POLICY)
    except Exception as exc:  # the stdlib parser is lenient; this is defensive
        raise ParseError(f"unparseable: {exc}") from exc
    keys = {k.lower() for k in msg.keys()}
    if not keys & set(_KNOWN):
        raise ParseError("not an email: no From, To, Subject, Date or Message-ID header")
    from_pairs = addresses(_raw(msg, "From")) or addresses(_raw(msg, "Sender"))
    from_name, from_address = from_pairs[0] if from_pairs else ("", "")
    message_ids = _MSGID.findall(" ".join(_raw(msg, "Message-ID")[:1]))
    try:
        content_type = msg.get_content_type()
    except Exception:
        content_type = "text/plain"
    return ParsedMail(
        msg=msg,
        size=len(raw),
        message_id=message_ids[0] if message_ids else "",
        in_reply_to=_MSGID.findall(" ".join(_raw(msg, "In-Reply-To")))[:20],
        references=_MSGID.findall(" ".join(_raw(msg, "References")))[-50:],
        from_name=from_name,
        from_address=from_address,
        to=[a for _, a in addresses(_raw(msg, "To"))],
        cc=[a for _, a in addresses(_raw(msg, "Cc"))],
        envelope_to=[
            a
            for _, a in addresses(
                _raw(msg, "Delivered-To") + _raw(msg, "X-Original-To") + _raw(msg, "Envelope-To")
            )
        ],
        subject=header(msg, "Subject")[:998],
        date=_date(" ".join(_raw(msg, "Date")[:1])),
        headers=_robot_headers(msg),
        content_type=content_type,
    )


# The headers robots.classify looks at (raw values, first occurrence).
ROBOT_HEADERS = frozenset(
    {
        "auto-submitted",
        "auto-reply",
        "precedence",
        "x-autoreply",
        "x-autorespond",
        "x-casedesk-case",
        "x-casedesk-loop",
        "x-loop",
        "list-id",
        "list-unsubscribe",
        "return-path",
    }
)


def _robot_headers(msg: Message) -> dict[str, str]:
    found: dict[str, str] = {}
    try:
        for key, value in msg.raw_items():
            key = key.lower()
            if key in ROBOT_HEADERS and key not in found:
                found[key] = _clean(_unsurrogate(str(value)))
    except Exception:
        pass
    return found


def display_list(values: list[str]) -> str:
    return ", ".join(values)


# --- body and attachments (the one place that chooses them) -----------------------------


def body_of(parsed: ParsedMail, markers: Sequence[str] = DEFAULT_MARKERS) -> Extraction:
    """The text to log: the sender's new words (quotes and signature removed). Should the
    extraction fail on some odd message, the first text part as is still gets logged."""
    try:
        return extract_body(parsed.msg, markers=markers)
    except Exception:
        logger.warning(
            "body extraction failed for %s; logging the text part as is", parsed.message_id, exc_info=True
        )
        text = _first_text(parsed.msg)
        return Extraction(
            text=text,
            full_text=text,
            html=None,
            quote_removed=False,
            signature_removed=False,
            no_new_text=not text.strip(),
        )


def _first_text(msg: Message) -> str:
    try:
        for part in msg.walk():
            if part.get_content_type() == "text/plain" and not part.is_attachment():
                return decode_text_part(part)
        payload = msg.get_payload(decode=True)
        return payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    except Exception:
        return ""


def attachments_of(
    parsed: ParsedMail, limits: AttachmentLimits | int
) -> tuple[list[AttachmentPart], list[SkippedPart]]:
    """Attachments within `limits` (an int: only a per-attachment limit) and those refused."""
    if isinstance(limits, int):
        limits = AttachmentLimits(max_bytes_each=limits, max_bytes_total=1 << 62, max_count=1 << 30)
    try:
        return collect_attachments(parsed.msg, limits)
    except Exception:
        return [], []
