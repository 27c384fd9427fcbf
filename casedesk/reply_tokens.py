"""Per-case reply addresses that cannot be forged: clerk+c1234-<hmac>@domain.

Casedesk puts one in the Reply-To of mail about a case; the mail clerk reads it back to
thread a reply even when the subject and headers were lost, and trusts it as proof that the
writer received our mail about that case."""

from __future__ import annotations

import re
from email.utils import parseaddr

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

_SALT = "casedesk.reply-token"
_TOKEN = re.compile(r"^(?P<local>[^+@]+)\+c(?P<number>\d{1,18})-(?P<mac>[0-9a-f]{16})@(?P<domain>[^@]+)$")


def _mac(number: int) -> str:
    return salted_hmac(_SALT, str(number), algorithm="sha256").hexdigest()[:16]


def reply_token_address(case) -> str:
    """The clerk address carrying the signed token for this case."""
    local, _, domain = parseaddr(settings.CASEDESK_CLERK_EMAIL)[1].partition("@")
    return f"{local}+c{case.number}-{_mac(case.number)}@{domain}"


def parse_reply_token(address: str) -> int | None:
    """The case number in a valid reply token address, else None."""
    match = _TOKEN.match((address or "").strip().lower())
    if not match:
        return None
    number = int(match.group("number"))
    return number if constant_time_compare(match.group("mac"), _mac(number)) else None
