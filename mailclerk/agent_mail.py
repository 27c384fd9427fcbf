"""An agent's own mail reaching the clerk about a case: a forward of a customer's message
(logged for the original sender, the agent's words as an internal note) or the agent's
mail with the clerk in Bcc (logged as email out). No confirmation either way."""

from __future__ import annotations

import logging
import re
from datetime import datetime

from django.utils import timezone

from casedesk import services as core
from casedesk.models import Activity

# mailclerk.services imports this module, so its names are looked up at call time.
from mailclerk import services
from mailclerk.forwarded import parse_forwarded
from mailclerk.markers import active_markers
from mailclerk.models import InboundMessage
from mailclerk.parsing import ParsedMail
from mailclerk.quotes import strip_quoted_text

logger = logging.getLogger(__name__)


FORWARDED = "forwarded"
BCC = "bcc"
AGENT_MAIL_REASONS = {
    FORWARDED: "forwarded by an agent: logged for the original sender",
    BCC: "agent's mail with the clerk in Bcc: logged as email out",
}
_FORWARD_SUBJECT = re.compile(
    r"^\s*(?:(?:re|aw|sv|antw|réf)\s*:\s*)*(?:fwd?|fw|wg|tr|rv|enc|vs|vb|i|doorst|továbbítás)\s*:",
    re.IGNORECASE,
)


def agent_mail_kind(parsed: ParsedMail, own: frozenset[str]) -> str:
    """BCC when the clerk is not among the visible recipients (the agent wrote to someone
    else and blind-copied the clerk); FORWARDED when the agent forwarded a mail to the clerk."""
    visible = [*parsed.to, *parsed.cc]
    if visible and not any(services.is_clerk_address(a, own) for a in visible):
        return BCC
    if _FORWARD_SUBJECT.match(parsed.subject):
        return FORWARDED
    return ""


def _aware(value: datetime | None) -> datetime | None:
    """Forward headers often print a local time without a zone: read it in ours."""
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


def log_agent_mail(
    inbound: InboundMessage,
    decision: services.Decision,
    parsed: ParsedMail,
    *,
    text: str,
    html: str,
    files: list[core.NewAttachment],
) -> Activity:
    agent, case = decision.agent, decision.case
    meta = {"inbound_id": inbound.pk, "via": decision.agent_mail, **parsed.content_meta}
    if decision.agent_mail == BCC:
        return core.do_log_note(
            case,
            body=text,
            html=html,
            actor=agent,
            kind=Activity.Kind.EMAIL_OUT,
            attachments=files,
            email=services._details(parsed),
            meta=meta,
        )
    full_text = parsed.content_meta.get("full_text") or text
    forwarded = parse_forwarded(full_text)
    if forwarded is None or not forwarded.sender_email:
        # No forwarded block to attribute: the agent's own note, as any agent mail.
        return core.do_log_note(
            case,
            body=text,
            html=html,
            actor=agent,
            attachments=files,
            email=services._details(parsed),
            meta=meta,
        )
    sender = forwarded.sender_email.lower()
    original = (
        services.find_agent(sender)
        or core.get_or_create_contact(sender, name=services._db_text(forwarded.sender_name))[0]
    )
    new_text, _, _ = strip_quoted_text(forwarded.text, markers=active_markers())
    meta = {
        "inbound_id": inbound.pk,
        "via": FORWARDED,
        "forwarded_by": agent.pk,
        "no_new_text": not new_text.strip(),
    }
    if new_text.strip() != forwarded.text.strip():
        meta["full_text"] = services._db_text(forwarded.text)
    if parsed.content_meta.get("attachments_not_stored"):
        meta["attachments_not_stored"] = parsed.content_meta["attachments_not_stored"]
        new_text = new_text.rstrip() + "\n\n" + "\n".join(f"[{d}]" for d in meta["attachments_not_stored"])
    shown_from = f"{forwarded.sender_name} <{sender}>" if forwarded.sender_name else sender
    note = core.do_log_note(
        case,
        body=services._db_text(new_text.strip("\n")),
        actor=original,
        attachments=files,
        email=core.EmailDetails(
            from_=services._db_text(shown_from)[:500],
            subject=services._db_text(forwarded.subject)[:998],
            date=_aware(forwarded.date),
        ),
        meta=meta,
    )
    added, _, _ = strip_quoted_text(forwarded.forwarder_text, markers=active_markers())
    if added.strip():
        core.do_log_note(
            case,
            body=services._db_text(added.strip("\n")),
            actor=agent,
            is_public=False,
            meta={"inbound_id": inbound.pk, "via": FORWARDED, "forward_of": note.pk},
        )
    return note
