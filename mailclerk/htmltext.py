"""HTML mail bodies: drop client-marked quoted history, then render readable plain text."""

from __future__ import annotations

import copy
import re

from lxml import etree
from lxml import html as lxml_html

_BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "center", "dd", "div", "dl", "dt", "fieldset", "figure",
    "footer", "form", "header", "hr", "li", "main", "nav", "ol", "section", "table", "tbody", "thead",
    "tfoot", "tr", "ul",
}  # fmt: skip
_PARAGRAPH_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "blockquote", "ul", "ol", "table"}
_SKIP_TAGS = {"head", "script", "style", "title", "meta", "link", "template", "noscript", "object", "iframe"}
_WS = re.compile(r"[ \t\r\n\f\u200b]+")
_MAX_QUOTE_CANDIDATES = 20
# C0 controls (but tab, LF, CR) and DEL: lxml's HTML parser keeps them in text nodes, yet refuses to
# have them assigned back into the tree, so one stray byte would break quote removal.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_OUTLOOK_SEPARATOR = re.compile(r"border-top\s*:[^;\"]*#(e1e1e1|b5c4df)", re.IGNORECASE)

# Quote containers whose history is removed only when nothing the sender wrote follows them
# (otherwise the reply is interleaved and the text stage keeps it, rendered with "> ").
_TRAILING_QUOTE_XPATHS = (
    "//div[contains(concat(' ', normalize-space(@class), ' '), ' gmail_quote ')]",
    "//div[contains(concat(' ', normalize-space(@class), ' '), ' gmail_quote_container ')]",
    "//blockquote[@type='cite']",
    "//div[contains(concat(' ', normalize-space(@class), ' '), ' yahoo_quoted ')]",
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' moz-cite-prefix ')]",
)
# Outlook puts history after these markers, never interleaved: they and everything after them go.
_CUT_XPATHS = (
    "//*[@id='divRplyFwdMsg']",
    "//*[@id='appendonsend']",
    "//hr[@id='stopSpelling']",
)


def _parse(html: str) -> etree._Element | None:
    if not html or not html.strip():
        return None
    html = _CONTROL.sub("", html)
    try:
        return lxml_html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        try:
            return lxml_html.document_fromstring(html.encode("utf-8", "replace"))
        except (etree.ParserError, ValueError):
            return None


def _text_after(el: etree._Element) -> str:
    return "".join(el.xpath("following::text()")).strip()


def _has_answers_inside(el: etree._Element) -> bool:
    """Gmail puts inline answers inside div.gmail_quote, between the blockquotes: that text is the sender's."""
    if "gmail_quote" not in (el.get("class") or "") or el.tag == "blockquote":
        return False
    probe = copy.deepcopy(el)
    probe.tail = None
    for inner in probe.xpath(".//blockquote | .//*[contains(@class, 'gmail_attr')]"):
        _drop(inner)
    return bool(probe.text_content().strip())


def _drop(el: etree._Element) -> None:
    parent = el.getparent()
    if parent is None:
        return
    # Keep the tail: it is text that follows the element, not part of it.
    tail = el.tail
    prev = el.getprevious()
    if tail:
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


def _drop_with_following(el: etree._Element) -> None:
    node = el
    while node is not None and node.tag not in ("body", "html"):
        for sib in list(node.itersiblings()):
            node.getparent().remove(sib)
        node.tail = None
        node = node.getparent()
    _drop(el)


def _outlook_separators(root: etree._Element) -> list[etree._Element]:
    found = []
    for div in root.iter("div"):
        style = div.get("style") or ""
        if _OUTLOOK_SEPARATOR.search(style) and re.search(r"(From|Von|De|Da|Van)\s*:", div.text_content()):
            found.append(div)
    return found


def _strip_quotes_tree(root: etree._Element) -> bool:
    changed = False
    for xp in _CUT_XPATHS:
        for el in root.xpath(xp)[:1]:
            _drop_with_following(el)
            changed = True
    seps = _outlook_separators(root)
    if seps:
        _drop_with_following(seps[0])
        changed = True
    # Outermost first, so a removed thread takes its nested quotes with it. Real mail has a handful of
    # candidates; the cap keeps a hostile message with thousands of them linear.
    for xp in _TRAILING_QUOTE_XPATHS:
        for el in root.xpath(xp)[:_MAX_QUOTE_CANDIDATES]:
            if el.getroottree().getroot() is not root:
                continue
            if not _text_after(el) and not _has_answers_inside(el):
                _drop(el)
                changed = True
    return changed


