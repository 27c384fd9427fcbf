"""The clerk's decisions and actions. `store_inbound` is all a door does; `process_inbound`
decides (read-only `decide`, shared with clerk_parse) and acts in one transaction through
casedesk services; anything it cannot handle is quarantined with a reason. An agent's own
mail about a case is handled in mailclerk.agent_mail; admin actions on quarantined mail in
mailclerk.quarantine."""

from __future__ import annotations

import functools
import logging
import time
from dataclasses import dataclass, field
from datetime import timedelta
from email.parser import BytesHeaderParser
from email.policy import default as default_policy
from email.utils import parseaddr

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Now
from django.utils import timezone

from casedesk import services as core
from casedesk.htmlsafe import sanitize_email_html
from casedesk.mail_templates import CASE_CREATED, NOTE_ADDED, enqueue_templated_email
from casedesk.models import Activity, Case, Contact, OutboundEmail, Queue
from casedesk.roles import is_agent
from casedesk.templating import TemplateRenderError
from mailclerk import robots
from mailclerk import threading as clerk_threading
from mailclerk.agent_mail import AGENT_MAIL_REASONS, agent_mail_kind, log_agent_mail
from mailclerk.attachments import AttachmentLimits
from mailclerk.markers import active_markers
from mailclerk.models import ConfirmationSent, InboundMessage, Mailbox, content_hash, inbound_raw_path
from mailclerk.parsing import (
    ParsedMail,
    ParseError,
    addresses,
    all_headers,
    attachments_of,
    body_of,
    display_list,
    header,
    parse_message,
)

logger = logging.getLogger(__name__)

CREATE_CASE = InboundMessage.Action.CREATE_CASE
LOG_NOTE = InboundMessage.Action.LOG_NOTE
QUARANTINE = InboundMessage.Action.QUARANTINE
IGNORE = InboundMessage.Action.IGNORE


# --- doors: store raw first ------------------------------------------------------------


def _envelope_summary(raw: bytes) -> dict[str, str]:
    try:
        head = BytesHeaderParser(policy=default_policy).parsebytes(raw)
        ids = [v for v in header(head, "Message-ID").split() if v.startswith("<")]
        sender = addresses(all_headers(head, "From", decode=False))
        return {
            "message_id": (ids[0] if ids else "")[:998],
            "from_address": sender[0][1] if sender else "",
            "subject": header(head, "Subject")[:998],
        }
    except Exception:
        return {"message_id": "", "from_address": "", "subject": ""}


def store_inbound(
    raw: bytes,
    *,
    channel: str,
    mailbox: Mailbox | None = None,
    envelope_recipient: str = "",
    enqueue: bool = True,
) -> tuple[InboundMessage, bool]:
    """Save the message byte-exact, once. Returns (message, created). A new message is
    queued for processing after commit (unless enqueue=False). Raises only on storage or
    database failure, so the door can answer "try again later"."""
    digest = content_hash(raw)
    inbound = InboundMessage(
        sha256=digest,
        size=len(raw),
        channel=channel,
        mailbox=mailbox,
        envelope_recipient=envelope_recipient[:254],
        **_envelope_summary(raw),
    )
    # Row first (the unique hash makes a second delivery fail fast, before any file is
    # written), then the bytes, both inside one transaction: a failed write rolls the row back.
    inbound.raw.name = inbound_raw_path(inbound, "")
    try:
        with transaction.atomic():
            inbound.save()
            storage = inbound.raw.storage
            saved = storage.save(inbound.raw.name, ContentFile(raw))
            if saved != inbound.raw.name:
                inbound.raw.name = saved
                InboundMessage.objects.filter(pk=inbound.pk).update(raw=saved)
            if enqueue:
                from mailclerk.tasks import process_inbound_task

                pk = inbound.pk
                transaction.on_commit(lambda: process_inbound_task.delay(pk))
    except IntegrityError:
        existing = InboundMessage.objects.filter(sha256=digest).first()
        if existing is None:
            raise
        return existing, False
    return inbound, True


# --- deciding (read-only) ---------------------------------------------------------------


@dataclass
class Decision:
    action: str
    reason: str = ""
    case: Case | None = None
    case_number: int | None = None
    matched_by: str | None = None
    contact: Contact | None = None
    agent: object | None = None
    robot: robots.RobotVerdict = field(default_factory=lambda: robots.HUMAN)
    internal: bool = False
    reopen: bool = False
    outbound: OutboundEmail | None = None
    own: frozenset[str] = frozenset()
    agent_mail: str = ""  # FORWARDED or BCC: an agent's mail about a case, logged its own way


