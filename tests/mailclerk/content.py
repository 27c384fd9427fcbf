"""Helpers for the clerk content tests: the client-shaped fixtures under fixtures/content."""

from __future__ import annotations

from pathlib import Path

CONTENT = Path(__file__).parent / "fixtures" / "content"


def content_eml(name: str, **subs: object) -> bytes:
    raw = (CONTENT / name).read_bytes()
    for key, value in subs.items():
        raw = raw.replace(("{" + key + "}").encode(), str(value).encode())
    return raw
