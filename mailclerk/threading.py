"""Which case is this mail about? Pure: headers, subject and reply token → case number and
the rule that matched. The services check candidates against the database."""

from __future__ import annotations

import re
from dataclasses import dataclass

from casedesk.reply_tokens import parse_reply_token
from mailclerk.parsing import ParsedMail

HEADERS = "headers"
SUBJECT = "subject"
REPLY_TOKEN = "reply_token"

# "about case 1234" anywhere in the subject, whatever the Re:/Fwd:/AW: prefixes and case.
_SUBJECT_CASE = re.compile(r"\babout\s+case\s*#?\s*(\d{1,18})\b", re.IGNORECASE)


@dataclass(frozen=True)
class CaseRef:
    number: int | None = None
    matched_by: str | None = None


NO_MATCH = CaseRef()


def our_message_ids(parsed: ParsedMail, our_domain: str) -> list[str]:
    """Message-IDs in In-Reply-To/References that we could have generated (our domain)."""
    suffix = "@" + our_domain.lower() + ">"
    return [mid for mid in parsed.thread_ids if mid.lower().endswith(suffix)]


def case_number_in_message_id(message_id: str) -> int | None:
    match = re.match(r"<case(\d{1,18})\.", message_id)
    return int(match.group(1)) if match else None


def subject_case_number(subject: str) -> int | None:
    match = _SUBJECT_CASE.search(subject or "")
    return int(match.group(1)) if match else None


def token_case_number(parsed: ParsedMail) -> int | None:
    for address in parsed.recipients:
        number = parse_reply_token(address)
        if number is not None:
            return number
    return None
