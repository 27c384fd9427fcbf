"""Attachments of an inbound mail: what to store, what to refuse, and safe names for both."""

from __future__ import annotations

import logging
import mimetypes
import re
import unicodedata
from dataclasses import dataclass
from email import policy as email_policy
from email.header import decode_header, make_header
from email.message import Message

from tnefparse.tnef import TNEF

logger = logging.getLogger(__name__)

_MB = 1024 * 1024
_UNSAFE_CHARS = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]')
_WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$", re.IGNORECASE)
_MAX_NAME_BYTES = 200
_TNEF_TYPES = {"application/ms-tnef", "application/vnd.ms-tnef"}


@dataclass
class AttachmentPart:
    filename: str
    content_type: str
    payload: bytes
    content_id: str | None
    inline: bool


@dataclass
class SkippedPart:
    filename: str
    size: int
    reason: str

    def describe(self) -> str:
        return f"attachment {self.filename} ({format_size(self.size)}) not stored: {self.reason}"


@dataclass
class AttachmentLimits:
    max_bytes_each: int = 25 * _MB
    max_bytes_total: int = 50 * _MB
    max_count: int = 50


def format_size(size: int) -> str:
    if size >= _MB:
        return f"{size / _MB:.0f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} bytes"


def _decode_words(name: str) -> str:
    if "=?" not in name:
        return name
    try:
        return str(make_header(decode_header(name)))
    except (LookupError, UnicodeError, ValueError, TypeError):
        return name


def safe_filename(name: str | None, fallback: str) -> str:
    """A display and storage name that can never be used as a path (no separators, no ``..``)."""
    if isinstance(name, bytes):
        name = name.decode("utf-8", errors="replace")
    name = unicodedata.normalize("NFC", _decode_words(name or ""))
    # Keep only the last path component, whichever separator the sender's system used.
    name = re.split(r"[/\\]", name)[-1]
    name = _UNSAFE_CHARS.sub("_", name)
    name = re.sub(r"\s+", " ", name).strip(" .")
    if not name.strip("_ ."):
        if not fallback or fallback == "attachment":
            return "attachment"
        return safe_filename(fallback, "attachment")
    if _WINDOWS_RESERVED.match(name):
        name = "_" + name
    encoded = name.encode("utf-8")
    if len(encoded) > _MAX_NAME_BYTES:
        stem, dot, ext = name.rpartition(".")
        ext = f".{ext}" if dot and 0 < len(ext) <= 10 else ""
        stem = name[: -len(ext)] if ext else name
        budget = _MAX_NAME_BYTES - len(ext.encode("utf-8"))
        stem = stem.encode("utf-8")[:budget].decode("utf-8", errors="ignore").rstrip(" .")
        name = stem + ext
    return name


def _fallback_name(index: int, content_type: str) -> str:
    ext = mimetypes.guess_extension(content_type) or ".bin"
    return f"attachment-{index}{ext}"


def _payload(part: Message) -> bytes:
    try:
        data = part.get_payload(decode=True)
    except Exception:  # noqa: BLE001 - broken transfer encodings: keep what raw bytes we have
        data = None
    if isinstance(data, bytes):
        return data
    raw = part.get_payload()
    return raw.encode("utf-8", errors="replace") if isinstance(raw, str) else b""


def _filename(part: Message) -> str | None:
    try:
        return part.get_filename()
    except (LookupError, UnicodeError, ValueError, TypeError):
        return None


def _message_bytes(part: Message) -> bytes:
    inner = part.get_payload()
    if isinstance(inner, list) and inner:
        inner = inner[0]
    if isinstance(inner, Message):
        for pol in (email_policy.default, email_policy.compat32):
            try:
                return inner.as_bytes(policy=pol)
            except Exception:  # noqa: BLE001, S112 - serialising a broken message: try the lenient policy
                continue
    return _payload(part)


def _tnef_parts(data: bytes) -> list[tuple[str | None, bytes]] | None:
    try:
        tnef = TNEF(data, do_checksum=False)
    except Exception:  # noqa: BLE001 - tnefparse raises assorted errors on damaged files
        logger.info("winmail.dat could not be unpacked; kept as is")
        return None
    found = []
    for att in tnef.attachments:
        name = att.long_filename() or att.name
        if isinstance(name, bytes):
            name = name.decode("utf-8", errors="replace")
        found.append((name.strip("\x00") or None, att.data or b""))
    return found or None


def _leaves(msg: Message) -> list[Message]:
    """Parts in order; message/rfc822 parts are kept whole (attached as .eml), not descended into."""
    out: list[Message] = []
    stack = [msg]
    while stack:
        part = stack.pop()
        if part.get_content_type() in ("message/rfc822", "message/global") and part is not msg:
            out.append(part)
        elif part.is_multipart():
            payload = part.get_payload()
            stack.extend(reversed(payload if isinstance(payload, list) else []))
        else:
            out.append(part)
    return out


def _is_attachment(part: Message, filename: str | None) -> bool:
    disposition = (part.get_content_disposition() or "").lower()
    return bool(filename) or part.get_content_maintype() != "text" or disposition == "attachment"


def collect_attachments(
    msg: Message, limits: AttachmentLimits
) -> tuple[list[AttachmentPart], list[SkippedPart]]:
    """Every part that is not body text, decoded, named safely and checked against the limits."""
    stored: list[AttachmentPart] = []
    skipped: list[SkippedPart] = []
    total = 0
    candidates: list[AttachmentPart] = []
    for part in _leaves(msg):
        content_type = part.get_content_type()
        filename = _filename(part)
        if not _is_attachment(part, filename):
            continue
        cid = (part.get("Content-ID") or "").strip().strip("<>").strip() or None
        inline = bool(cid) and (part.get_content_disposition() or "inline") == "inline"
        fallback = _fallback_name(len(candidates) + 1, content_type)
        if content_type in ("message/rfc822", "message/global"):
            inner = part.get_payload()
            inner = inner[0] if isinstance(inner, list) and inner else inner
            subject = str(inner.get("Subject", "") or "") if isinstance(inner, Message) else ""
            name = safe_filename(filename or subject, "forwarded-message.eml")
            if not name.lower().endswith(".eml"):
                name += ".eml"
            candidates.append(AttachmentPart(name, "message/rfc822", _message_bytes(part), cid, False))
            continue
        payload = _payload(part)
        if content_type in _TNEF_TYPES or (filename or "").lower() == "winmail.dat":
            unpacked = _tnef_parts(payload)
            if unpacked:
                for inner_name, data in unpacked:
                    name = safe_filename(inner_name, f"attachment-{len(candidates) + 1}.bin")
                    guessed = mimetypes.guess_type(name)[0] or "application/octet-stream"
                    candidates.append(AttachmentPart(name, guessed, data, None, False))
                continue
        candidates.append(
            AttachmentPart(safe_filename(filename, fallback), content_type, payload, cid, inline)
        )

    for att in candidates:
        size = len(att.payload)
        reason = None
        if size > limits.max_bytes_each:
            reason = f"over the {format_size(limits.max_bytes_each)} limit"
        elif len(stored) >= limits.max_count:
            reason = f"over the limit of {limits.max_count} attachments"
        elif total + size > limits.max_bytes_total:
            reason = f"over the {format_size(limits.max_bytes_total)} limit per message"
        if reason:
            skipped.append(SkippedPart(att.filename, size, reason))
        else:
            stored.append(att)
            total += size
    return stored, skipped
