"""Per-process caches of small, rarely edited lookups the mail pipeline needs on every
message (default queue, mail templates; the rules app adds its routing rules). An edit
saved in this process clears them at once (signals wired in the apps' ready()); other
processes see it within `TTL` seconds."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")

TTL = 30.0
_all: list[Lookup] = []


class Lookup(Generic[T]):
    def __init__(self, load: Callable[[], T], ttl: float = TTL) -> None:
        self._load = load
        self._ttl = ttl
        self._expires = 0.0
        self._value: T | None = None
        _all.append(self)

    def get(self) -> T:
        now = time.monotonic()
        if now >= self._expires:
            self._value = self._load()
            self._expires = now + self._ttl
        return self._value  # type: ignore[return-value]

    def clear(self, **kwargs) -> None:
        """Also usable as a signal receiver."""
        self._expires = 0.0
        self._value = None


def clear_all(**kwargs) -> None:
    for lookup in _all:
        lookup.clear()