def strip_html_quotes(html: str) -> str:
    """Remove quoted history marked up by Gmail, Outlook, Apple Mail, Thunderbird and Yahoo."""
    root = _parse(html)
    if root is None:
        return html or ""
    if not _strip_quotes_tree(root):
        return html
    return lxml_html.tostring(root, encoding="unicode")


class _Writer:
    """Accumulates lines; blocks ask for a line break (1) or a blank line (2) before the next text."""

    def __init__(self) -> None:
        self.lines: list[str] = [""]
        self.pending = 0

    def text(self, s: str) -> None:
        if not s:
            return
        self._flush()
        current = self.lines[-1]
        if s.startswith(" ") and (not current or current.endswith(" ")):
            s = s.lstrip(" ")
        self.lines[-1] = current + s

    def raw(self, s: str) -> None:
        self._flush()
        first, *rest = s.split("\n")
        self.lines[-1] += first
        self.lines.extend(rest)

    def hard_break(self) -> None:
        self._flush()
        self.lines.append("")

    def block(self, blank: bool) -> None:
        if len(self.lines) > 1 or self.lines[-1].strip():
            self.pending = max(self.pending, 2 if blank else 1)

    def _flush(self) -> None:
        if not self.pending:
            return
        if self.lines[-1].strip():
            self.lines.append("")
        if self.pending == 2 and len(self.lines) > 1 and self.lines[-2].strip():
            self.lines.append("")
        self.pending = 0

    def result(self) -> str:
        return "\n".join(line.rstrip() for line in self.lines).strip("\n")


def _render(el: etree._Element, out: _Writer, pre: bool = False) -> None:
    tag = el.tag if isinstance(el.tag, str) else ""
    tag = tag.lower()
    if tag in _SKIP_TAGS or not isinstance(el.tag, str):  # also comments and processing instructions
        if el.tail:
            _emit(el.tail, out, pre)
        return
    is_block = tag in _BLOCK_TAGS or tag in _PARAGRAPH_TAGS
    if tag == "br":
        out.hard_break()
    elif tag == "hr":
        out.block(False)
        out.text("---")
        out.block(False)
    elif tag == "blockquote":
        inner = _Writer()
        _render_children(el, inner, pre)
        body = inner.result()
        out.block(True)
        if body:
            out.raw("\n".join(("> " + ln) if ln else ">" for ln in body.split("\n")))
        out.block(True)
    elif tag == "img":
        alt = (el.get("alt") or "").strip()
        if alt:
            out.text(f"[{alt}]")
    else:
        if is_block:
            out.block(tag in _PARAGRAPH_TAGS)
        if tag == "li":
            parent = el.getparent()
            if parent is not None and parent.tag == "ol":
                out.text(f"{[c for c in parent if c.tag == 'li'].index(el) + 1}. ")
            else:
                out.text("- ")
        if tag in ("td", "th") and el.getprevious() is not None:
            out.text(" ")
        _render_children(el, out, pre or tag == "pre")
        if tag == "a":
            href = (el.get("href") or "").strip()
            label = _WS.sub(" ", el.text_content()).strip()
            if href and not href.startswith(("#", "cid:", "javascript:")):
                shown = href[7:] if href.lower().startswith("mailto:") else href
                if shown.rstrip("/") != label.rstrip("/"):
                    out.text(f" <{shown}>")
        if is_block:
            out.block(tag in _PARAGRAPH_TAGS)
    if el.tail:
        _emit(el.tail, out, pre)


def _render_children(el: etree._Element, out: _Writer, pre: bool) -> None:
    if el.text:
        _emit(el.text, out, pre)
    for child in el:
        _render(child, out, pre)


def _emit(s: str, out: _Writer, pre: bool) -> None:
    if pre:
        out.raw(s.replace("\r\n", "\n"))
    else:
        out.text(_WS.sub(" ", s.replace("\xa0", " ")))


def html_to_text(html: str) -> str:
    """Readable text from an HTML body: paragraphs, lists, links (``label <url>``) and ``> `` quotes."""
    root = _parse(html)
    if root is None:
        return ""
    out = _Writer()
    body = root.find("body")
    try:
        _render(body if body is not None else root, out)
    except RecursionError:
        return _WS.sub(" ", root.text_content()).strip()
    return out.result()
