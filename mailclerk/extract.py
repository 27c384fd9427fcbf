"""Choose a mail's body and keep only what the sender just wrote.

Pure functions on ``email.message.EmailMessage`` (parsed with ``email.policy.default``): no database,
no Django. Never raises on odd charsets or broken MIME; the worst case is an empty body.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage, Message

from mailclerk.htmltext import html_to_text, strip_html_quotes
from mailclerk.quotes import DEFAULT_MARKERS, strip_quoted_text

__all__ = [
    "DEFAULT_MARKERS",
    "Extraction",
    "decode_text_part",
    "extract_body",
    "html_to_text",
    "strip_html_quotes",
    "strip_quoted_text",
]

# Plain parts that only say "read the HTML version".
_STUB_PLAIN = re.compile(
    r"^\s*(this (is a )?(multi-?part )?message (is )?in (mime|html) format\.?"
    r"|your (e-?mail|mail) (client|program|reader) does not support html.*"
    r"|to view this (message|email),? (please )?(use|open).*html.*"
    r"|\[(html|image)[^\]\n]{0,60}\])\s*$",
    re.IGNORECASE | re.DOTALL,
)


@dataclass(frozen=True)
class Extraction:
    text: str
    full_text: str
    html: str | None
    quote_removed: bool
    signature_removed: bool
    no_new_text: bool


def decode_text_part(part: Message) -> str:
    """A text part as str, whatever its declared charset or transfer encoding claims."""
    try:
        content = part.get_content()
        if isinstance(content, str):
            return content
    except (LookupError, UnicodeError, ValueError, AssertionError, KeyError, AttributeError):
        pass
    try:
        raw = part.get_payload(decode=True)
    except Exception:  # noqa: BLE001 - the email package raises many things on garbage; fall back below
        raw = None
    if raw is None:
        payload = part.get_payload()
        return payload if isinstance(payload, str) else ""
    if isinstance(raw, str):
        return raw
    charset = part.get_content_charset() or "utf-8"
    for candidate in (charset, "utf-8"):
        try:
            return raw.decode(candidate)
        except (LookupError, UnicodeDecodeError):
            continue
    return raw.decode("cp1252", errors="replace")


def _find_body_part(msg: Message, subtype: str) -> Message | None:
    try:
        if isinstance(msg, EmailMessage):
            return msg.get_body(preferencelist=(subtype,))
    except (KeyError, AttributeError, LookupError, ValueError):
        pass
    # Non-EmailMessage or broken structure: first non-attachment part of that type, not inside a
    # forwarded message/rfc822 (that text is someone else's).
    stack = [msg]
    while stack:
        part = stack.pop(0)
        if part.get_content_maintype() == "message":
            continue
        if part.is_multipart():
            payload = part.get_payload()
            stack[0:0] = payload if isinstance(payload, list) else []
            continue
        disposition = (part.get("Content-Disposition") or "").lower()
        if part.get_content_type() == f"text/{subtype}" and not disposition.startswith("attachment"):
            return part
    return None


def _is_stub(text: str) -> bool:
    stripped = text.strip()
    return not stripped or bool(_STUB_PLAIN.match(stripped))


def extract_body(msg: EmailMessage, *, markers: Sequence[str] = DEFAULT_MARKERS) -> Extraction:
    """The sender's new words, the whole body as text, and the original HTML (unsanitised)."""
    try:
        plain_part = _find_body_part(msg, "plain")
        html_part = _find_body_part(msg, "html")
    except Exception:  # noqa: BLE001 - malformed MIME must degrade to "no body", not crash the pipeline
        plain_part = html_part = None
    plain = decode_text_part(plain_part) if plain_part is not None else ""
    html = decode_text_part(html_part) if html_part is not None else None

    html_quotes_removed = False
    if not _is_stub(plain):
        full_text = plain
        source = plain
    elif html:
        full_text = html_to_text(html)
        stripped_html = strip_html_quotes(html)
        html_quotes_removed = stripped_html != html
        source = html_to_text(stripped_html) if html_quotes_removed else full_text
    else:
        full_text = source = plain.strip()

    text, quote_removed, signature_removed = strip_quoted_text(source, markers=markers)
    return Extraction(
        text=text,
        full_text=full_text.strip("\n"),
        html=html,
        quote_removed=quote_removed or html_quotes_removed,
        signature_removed=signature_removed,
        no_new_text=not text.strip(),
    )
