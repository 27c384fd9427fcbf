"""Automatic mail built from admin-editable MailTemplates (defaults below are what a new
install starts with, seeded by a migration)."""

from __future__ import annotations

from collections.abc import Sequence

from .cached import Lookup
from .models import Case, MailTemplate, OutboundEmail
from .templating import render_user_template, template_context

CASE_CREATED = "case-created-confirmation"
NOTE_ADDED = "note-added-confirmation"
CUSTOMER_UPDATE = "customer-update"
CUSTOMER_CLOSED = "customer-case-closed"

DEFAULTS: dict[str, dict[str, str]] = {
    CASE_CREATED: {
        "description": "Sent to the customer when a case is created from their email or portal request.",
        "subject": "Case {{ case.number }} created: {{ case.title }}",
        "body": (
            "Hello {{ contact.first_name }},\n\n"
            "Thank you for contacting us. We have opened Case {{ case.number }} for your request:\n\n"
            "    {{ case.title }}\n\n"
            "To add information, reply to this email and keep “About Case {{ case.number }}” in the subject,"
            " or follow the case at {{ case.portal_url }}\n\n"
            "{{ site_name }}\n"
        ),
    },
    NOTE_ADDED: {
        "description": "Sent to the customer when their email was added to an existing case.",
        "subject": "Your notes were added to Case {{ case.number }}",
        "body": (
            "Hello {{ contact.first_name }},\n\n"
            "Your notes were added to Case {{ case.number }} ({{ case.title }}).\n"
            "Follow the case at {{ case.portal_url }}\n\n{{ site_name }}\n"
        ),
    },
    CUSTOMER_UPDATE: {
        "description": "Sent to the customer when an agent adds a public note to their case.",
        "subject": "Update on Case {{ case.number }}: {{ case.title }}",
        "body": (
            "Hello {{ contact.first_name }},\n\n{{ agent.name }} added a note to Case {{ case.number }}:\n\n"
            "{{ note }}\n\nSee the whole case at {{ case.portal_url }}\n\n{{ site_name }}\n"
        ),
    },
    CUSTOMER_CLOSED: {
        "description": "Sent to the customer when an agent closes their case.",
        "subject": "Case {{ case.number }} closed: {{ case.title }}",
        "body": (
            "Hello {{ contact.first_name }},\n\nCase {{ case.number }} has been closed.\n\n{{ note }}\n\n"
            "If the problem is not solved, reopen it at {{ case.portal_url }}\n\n{{ site_name }}\n"
        ),
    },
}


# Every confirmation renders one of these; the admin edits them rarely (see casedesk.cached).
saved_templates: Lookup[dict[str, MailTemplate]] = Lookup(
    lambda: {template.key: template for template in MailTemplate.objects.all()}
)


def get_template(key: str) -> MailTemplate:
    template = saved_templates.get().get(key)
    return template or MailTemplate(key=key, **DEFAULTS[key])


def enqueue_templated_email(
    key: str,
    *,
    case: Case,
    to: Sequence[str],
    kind: str = OutboundEmail.Kind.CONFIRMATION,
    agent=None,
    in_reply_to: str = "",
    references: str = "",
    **extra,
) -> OutboundEmail:
    """Render the MailTemplate `key` for the case and queue it (Auto-Submitted is set for
    every non-agent kind). Raises TemplateRenderError if the admin's template is broken."""
    from django.conf import settings

    from .services import enqueue_email

    template = get_template(key)
    context = template_context(case=case, agent=agent, site_name=_site_name(settings), **extra)
    subject = " ".join(render_user_template(template.subject, context).split())
    if f"about case {case.number}" not in subject.lower():
        # Replies thread back by this phrase even when the mail client drops our headers.
        subject = f"{subject} [About Case {case.number}]"
    return enqueue_email(
        to=to,
        subject=subject,
        text=render_user_template(template.body, context),
        kind=kind,
        case=case,
        reply_to=[settings.CASEDESK_CLERK_EMAIL],
        in_reply_to=in_reply_to,
        references=references,
    )


def _site_name(settings) -> str:
    from email.utils import parseaddr

    return parseaddr(settings.CASEDESK_FROM_EMAIL)[0] or "The support team"
