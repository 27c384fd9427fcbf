"""Sanitise mail HTML for display in the console.

Scripts, styles sheets, event handlers and dangerous URLs go; ``cid:`` images point at our attachment
URLs; remote images are blocked (their URL kept in ``data-remote-src``) until the agent asks for them,
so opening a case never tells a sender's tracker that it was read.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType
from urllib.parse import unquote

import nh3
from lxml import etree
from lxml import html as lxml_html

_TAGS = set(nh3.ALLOWED_TAGS) | {"font", "tfoot", "caption"}
_ATTRIBUTES: dict[str, set[str]] = {tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()}
_ATTRIBUTES.setdefault("*", set()).update({"style", "title", "dir", "lang"})
_ATTRIBUTES["img"] = _ATTRIBUTES.get("img", set()) | {"data-remote-src", "title"}
_ATTRIBUTES["a"] = _ATTRIBUTES.get("a", set()) | {"title"}
_ATTRIBUTES["font"] = {"color", "face", "size"}
for _cell in ("td", "th", "table", "tr"):
    _ATTRIBUTES[_cell] = _ATTRIBUTES.get(_cell, set()) | {"width", "height", "valign", "bgcolor"}
# No url() can hide in these, so CSS cannot fetch a tracking pixel.
_STYLE_PROPERTIES = {
    "color", "background-color", "font-family", "font-size", "font-style", "font-weight", "text-align",
    "text-decoration", "text-indent", "line-height", "margin", "margin-left", "margin-right", "margin-top",
    "margin-bottom", "padding", "padding-left", "padding-right", "padding-top", "padding-bottom", "width",
    "height", "border", "border-collapse", "vertical-align", "white-space", "direction",
}  # fmt: skip
_URL_SCHEMES = {"http", "https", "mailto", "tel", "cid", "data"}
# Browsers also accept "http:\\host" and "\\\\host"; anything that leaves our origin counts as remote.
_REMOTE = re.compile(r"^\s*(https?:|[/\\]{2})", re.IGNORECASE)
_EMPTY: Mapping[str, str] = MappingProxyType({})


def _cid_key(value: str) -> str:
    value = value.strip()
    if value[:4].lower() == "cid:":
        value = value[4:]
    return unquote(value).strip().strip("<>").strip()


def _is_remote(url: str) -> bool:
    return bool(_REMOTE.match(url))


def _block_remote_images(html: str) -> str:
    """Move remote img URLs to data-remote-src before sanitising (nh3 cannot add attributes)."""
    try:
        root = lxml_html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return html
    changed = False
    for img in root.iter("img"):
        src = img.get("src") or ""
        if _is_remote(src):
            img.set("data-remote-src", src.strip())
            img.set("src", "")
            changed = True
        for attr in ("srcset", "data-remote-src") if not _is_remote(src) else ("srcset",):
            if attr in img.attrib:
                del img.attrib[attr]
    if not changed:
        return html
    return lxml_html.tostring(root, encoding="unicode")


def sanitize_email_html(
    html: str, *, cid_urls: Mapping[str, str] = _EMPTY, load_remote_images: bool = False
) -> str:
    """Safe HTML for the console. ``cid_urls`` maps Content-IDs (with or without ``<>``/``cid:``) to URLs."""
    if not html:
        return ""
    cids = {_cid_key(k): v for k, v in cid_urls.items()}
    if not load_remote_images:
        html = _block_remote_images(html)

    def attribute_filter(tag: str, attr: str, value: str) -> str | None:
        lowered = value.strip().lower()
        if tag == "img" and attr == "src":
            # Only our attachment URLs, inline data images and (on request) remote images; a relative src
            # from the sender would point into the console itself.
            if lowered.startswith("cid:"):
                return cids.get(_cid_key(value))
            if lowered.startswith("data:image/"):
                return value
            return value if load_remote_images and _is_remote(value) else None
        if tag == "img" and attr == "data-remote-src":
            return value if _is_remote(value) else None
        if attr == "href" and lowered.startswith(("data:", "cid:")):
            return None
        return value

    return nh3.clean(
        html,
        tags=_TAGS,
        clean_content_tags={"script", "style", "title", "head", "template", "noscript"},
        attributes=_ATTRIBUTES,
        attribute_filter=attribute_filter,
        link_rel="noopener noreferrer nofollow",
        set_tag_attribute_values={"a": {"target": "_blank"}},
        url_schemes=_URL_SCHEMES,
        filter_style_properties=_STYLE_PROPERTIES,
    )


def has_remote_images(html: str) -> bool:
    """Whether the HTML shows images fetched from another server (the "load images" button is useful)."""
    if not html or "<img" not in html.lower():
        return False
    try:
        root = lxml_html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return False
    return any(_is_remote(img.get("src") or img.get("data-remote-src") or "") for img in root.iter("img"))
