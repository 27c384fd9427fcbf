"""The quote markers the admin edits (QuoteMarker), read at most every 30 s per process."""

from __future__ import annotations

import time

from mailclerk.quotes import DEFAULT_MARKERS

_TTL = 30.0
_cached: tuple[float, tuple[str, ...]] = (0.0, DEFAULT_MARKERS)


def active_markers() -> tuple[str, ...]:
    """Active markers from the database; the built-in list if the table cannot be read."""
    global _cached
    now = time.monotonic()
    if now - _cached[0] > _TTL:
        from django.db import DatabaseError

        from mailclerk.models import QuoteMarker

        try:
            markers = tuple(QuoteMarker.objects.filter(is_active=True).values_list("text", flat=True))
        except DatabaseError:
            markers = DEFAULT_MARKERS
        _cached = (now, markers)
    return _cached[1]


def forget_markers(**kwargs) -> None:
    global _cached
    _cached = (0.0, DEFAULT_MARKERS)
