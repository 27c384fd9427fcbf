"""Serving stored attachments to people the caller has already authorised. The browser
never gets to trust the uploader's content type: everything downloads as a file, except
(when asked) raster images, which may be shown inline. Scriptable types never render."""

from __future__ import annotations

import re
import unicodedata

from django.http import FileResponse, Http404

from .models import Attachment

INLINE_IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
_UNSAFE = re.compile(r'[\x00-\x1f\x7f"\\/:*?<>|;]+')


def safe_filename(name: str, *, default: str = "attachment") -> str:
    """A filename without path parts, control characters or header-breaking characters."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[/\\]", name)[-1]
    name = _UNSAFE.sub("_", name).strip(" ._")
    if len(name) > 200:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 200 - len(ext) - 1] + dot + ext) if dot and len(ext) <= 16 else name[:200]
    return name or default


def attachment_response(attachment: Attachment, *, inline_images: bool) -> FileResponse:
    """Stream an attachment. The caller must have checked that the user may see its case."""
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404("The attachment's file is missing.") from exc
    content_type = (attachment.content_type or "").split(";")[0].strip().lower()
    inline = inline_images and content_type in INLINE_IMAGE_TYPES
    response = FileResponse(
        handle,
        as_attachment=not inline,
        filename=safe_filename(attachment.filename),
        content_type=content_type if inline else "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