_QUEUE_ADDRESSES_TTL = 30.0
_queue_addresses: tuple[float, frozenset[str]] = (0.0, frozenset())


def _queue_inbound_addresses() -> frozenset[str]:
    """Queue inbound addresses, re-read at most every 30 s (they change rarely, and every
    message asks)."""
    global _queue_addresses
    now = time.monotonic()
    if now - _queue_addresses[0] > _QUEUE_ADDRESSES_TTL:
        rows = Queue.objects.exclude(inbound_address="").values_list("inbound_address", flat=True)
        _queue_addresses = (now, frozenset(a.lower() for a in rows))
    return _queue_addresses[1]


def forget_cached_addresses(**kwargs) -> None:
    global _queue_addresses
    _queue_addresses = (0.0, frozenset())


def our_addresses() -> frozenset[str]:
    own = {
        parseaddr(settings.CASEDESK_CLERK_EMAIL)[1].lower(),
        parseaddr(settings.CASEDESK_FROM_EMAIL)[1].lower(),
    }
    return frozenset(a for a in own | _queue_inbound_addresses() if a)


def is_clerk_address(address: str, own: frozenset[str] | None = None) -> bool:
    """The clerk address, a queue's inbound address, or a +tag variant of either."""
    address = address.strip().lower()
    local, _, domain = address.rpartition("@")
    base = f"{local.split('+', 1)[0]}@{domain}"
    own = own if own is not None else our_addresses()
    return address in own or base in own


def find_case(parsed: ParsedMail, *, lock: bool = False) -> tuple[Case | None, int | None, str | None]:
    """The case this mail is about, the number it named, and which rule matched. With
    `lock` the case row is locked for the caller's transaction (no second read to lock it)."""
    cases = Case.objects.select_related("contact", "site", "queue")
    if lock:
        cases = cases.select_for_update(of=("self",))
    number = clerk_threading.token_case_number(parsed)
    if number is not None:
        return cases.filter(number=number).first(), number, clerk_threading.REPLY_TOKEN
    ours = clerk_threading.our_message_ids(parsed, core.mail_domain())
    if ours:
        case = cases.filter(outbound_emails__message_id__in=ours).first()
        if case is not None:
            return case, case.number, clerk_threading.HEADERS
    if parsed.thread_ids:
        # Our own ids, or a customer's message already in a case history (e.g. reply-all).
        case = cases.filter(activities__message_id__in=parsed.thread_ids[:20]).first()
        if case is not None:
            return case, case.number, clerk_threading.HEADERS
    number = clerk_threading.subject_case_number(parsed.subject)
    if number is not None:
        return cases.filter(number=number).first(), number, clerk_threading.SUBJECT
    return None, None, None


def find_agent(address: str):
    if not address:
        return None
    for user in get_user_model().objects.filter(email__iexact=address, is_active=True):
        if is_agent(user):
            return user
    return None


def was_recipient_on_case(case: Case, address: str) -> bool:
    rows = Activity.objects.filter(case=case).filter(
        Q(email_to__icontains=address) | Q(email_cc__icontains=address) | Q(email_from__icontains=address)
    )
    for row in rows.values_list("email_from", "email_to", "email_cc"):
        if address in {a for _, a in addresses(list(row))}:
            return True
    for to, cc in OutboundEmail.objects.filter(case=case).values_list("to", "cc"):
        if address in {a for _, a in addresses([*(to or []), *(cc or [])])}:
            return True
    return False


def sender_may_log_on(case: Case, address: str, contact: Contact | None, agent) -> bool:
    if agent is not None:
        return True
    if contact is not None and contact.pk == case.contact_id:
        return True
    if contact is not None and contact.site_id and contact.site_id == case.site_id:
        return True
    return was_recipient_on_case(case, address)


