"""Is this mail from a robot (auto-responder, bounce, bulk list, our own mail looping back)?
Pure functions on ParsedMail; no database."""

from __future__ import annotations

import re
from dataclasses import dataclass

from mailclerk.parsing import ParsedMail, header

AUTOREPLY = "autoreply"
BOUNCE = "bounce"
BULK = "bulk"
LOOP = "loop"

_MSGID = re.compile(r"<[^<>\s]{1,900}>")
_BOUNCE_SENDERS = re.compile(r"^(mailer-daemon|postmaster|mail-daemon|bounces?)([+@]|$)")
_OOO_SUBJECT = re.compile(
    r"^(auto(matic)?[ -]?(reply|response|antwort)|out of (the )?office|abwesenheit|absence|réponse automatique)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class RobotVerdict:
    kind: str | None = None
    reason: str = ""

    @property
    def is_robot(self) -> bool:
        return self.kind is not None


HUMAN = RobotVerdict()


def classify(parsed: ParsedMail, *, our_addresses: frozenset[str] = frozenset()) -> RobotVerdict:
    h = parsed.headers
    if parsed.from_address and parsed.from_address in our_addresses:
        return RobotVerdict(LOOP, f"sent from our own address {parsed.from_address}")
    if h.get("x-casedesk-loop") or _mentions(h.get("x-loop", ""), our_addresses):
        return RobotVerdict(LOOP, "carries our own loop header")
    if parsed.content_type == "multipart/report" or _BOUNCE_SENDERS.match(parsed.from_address):
        return RobotVerdict(BOUNCE, "delivery status notification")
    auto = h.get("auto-submitted", "").strip().lower()
    if auto and auto.split(";")[0].strip() != "no":
        return RobotVerdict(AUTOREPLY, f"Auto-Submitted: {auto}")
    for name in ("x-autoreply", "x-autorespond"):
        if h.get(name):
            return RobotVerdict(AUTOREPLY, f"{name} header")
    if h.get("x-casedesk-case"):
        return RobotVerdict(AUTOREPLY, "echoes our X-Casedesk-Case header (an out-of-office reply)")
    precedence = h.get("precedence", "").strip().lower()
    if precedence in ("bulk", "junk", "list"):
        return RobotVerdict(BULK, f"Precedence: {precedence}")
    if h.get("auto-reply") or _OOO_SUBJECT.match(parsed.subject or ""):
        return RobotVerdict(AUTOREPLY, "auto-reply subject")
    if h.get("list-id") or h.get("list-unsubscribe"):
        return RobotVerdict(BULK, "mailing list (List-Id)")
    if h.get("return-path", "").replace(" ", "") == "<>":
        return RobotVerdict(BOUNCE, "null Return-Path")
    return HUMAN


def _mentions(value: str, our_addresses: frozenset[str]) -> bool:
    value = value.lower()
    return any(address in value for address in our_addresses)


def bounced_message_ids(parsed: ParsedMail) -> list[str]:
    """Message-IDs of the original mail quoted in a bounce (message/rfc822 or
    text/rfc822-headers part), else those it answers."""
    found: list[str] = []
    try:
        for part in parsed.msg.walk():
            ctype = part.get_content_type()
            if ctype == "message/rfc822":
                payload = part.get_payload()
                inner = payload[0] if isinstance(payload, list) and payload else None
                if inner is not None:
                    found += _MSGID.findall(header(inner, "Message-ID"))
            elif ctype == "text/rfc822-headers":
                text = part.get_payload(decode=True) or b""
                for line in text.decode("utf-8", "replace").splitlines():
                    if line.lower().startswith("message-id:"):
                        found += _MSGID.findall(line)
    except Exception:
        pass
    return found + [mid for mid in parsed.thread_ids if mid not in found]
