"""Render templates that admins and agents write (greetings, signatures, notification and
confirmation templates) with Django's template language, sandboxed: the context holds only
plain dicts of chosen fields (no model instances, so no related managers or methods), and
the engine has no template loaders (no include/extends of files)."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.template import Context, Engine, TemplateSyntaxError

from .roles import display_name

_engine = Engine(dirs=[], app_dirs=False, loaders=[], autoescape=False, string_if_invalid="", libraries={})

BLOCKED_TAGS = ("{% load", "{% include", "{% extends", "{% debug", "{% ssi", "{% templatetag")


class TemplateRenderError(Exception):
    """The template could not be rendered; the message says why, for the person who wrote it."""


def template_context(*, case=None, agent=None, contact=None, **extra: Any) -> dict[str, Any]:
    """The variables a user template may use: case, contact, site, agent, plus extras."""
    contact = contact or (case.contact if case is not None else None)
    site = (case.site if case is not None else None) or (contact.site if contact is not None else None)
    context: dict[str, Any] = {
        "case": {
            "number": case.number,
            "title": case.title,
            "status": case.get_status_display(),
            "priority": case.get_priority_display(),
            "queue": case.queue.name if case.queue_id else "",
            "url": f"{settings.CASEDESK_SITE_URL}/console/cases/{case.number}/",
            "portal_url": f"{settings.CASEDESK_SITE_URL}/portal/cases/{case.number}/",
            "subject": case.email_subject,
        }
        if case is not None
        else {},
        "contact": {
            "name": contact.name or contact.email,
            "first_name": contact.first_name,
            "email": contact.email,
        }
        if contact is not None
        else {},
        "site": {"name": site.name} if site is not None else {"name": ""},
        "agent": {
            "name": display_name(agent),
            "first_name": agent.first_name or agent.get_username(),
            "last_name": agent.last_name,
            "email": agent.email,
        }
        if agent is not None
        else {},
    }
    context.update(extra)
    return context


def render_user_template(source: str, context: dict[str, Any]) -> str:
    """Render user-written template text as plain text (no autoescaping)."""
    normalised = re.sub(r"\{%\s*", "{% ", source.lower())
    for tag in BLOCKED_TAGS:
        if tag in normalised:
            raise TemplateRenderError(f"The tag “{tag[3:]}” is not allowed in templates.")
    try:
        return _engine.from_string(source).render(Context(context, autoescape=False))
    except TemplateSyntaxError as exc:
        raise TemplateRenderError(f"Template error: {exc}") from exc
    except Exception as exc:  # a filter raising on odd input must not become a 500
        raise TemplateRenderError(f"Template could not be rendered: {exc}") from exc