def decide(
    raw: bytes,
    *,
    inbound: InboundMessage | None = None,
    trust_sender: bool = False,
    size_limit: int | None = None,
    lock_case: bool = False,
) -> tuple[Decision, ParsedMail | None]:
    """What the clerk would do with this message. Reads the database, writes nothing
    (`lock_case`: lock the matched case for the caller's transaction, which acts next)."""
    limit = size_limit if size_limit is not None else settings.CLERK_MAX_MESSAGE_BYTES
    if len(raw) > limit:
        return Decision(QUARANTINE, f"too large: {len(raw)} bytes (limit {limit})"), None
    try:
        parsed = parse_message(raw)
    except ParseError as exc:
        return Decision(QUARANTINE, f"unparseable: {exc}"), None
    own = our_addresses()
    verdict = robots.classify(parsed, our_addresses=own)
    if verdict.kind == robots.LOOP:
        return Decision(IGNORE, f"loop: {verdict.reason}", robot=verdict), parsed
    if verdict.kind == robots.BOUNCE:
        outbound = (
            OutboundEmail.objects.filter(message_id__in=robots.bounced_message_ids(parsed)[:50])
            .select_related("case")
            .first()
        )
        if outbound is not None:
            return Decision(
                IGNORE,
                f"bounce of our email {outbound.message_id}",
                case=outbound.case,
                case_number=outbound.case.number if outbound.case else None,
                robot=verdict,
                outbound=outbound,
            ), parsed
        return Decision(IGNORE, f"bounce: {verdict.reason}", robot=verdict), parsed
    if not parsed.from_address:
        return Decision(QUARANTINE, "no sender address", robot=verdict), parsed
    # Messages from this sender in the hour up to this one (a backlog processed later
    # counts by arrival time, not by processing time).
    if inbound is not None and inbound.pk and _prefetched(inbound, "recent_from_sender", parsed):
        recent = inbound.recent_from_sender
    elif inbound is not None and inbound.pk:
        earlier = InboundMessage.objects.filter(
            from_address=parsed.from_address,
            received_at__gte=inbound.received_at - timedelta(hours=1),
            pk__lte=inbound.pk,
        )
        recent = earlier.count()
    else:
        since = timezone.now() - timedelta(hours=1)
        recent = (
            InboundMessage.objects.filter(from_address=parsed.from_address, received_at__gte=since).count()
            + 1
        )
    if recent > settings.CLERK_MESSAGES_PER_SENDER_PER_HOUR:
        return Decision(
            QUARANTINE, f"loop limit: {recent} messages from {parsed.from_address} in an hour", robot=verdict
        ), parsed

    case, number, matched_by = find_case(parsed, lock=lock_case)
    if case is not None and case.contact.email == parsed.from_address:
        contact = case.contact  # the usual reply: no second lookup
    else:
        contact = Contact.objects.filter(email=parsed.from_address).select_related("site").first()
    # An address is a customer's or an agent's; a known contact is not looked up as an agent.
    agent = find_agent(parsed.from_address) if contact is None else None
    base = dict(
        case=case,
        case_number=number,
        matched_by=matched_by,
        contact=contact,
        agent=agent,
        robot=verdict,
        own=own,
    )
    if case is not None:
        proven = matched_by == clerk_threading.REPLY_TOKEN
        if not (proven or trust_sender or sender_may_log_on(case, parsed.from_address, contact, agent)):
            return Decision(QUARANTINE, "sender not on case", **base), parsed
        if verdict.is_robot:
            return Decision(
                LOG_NOTE, f"{verdict.reason}: logged as internal note", internal=True, **base
            ), parsed
        if agent is not None and (mode := agent_mail_kind(parsed, own)):
            return Decision(LOG_NOTE, AGENT_MAIL_REASONS[mode], agent_mail=mode, **base), parsed
        reopen = case.is_closed and settings.CLERK_CLOSED_CASE_ACTION == "reopen"
        reason = "reply to closed case" + (", reopened" if reopen else "") if case.is_closed else ""
        return Decision(LOG_NOTE, reason, reopen=reopen, **base), parsed
    if verdict.is_robot:
        return Decision(IGNORE, f"robot: {verdict.reason}", **base), parsed
    if (
        contact is None
        and agent is None
        and settings.CLERK_UNKNOWN_SENDERS == "quarantine"
        and not trust_sender
    ):
        return Decision(QUARANTINE, "unknown sender", **base), parsed
    reason = f"case {number} not found" if number is not None else ""
    return Decision(CREATE_CASE, reason, **base), parsed


# --- acting -----------------------------------------------------------------------------


def _db_text(value: str) -> str:
    """PostgreSQL text cannot hold NUL; mail bodies and names sometimes do."""
    return value.replace("\x00", "\ufffd") if "\x00" in value else value


def _details(parsed: ParsedMail) -> core.EmailDetails:
    sender = f"{parsed.from_name} <{parsed.from_address}>" if parsed.from_name else parsed.from_address
    return core.EmailDetails(
        from_=_db_text(sender[:500]),
        to=_db_text(display_list(parsed.to)),
        cc=_db_text(display_list(parsed.cc)),
        subject=_db_text(parsed.subject[:998]),
        date=parsed.date,
        message_id=_db_text(parsed.message_id),
    )


