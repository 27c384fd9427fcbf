"""Mail forwarded by an agent: who originally wrote it, when, what they wrote, and what the agent added."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parseaddr, parsedate_to_datetime

from mailclerk.quotes import DEFAULT_MARKERS

_FORWARD_MARKERS = {m.strip().strip(" -_=*:").strip().casefold() for m in DEFAULT_MARKERS}
_SEPARATOR = re.compile(r"^\s*[-_=—–*]{2,}\s*$")
_LABEL = re.compile(r"^[\s*]*([^\W\d_][\w -]{0,20}?)\s*:[\s*]*(.*)$")
_LABELS = {
    "from": ("from", "von", "de", "da", "van", "från", "fra", "od", "от"),
    "date": ("date", "sent", "datum", "gesendet", "envoyé", "fecha", "enviado", "enviada", "inviato", "data",
             "verzonden", "skickat", "sendt", "wysłano", "отправлено"),
    "subject": ("subject", "sujet", "betreff", "objet", "asunto", "oggetto", "onderwerp", "ämne", "emne", "temat", "тема"),
    "to": ("to", "pour", "an", "à", "a", "para", "aan", "till", "til", "do", "кому"),
    "cc": ("cc", "kopie", "copie", "cco", "bcc"),
    "reply-to": ("reply-to", "antwort an", "répondre à"),
}  # fmt: skip
_CANONICAL = {word: key for key, words in _LABELS.items() for word in words}
_MAILTO = re.compile(r"^(?P<name>.*?)\s*[\[<(]\s*(?:mailto:)?(?P<email>[^\s\]>)]+@[^\s\]>)]+)\s*[\]>)]\s*$")
_BARE_EMAIL = re.compile(r"^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$")

_MONTHS = {
    **{m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)},
    "mär": 3, "mrz": 3, "mai": 5, "okt": 10, "dez": 12,
    "janv": 1, "févr": 2, "fév": 2, "mars": 3, "avr": 4, "juin": 6, "juil": 7, "août": 8, "déc": 12,
    "ene": 1, "abr": 4, "ago": 8, "dic": 12, "gen": 1, "mag": 5, "giu": 6, "lug": 7, "set": 9, "ott": 10,
    "janvier": 1, "février": 2, "avril": 4, "juillet": 7, "septembre": 9, "octobre": 10, "novembre": 11,
    "décembre": 12, "januar": 1, "februar": 2, "märz": 3, "juni": 6, "juli": 7, "oktober": 10,
    "dezember": 12, "enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6, "julio": 7,
    "agosto": 8, "septiembre": 9, "octubre": 10, "noviembre": 11, "diciembre": 12,
}  # fmt: skip
_TIME = re.compile(r"\b(\d{1,2})[:h](\d{2})(?::(\d{2}))?(?:\s*([ap])\.?\s?m\b\.?)?", re.IGNORECASE)
# email.utils accepts far more than RFC 2822 but silently ignores "PM"; only trust it on real RFC dates.
_RFC2822 = re.compile(
    r"^([A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{4}\s+\d{1,2}:\d{2}(:\d{2})?\s*([+-]\d{4}|[A-Z]{1,5})?$"
)
_OFFSET = re.compile(r"(?:GMT|UTC)?\s*([+-])(\d{2}):?(\d{2})\b")


@dataclass
class ForwardedMessage:
    sender_name: str
    sender_email: str
    date: datetime | None
    subject: str
    text: str
    forwarder_text: str


def parse_sender(value: str) -> tuple[str, str]:
    value = value.replace("*", "").strip()
    m = _MAILTO.match(value)
    if m:
        return m.group("name").strip().strip("'\""), m.group("email").strip()
    if _BARE_EMAIL.match(value):
        return "", value
    name, addr = parseaddr(value)
    if addr and "@" in addr:
        return name.strip(), addr
    return value.strip().strip("'\""), ""


def _month(word: str) -> int | None:
    word = word.lower().rstrip(".")
    return _MONTHS.get(word) or _MONTHS.get(word[:3])


def parse_loose_date(value: str) -> datetime | None:
    """Dates as mail clients print them in forwarded headers, in a few languages; None if unsure."""
    value = value.replace("*", "").strip()
    if _RFC2822.match(value):
        try:
            return parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            pass
    tm = _TIME.search(value)
    rest = value[: tm.start()] + " " + value[tm.end() :] if tm else value
    words = re.findall(r"[^\W\d_]+\.?|\d+", rest)
    numbers = [int(w) for w in words if w.isdigit()]
    month = next((m for w in words if not w.isdigit() and (m := _month(w))), None)
    year = next((n for n in numbers if n >= 1970), None)
    if year is None:
        return None
    others = [n for n in numbers if n != year]
    try:
        if month is None:
            slash = re.search(r"(\d{1,2})[./](\d{1,2})[./](\d{4})", value)
            if not slash:
                return None
            a, b = int(slash.group(1)), int(slash.group(2))
            day, month = (a, b) if "." in slash.group(0) or a > 12 else (b, a)
        else:
            day = next(n for n in others if 1 <= n <= 31)
        hour = minute = second = 0
        if tm:
            hour, minute, second = int(tm.group(1)), int(tm.group(2)), int(tm.group(3) or 0)
            ampm = (tm.group(4) or "").lower()
            if ampm == "p" and hour < 12:
                hour += 12
            elif ampm == "a" and hour == 12:
                hour = 0
        tz = None
        off = _OFFSET.search(value[tm.end() :] if tm else "")
        if off:
            delta = timedelta(hours=int(off.group(2)), minutes=int(off.group(3)))
            tz = timezone(delta if off.group(1) == "+" else -delta)
        elif re.search(r"\b(GMT|UTC)\b", value):
            tz = UTC
        return datetime(year, month, day, hour, minute, second, tzinfo=tz)
    except (StopIteration, ValueError):
        return None


def _header_key(line: str) -> tuple[str | None, str]:
    m = _LABEL.match(line)
    if not m:
        return None, ""
    return _CANONICAL.get(m.group(1).strip().casefold()), m.group(2).strip()


def _read_headers(lines: list[str], i: int) -> tuple[dict[str, str], int] | None:
    """Parse a From/Date/Subject/To block starting at i; return the headers and the first body line."""
    while i < len(lines) and not lines[i].strip():
        i += 1
    headers: dict[str, str] = {}
    last = None
    while i < len(lines) and lines[i].strip():
        key, value = _header_key(lines[i])
        if key and key not in headers:
            headers[key], last = value, key
        elif key is None and _LABEL.match(lines[i]) and len(headers) < 5:
            last = None  # a header we do not use (Organisation:, Priority:…)
        elif last and not key and len(headers) < 5:
            headers[last] = f"{headers[last]} {lines[i].strip()}".strip()  # wrapped header line
        else:
            break
        i += 1
    if "from" not in headers or len(headers) < 2:
        return None
    return headers, i


def parse_forwarded(text: str) -> ForwardedMessage | None:
    """The first forwarded block (Gmail, Outlook, Apple Mail, Thunderbird formats) or None."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    found = _parse_lines(lines)
    if found is None and any(ln.lstrip().startswith(">") for ln in lines):
        # Apple Mail on iOS sends plain-text forwards as one "> "-quoted block.
        found = _parse_lines([re.sub(r"^\s*> ?", "", ln) for ln in lines])
    return found


def _parse_lines(lines: list[str]) -> ForwardedMessage | None:
    for i, line in enumerate(lines):
        stripped = line.strip()
        if not stripped or stripped.startswith(">"):
            continue
        is_marker = stripped.strip(" -_=*:").strip().casefold() in _FORWARD_MARKERS
        parsed = _read_headers(lines, i + 1 if is_marker else i)
        if parsed is None or (not is_marker and _header_key(line)[0] != "from"):
            continue
        headers, body_start = parsed
        above = lines[:i]
        while above and (not above[-1].strip() or _SEPARATOR.match(above[-1])):
            above.pop()
        body = lines[body_start:]
        content = [ln for ln in body if ln.strip()]
        if content and all(ln.lstrip().startswith(">") for ln in content):
            body = [re.sub(r"^\s*> ?", "", ln) for ln in body]
        name, email = parse_sender(headers["from"])
        return ForwardedMessage(
            sender_name=name,
            sender_email=email,
            date=parse_loose_date(headers["date"]) if "date" in headers else None,
            subject=headers.get("subject", ""),
            text="\n".join(body).strip("\n"),
            forwarder_text="\n".join(above).strip("\n"),
        )
    return None
