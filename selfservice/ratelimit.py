"""Cache-backed fixed-window rate limits for what strangers can trigger (sign-up, sign-in,
password reset, sign-in links), counted per client IP and per email address."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

LIMITED_MESSAGE = "Too many attempts. Please wait a while and try again."


def client_ip(request: HttpRequest) -> str:
    # REMOTE_ADDR only: X-Forwarded-For is set by the client unless a trusted proxy rewrites it.
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _key(scope: str, kind: str, value: str) -> str:
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()[:40]
    return f"selfservice:rl:{scope}:{kind}:{digest}"


def _count(key: str, window: int) -> int:
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        return 1


def _peek(key: str) -> int:
    return cache.get(key) or 0


def is_limited(request: HttpRequest, scope: str, address: str = "") -> bool:
    """True when the IP or the address is over its limit for `scope` (without counting)."""
    if _peek(_key(scope, "ip", client_ip(request))) >= settings.CASEDESK_PORTAL_RATE_LIMIT_PER_IP:
        return True
    return bool(address) and (
        _peek(_key(scope, "addr", address)) >= settings.CASEDESK_PORTAL_RATE_LIMIT_PER_ADDRESS
    )


def record_attempt(request: HttpRequest, scope: str, address: str = "") -> None:
    window = settings.CASEDESK_PORTAL_RATE_LIMIT_WINDOW
    _count(_key(scope, "ip", client_ip(request)), window)
    if address:
        _count(_key(scope, "addr", address), window)


def hit(request: HttpRequest, scope: str, address: str = "") -> bool:
    """Count one attempt; True when it is over the limit (and must be refused)."""
    if is_limited(request, scope, address):
        return True
    record_attempt(request, scope, address)
    return False