def attachment_limits() -> AttachmentLimits:
    return AttachmentLimits(
        max_bytes_each=settings.CLERK_MAX_ATTACHMENT_BYTES,
        max_bytes_total=settings.CLERK_MAX_ATTACHMENTS_BYTES,
        max_count=settings.CLERK_MAX_ATTACHMENTS,
    )


def _content(parsed: ParsedMail) -> tuple[str, str, list[core.NewAttachment]]:
    """The entry's text (the sender's new words, then the attachments not stored), the
    original HTML (sanitised at display time, when the attachment URLs are known) and the
    files. What the console needs besides goes to `parsed.content_meta`."""
    extraction = body_of(parsed, markers=active_markers())
    stored, skipped = attachments_of(parsed, attachment_limits())
    text = extraction.text
    if skipped:
        text = (text.rstrip() + "\n\n" if text.strip() else "") + "\n".join(
            f"[{part.describe()}]" for part in skipped
        )
    meta: dict = {"no_new_text": extraction.no_new_text}
    if extraction.full_text.strip() != extraction.text.strip():
        meta["full_text"] = _db_text(extraction.full_text)
    if skipped:
        meta["attachments_not_stored"] = [_db_text(part.describe()) for part in skipped]
    parsed.content_meta = meta
    files = [
        core.NewAttachment(
            filename=_db_text(p.filename)[:255],
            content=p.payload,
            content_type=_db_text(p.content_type)[:255],
            content_id=_db_text(p.content_id or "")[:255],
            is_inline=p.inline,
        )
        for p in stored
    ]
    return _db_text(text), _db_text(_stored_html(extraction.html or "", files)), files


def _stored_html(html: str, files: list[core.NewAttachment]) -> str:
    """The original HTML with the dangerous parts already gone, but with its `cid:` and
    remote image sources kept: the console sanitises again at display time, rewriting the
    first to attachment URLs and blocking the second until the agent asks."""
    if not html:
        return ""
    cids = {f.content_id: f"cid:{f.content_id}" for f in files if f.content_id}
    try:
        return sanitize_email_html(html, cid_urls=cids, load_remote_images=True)
    except Exception:
        logger.warning("HTML of an inbound mail could not be sanitised; not kept", exc_info=True)
        return ""


def _may_confirm(parsed: ParsedMail, decision: Decision, inbound: InboundMessage) -> bool:
    mailbox = inbound.mailbox
    if not settings.CLERK_SEND_CONFIRMATIONS or (mailbox is not None and not mailbox.send_confirmations):
        return False
    if decision.robot.is_robot or decision.internal or decision.agent is not None:
        return False
    address = parsed.from_address
    if not address or is_clerk_address(address, decision.own or None):
        return False
    if _prefetched(inbound, "confirmations_to_sender", parsed):
        sent = inbound.confirmations_to_sender
    else:
        since = timezone.now() - timedelta(hours=1)
        sent = ConfirmationSent.objects.filter(address=address, sent_at__gte=since).count()
    return sent < settings.CLERK_CONFIRMATIONS_PER_HOUR


def _confirm(key: str, case: Case, parsed: ParsedMail, contact: Contact | None) -> None:
    # Both refusals below happen before anything is written, so no savepoint is needed.
    try:
        enqueue_templated_email(
            key,
            case=case,
            to=[parsed.from_address],
            in_reply_to=parsed.message_id,
            references=" ".join([*parsed.references, parsed.message_id]).strip(),
            contact=contact,
        )
        ConfirmationSent.objects.create(address=parsed.from_address)
    except (TemplateRenderError, ValueError) as exc:
        logger.warning("confirmation for case %s not sent: %s", case.number, exc)


