"""Plain-text reply extraction: find what the sender just wrote, drop quoted history and marked signatures.

The policy is conservative: a line is only removed when it is clearly history (an attribution header,
an Outlook header block, a marker line, ``>``-quoted text at the end) or a clearly marked signature.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

DEFAULT_MARKERS: tuple[str, ...] = (
    "-----Original Message-----",
    "---- Original Message ----",
    "-----Ursprüngliche Nachricht-----",
    "-------- Original-Nachricht --------",
    "-----Message d'origine-----",
    "-------- Message original --------",
    "-----Mensaje original-----",
    "-----Messaggio originale-----",
    "-----Oorspronkelijk bericht-----",
    "---------- Forwarded message ---------",
    "-------- Forwarded Message --------",
    "---------- Weitergeleitete Nachricht ----------",
    "-------- Weitergeleitete Nachricht --------",
    "---------- Message transféré ---------",
    "-------- Message transféré --------",
    "---------- Mensaje reenviado ---------",
    "---------- Messaggio inoltrato ---------",
    "Begin forwarded message:",
    "Anfang der weitergeleiteten Nachricht:",
    "Début du message réexpédié :",
    "Inicio del mensaje reenviado:",
)

_ON_START = re.compile(r"^(on|am|le|el|il|op|den|på|em|w dniu|dne|в|στις)\s", re.IGNORECASE)
_WROTE_END = re.compile(
    r"((wrote|writes|a\s+écrit|escribió|escribio|ha\s+scritto|escreveu|написал|написала|kirjoitti|írta|napsal"
    r"|έγραψε)\s*:"
    # German, Dutch and Scandinavian clients put the verb before the name: "Am …, schrieb Jane <j@x>:"
    r"|\b(schrieb|schreef|skrev|napisał)\b[^:]{0,120}:)\s*$",
    re.IGNORECASE,
)
_FROM_LABEL = re.compile(
    r"^[\s*]*(from|von|de|da|van|från|fra|od|от|lähettäjä|feladó)\s*:[\s*]*\S", re.IGNORECASE
)
_OTHER_LABEL = re.compile(
    r"^[\s*]*(sent|date|to|subject|cc|bcc|reply-to|gesendet|datum|an|betreff|envoyé|à|a|objet|enviado"
    r"|enviada|fecha|para|asunto|inviato|data|oggetto|verzonden|aan|onderwerp|skickat|till|ämne|sendt"
    r"|til|emne|wysłano|do|temat|отправлено|кому|тема)\s*:",
    re.IGNORECASE,
)
_SEPARATOR = re.compile(r"^\s*[-_=—–*~]{2,}\s*$")
_UNDERSCORES = re.compile(r"^\s*_{10,}\s*$")
_LIST_FOOTER_HINT = re.compile(r"mailing list|listinfo|unsubscribe|mailman", re.IGNORECASE)
_MOBILE_FOOTER = re.compile(
    r"^\s*("
    r"sent from my [\w \-]{1,40}"
    r"|sent from (mail|outlook|yahoo mail|gmail|aol)[\w \-]{0,40}"
    r"|get outlook for (ios|android|windows|mac)"
    r"|obtener outlook para (ios|android)"
    r"|télécharger outlook pour (ios|android)"
    r"|outlook für (ios|android) herunterladen"
    r"|sent (with|via|from) (proton ?mail|blackberry|spark|airmail|superhuman|samsung)[\w \-]{0,30}"
    r"|sent from [\w]+ for (iphone|ipad|android|ios)"
    r"|von meinem [\w \-]{1,40} gesendet"
    r"|gesendet von meinem [\w \-]{1,40}"
    r"|envoyé de mon [\w \-]{1,40}"
    r"|envoyé depuis mon [\w \-]{1,40}"
    r"|enviado desde mi [\w \-]{1,40}"
    r"|inviato da[l]? (mio )?[\w \-]{1,40}"
    r")\.?\s*$",
    re.IGNORECASE,
)
_MAX_HEADER_CHARS = 300
_MAX_SIGNATURE_LINES = 12


def _norm_marker(line: str) -> str:
    return line.strip().strip(" -_=*:").strip().casefold()


def _is_quoted(line: str) -> bool:
    return line.lstrip().startswith(">")


def _is_blank(line: str) -> bool:
    return not line.strip()


def _next_content(lines: list[str], i: int) -> int:
    while i < len(lines) and _is_blank(lines[i]):
        i += 1
    return i


def _attribution_end(lines: list[str], i: int) -> int | None:
    """If an ``On <date>, <name> wrote:`` attribution (maybe wrapped on 2-3 lines) starts at i, return its last line."""
    first = lines[i].strip()
    if not first or _is_quoted(first):
        return None
    if not any(x.rstrip().endswith(":") for x in lines[i : i + 3]):
        return None
    dated = bool(_ON_START.match(first))
    # Undated attributions only wrap when a long address pushes "wrote:" onto the next line.
    span = 3 if dated or "@" in first or "<" in first else 1
    joined = ""
    for k in range(i, min(i + span, len(lines))):
        part = lines[k].strip()
        if not part or (k > i and _is_quoted(part)):
            return None
        joined = f"{joined} {part}".strip()
        if len(joined) > _MAX_HEADER_CHARS:
            return None
        if _WROTE_END.search(joined):
            if dated and any(c.isdigit() for c in joined):
                return k
            # "Jane Doe wrote:" without a date: only an attribution if a quote follows (still there, or
            # already peeled off the end).
            nxt = _next_content(lines, k + 1)
            return k if nxt >= len(lines) or _is_quoted(lines[nxt]) else None
    return None


def _is_outlook_block(lines: list[str], i: int) -> bool:
    if not _FROM_LABEL.match(lines[i]):
        return False
    labels = set()
    for line in lines[i + 1 : i + 9]:
        if _is_blank(line):
            break
        m = _OTHER_LABEL.match(line)
        if m:
            labels.add(m.group(1).casefold())
    return len(labels) >= 2


def _quote_block_end(lines: list[str], i: int) -> int:
    """Index just past the ``>``-quoted block (blank lines included) starting at or after i."""
    while i < len(lines) and (_is_quoted(lines[i]) or _is_blank(lines[i])):
        i += 1
    return i


def _content_end(lines: list[str], end: int) -> int:
    while end and (_is_blank(lines[end - 1]) or _SEPARATOR.match(lines[end - 1])):
        end -= 1
    return end


def _strip_trailing(lines: list[str]) -> tuple[list[str], bool, bool]:
    """Peel quotes, list footers, ``-- `` signatures and mobile footers off the end until nothing changes."""
    quote = sig = False
    end = len(lines)
    while True:
        end = _content_end(lines, end)
        if not end:
            return [], quote, sig
        if _is_quoted(lines[end - 1]):
            while end and (_is_quoted(lines[end - 1]) or _is_blank(lines[end - 1])):
                end -= 1
            quote = True
            continue
        if _MOBILE_FOOTER.match(lines[end - 1]):
            end, sig = end - 1, True
            continue
        cut = None
        for k in range(end - 1, max(0, end - _MAX_SIGNATURE_LINES - 3) - 1, -1):
            if lines[k].rstrip() == "--":
                tail = [x for x in lines[k + 1 : end] if not _is_blank(x)]
                if len(tail) <= _MAX_SIGNATURE_LINES and not any(_is_quoted(x) for x in tail):
                    cut = k
                break
            if _UNDERSCORES.match(lines[k]) and any(_LIST_FOOTER_HINT.search(x) for x in lines[k + 1 : end]):
                cut = k
                break
        if cut is None:
            return lines[:end], quote, sig
        end, sig = cut, True


def _find_history_start(lines: list[str], markers: set[str]) -> int | None:
    """First line where unquoted history begins; inline replies (quote then answer) are skipped over."""
    i = 0
    while i < len(lines):
        line = lines[i]
        if _is_blank(line) or _is_quoted(line):
            i += 1
            continue
        if _norm_marker(line) in markers or _is_outlook_block(lines, i):
            return i
        end = _attribution_end(lines, i)
        if end is not None:
            nxt = _next_content(lines, end + 1)
            if nxt < len(lines) and _is_quoted(lines[nxt]):
                after = _quote_block_end(lines, nxt)
                if after < len(lines):
                    # The sender answered below the quote: an inline or bottom-posted reply; keep it.
                    i = after
                    continue
            return i
        i += 1
    return None


def _drop_leading_quote(lines: list[str]) -> list[str] | None:
    """Bottom-posting: one quote (maybe under an attribution) at the top, the answer below it, no other quote."""
    i = _next_content(lines, 0)
    if i >= len(lines):
        return None
    end = _attribution_end(lines, i)
    if end is not None:
        i = _next_content(lines, end + 1)
    if i >= len(lines) or not _is_quoted(lines[i]):
        return None
    after = _quote_block_end(lines, i)
    rest = lines[after:]
    if any(_is_quoted(x) for x in rest) or not any(x.strip() for x in rest):
        return None
    return rest


def _has_own_words(lines: list[str]) -> bool:
    i = 0
    while i < len(lines):
        end = _attribution_end(lines, i)
        if end is not None:
            i = end + 1
            continue
        if not _is_blank(lines[i]) and not _is_quoted(lines[i]):
            return True
        i += 1
    return False


def strip_quoted_text(text: str, *, markers: Sequence[str] = DEFAULT_MARKERS) -> tuple[str, bool, bool]:
    """Return ``(new_text, quote_removed, signature_removed)`` for a plain-text body."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    marker_set = {_norm_marker(m) for m in markers if _norm_marker(m)}
    lines, quote_removed, sig_removed = _strip_trailing(lines)
    answer = _drop_leading_quote(lines)
    if answer is not None:
        lines, quote_removed = answer, True
    start = _find_history_start(lines, marker_set)
    if start is not None:
        lines, quote_removed = lines[:start], True
        lines, q, s = _strip_trailing(lines)
        quote_removed, sig_removed = quote_removed or q, sig_removed or s
    if not _has_own_words(lines):
        return "", quote_removed, sig_removed
    lines = lines[_next_content(lines, 0) :]
    return "\n".join(line.rstrip() for line in lines), quote_removed, sig_removed
