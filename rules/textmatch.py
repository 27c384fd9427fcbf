"""Text conditions ("subject/body contains"): whole words, or a regular expression guarded
against catastrophic backtracking twice — patterns are checked when a rule is saved, and
every match runs with a time limit (the `regex` package's timeout)."""

from __future__ import annotations

import logging
import re
from functools import lru_cache

import regex

logger = logging.getLogger(__name__)

MAX_PATTERN_LENGTH = 200
MATCH_TIMEOUT_SECONDS = 0.05
MAX_TEXT_LENGTH = 100_000  # longer bodies are matched on their start


class PatternTimeout(Exception):
    """A pattern took too long on some text; the condition counts as not matching."""


def _has_nested_quantifier(pattern: str) -> bool:
    """True for a quantified group that itself contains a quantifier, e.g. (a+)+ or (\\w*)*:
    the classic shape of exponential backtracking."""
    stack: list[bool] = []  # per open group: does it contain a quantifier?
    i = 0
    inner = False
    in_class = False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            stack.append(inner)
            inner = False
        elif ch == ")":
            group_has_quantifier = inner
            inner = stack.pop() if stack else False
            following = pattern[i + 1 : i + 2]
            if group_has_quantifier and following in ("+", "*", "{"):
                return True
            inner = inner or group_has_quantifier
        elif ch in "+*" or (ch == "{" and re.match(r"\{\d*,\d*\}", pattern[i:])):
            inner = True
        i += 1
    return False


def validate_pattern(pattern: str) -> None:
    """Raise ValueError with a message for the admin if the pattern is refused."""
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise ValueError(f"The pattern is longer than {MAX_PATTERN_LENGTH} characters.")
    try:
        regex.compile(pattern, regex.IGNORECASE)
    except regex.error as exc:
        raise ValueError(f"Not a valid regular expression: {exc}.") from exc
    if _has_nested_quantifier(pattern):
        raise ValueError(
            "Nested quantifiers such as (a+)+ can take forever on some text; rewrite the pattern without them."
        )
    if re.search(r"\\[1-9]|\(\?P=", pattern):
        raise ValueError("Back-references are not allowed.")


@lru_cache(maxsize=512)
def _compiled(pattern: str):
    return regex.compile(pattern, regex.IGNORECASE)


@lru_cache(maxsize=512)
def _words(value: str) -> tuple[str, ...]:
    return tuple(w.lower() for w in re.split(r"[\s,]+", value) if w)


@lru_cache(maxsize=512)
def _words_re(value: str) -> re.Pattern:
    alternatives = "|".join(re.escape(w) for w in _words(value))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def text_matches(text: str, value: str, mode: str) -> bool:
    """Does `text` satisfy the condition `value` (in mode "words" or "regex")?"""
    if not value:
        return True
    text = (text or "")[:MAX_TEXT_LENGTH]
    if mode == "regex":
        try:
            return _compiled(value).search(text, timeout=MATCH_TIMEOUT_SECONDS) is not None
        except TimeoutError as exc:
            raise PatternTimeout(f"The pattern {value!r} took too long and was treated as no match.") from exc
        except regex.error as exc:
            raise PatternTimeout(f"The pattern {value!r} is invalid ({exc}).") from exc
    if not _words(value):
        return True
    return _words_re(value).search(text) is not None