def _act(inbound: InboundMessage, decision: Decision, parsed: ParsedMail | None) -> None:
    inbound.action = decision.action
    inbound.reason = _db_text(decision.reason[:2000])
    inbound.matched_by = decision.matched_by or ""
    inbound.case = decision.case
    inbound.status = {
        QUARANTINE: InboundMessage.Status.QUARANTINED,
        IGNORE: InboundMessage.Status.IGNORED,
    }.get(decision.action, InboundMessage.Status.PROCESSED)
    if decision.outbound is not None:
        inbound.outbound_email = decision.outbound
        core.do_record_bounce(decision.outbound, reason=(parsed.subject if parsed else "") or "bounced")
    if decision.action in (CREATE_CASE, LOG_NOTE) and parsed is not None:
        text, html, files = _content(parsed)
        details = _details(parsed)
        confirm = _may_confirm(parsed, decision, inbound)
        contact = decision.contact
        if decision.action == CREATE_CASE:
            if contact is None:  # decide() looked it up and found none
                contact, _ = core.create_contact(parsed.from_address, name=_db_text(parsed.from_name))
            case = core.do_create_case(
                title=_db_text(parsed.subject) or "(no subject)",
                contact=contact,
                channel=Case.Channel.EMAIL,
                actor=contact,
                body=text,
                html=html,
                email=details,
                attachments=files,
                meta=parsed.content_meta,
                routing_context={
                    "sender": parsed.from_address,
                    "to_address": [*parsed.to, *parsed.cc, *parsed.envelope_to],
                    "subject": parsed.subject,
                    "body": text,
                },
            )
            inbound.case = case
            if confirm:
                _confirm(CASE_CREATED, case, parsed, contact)
        elif decision.agent_mail:
            inbound.activity = log_agent_mail(inbound, decision, parsed, text=text, html=html, files=files)
        else:
            case = decision.case
            actor = decision.agent
            if actor is None:
                actor = contact or core.get_or_create_contact(parsed.from_address, name=parsed.from_name)[0]
            if decision.reopen:
                case = core.do_reopen_case(
                    case, actor=actor, reason=f"Reopened by email from {parsed.from_address}"
                )
            # decide() locked the case row in this transaction (process_inbound).
            inbound.activity = core.do_log_note(
                case,
                body=text,
                html=html,
                actor=actor,
                is_public=not decision.internal,
                attachments=files,
                email=details,
                meta={"is_robot": decision.robot.is_robot, "inbound_id": inbound.pk, **parsed.content_meta},
                locked=True,
            )
            if confirm:
                _confirm(NOTE_ADDED, case, parsed, contact if isinstance(actor, Contact) else None)
    inbound.processed_at = timezone.now()
    inbound.save()


@functools.cache
def _sender_counts() -> dict:
    """Read with the message itself (one query instead of three): messages from its sender
    in the hour up to it (the loop limit) and confirmations sent to its sender in the last
    hour by the database clock (the confirmation limit). Counted for the From address
    stored at arrival; decide() counts again in the rare case the parsed sender differs.
    Built once: the expressions are resolved afresh for every query."""
    earlier = (
        InboundMessage.objects.filter(
            from_address=OuterRef("from_address"),
            received_at__gte=OuterRef("received_at") - timedelta(hours=1),
            pk__lte=OuterRef("pk"),
        )
        .order_by()
        .values("from_address")
        .annotate(n=Count("pk"))
        .values("n")
    )
    confirmations = (
        ConfirmationSent.objects.filter(
            address=OuterRef("from_address"), sent_at__gte=Now() - timedelta(hours=1)
        )
        .order_by()
        .values("address")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return {
        "recent_from_sender": Coalesce(Subquery(earlier), 0),
        "confirmations_to_sender": Coalesce(Subquery(confirmations), 0),
        "counted_sender": F("from_address"),
    }


def _prefetched(inbound: InboundMessage, name: str, parsed: ParsedMail) -> bool:
    return hasattr(inbound, name) and getattr(inbound, "counted_sender", None) == parsed.from_address


def process_inbound(pk: int, *, trust_sender: bool = False) -> InboundMessage:
    """Decide and act on a stored message, once. Bad input and unexpected errors are
    quarantined; database outages raise so the task is retried."""
    try:
        with transaction.atomic():
            inbound = (
                InboundMessage.objects.select_for_update(of=("self",))
                .select_related("mailbox")
                .annotate(**_sender_counts())
                .get(pk=pk)
            )
            if inbound.status != InboundMessage.Status.RECEIVED:
                return inbound
            decision, parsed = decide(
                inbound.read_raw(), inbound=inbound, trust_sender=trust_sender, lock_case=True
            )
            _act(inbound, decision, parsed)
            if decision.action == QUARANTINE:
                logger.info("inbound %s quarantined: %s", pk, decision.reason)
            return inbound
    except (OperationalError, InterfaceError):
        raise
    except Exception as exc:
        logger.exception("inbound %s could not be processed", pk)
        return quarantine(pk, f"processing error: {type(exc).__name__}: {exc}")


def quarantine(pk: int, reason: str) -> InboundMessage:
    with transaction.atomic():
        inbound = InboundMessage.objects.select_for_update().get(pk=pk)
        inbound.status = InboundMessage.Status.QUARANTINED
        inbound.action = QUARANTINE
        inbound.reason = _db_text(reason[:2000])
        inbound.processed_at = timezone.now()
        inbound.save(update_fields=["status", "action", "reason", "processed_at"])
    return inbound
