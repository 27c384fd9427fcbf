"""Reads that need care: the console's case lists (filter, search, sort, paginate with a
constant number of queries and no COUNT over the whole table), my work, queue counts, the
case page timeline, and the public history used in the mailto link."""

from __future__ import annotations

import html as html_lib
import re
from dataclasses import dataclass, field
from urllib.parse import quote

import nh3
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils.safestring import mark_safe

from .htmlsafe import has_remote_images, sanitize_email_html
from .models import Activity, Attachment, Case, Contact, OutboundEmail, Queue

PAGE_SIZE = 25
ACTIVE = "active"  # pseudo status: every status but closed

SORTS: dict[str, tuple[str, ...]] = {
    "-updated": ("-updated_at", "-id"),
    "updated": ("updated_at", "id"),
    "-number": ("-number",),
    "number": ("number",),
    "-priority": ("-priority", "-number"),
    "priority": ("priority", "-number"),
}
DEFAULT_SORT = "-updated"

_CASE_NUMBER = re.compile(r"^\s*(?:case\s*)?#?\s*(\d{1,18})\s*$", re.IGNORECASE)


def case_number_in(query: str) -> int | None:
    """`1234`, `#1234`, `case 1234` and `Case1234` name a case number; anything else doesn't."""
    match = _CASE_NUMBER.match(query or "")
    return int(match.group(1)) if match else None


@dataclass(frozen=True)
class CaseFilter:
    """What the case list shows. Empty values mean "any"."""

    q: str = ""
    queue: Queue | None = None
    status: str = ""
    owner: AbstractBaseUser | None = None
    unowned: bool = False
    priority: int | None = None
    contact_id: int | None = None
    site_id: int | None = None
    sort: str = DEFAULT_SORT


MAX_CONTACT_MATCHES = 1000


def _contacts_matching(text: str) -> Q:
    """Cases whose contact's email contains the text. The contact ids are looked up first
    so the case query can combine two index scans instead of joining every case."""
    ids = list(
        Contact.objects.filter(email__icontains=text.lower()).values_list("pk", flat=True)[
            : MAX_CONTACT_MATCHES + 1
        ]
    )
    if len(ids) > MAX_CONTACT_MATCHES:
        return Q(contact__email__icontains=text.lower())
    return Q(contact_id__in=ids)


def search_cases(cases: QuerySet[Case], query: str) -> QuerySet[Case]:
    """Every word in the title, or the text inside the contact's email address."""
    query = " ".join(query.split())
    if not query:
        return cases
    by_email = _contacts_matching(query)
    if "@" in query:
        return cases.filter(by_email)
    words = Q()
    for word in query.split()[:8]:
        words &= Q(title__icontains=word)
    number = case_number_in(query)
    if number is not None:
        words |= Q(number=number)
    return cases.filter(words | by_email)


def filtered_cases(flt: CaseFilter) -> QuerySet[Case]:
    cases = Case.objects.select_related("contact", "site", "queue", "owner")
    if flt.queue is not None:
        cases = cases.filter(queue=flt.queue)
    if flt.status == ACTIVE:
        cases = cases.exclude(status=Case.Status.CLOSED)
    elif flt.status:
        cases = cases.filter(status=flt.status)
    if flt.unowned:
        cases = cases.filter(owner__isnull=True)
    elif flt.owner is not None:
        cases = cases.filter(owner=flt.owner)
    if flt.priority:
        cases = cases.filter(priority=flt.priority)
    if flt.contact_id:
        cases = cases.filter(contact_id=flt.contact_id)
    if flt.site_id:
        cases = cases.filter(site_id=flt.site_id)
    cases = search_cases(cases, flt.q)
    return cases.order_by(*SORTS.get(flt.sort, SORTS[DEFAULT_SORT]))


@dataclass
class Page:
    """One page of a list, without counting the whole result: we fetch one row more than
    we show to know whether a next page exists."""

    items: list
    number: int
    has_next: bool
    per_page: int = PAGE_SIZE
    has_previous: bool = field(init=False)

    def __post_init__(self) -> None:
        self.has_previous = self.number > 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def start_index(self) -> int:
        return (self.number - 1) * self.per_page + 1 if self.items else 0

    @property
    def end_index(self) -> int:
        return self.start_index + len(self.items) - 1 if self.items else 0


def sort_links(current: str) -> dict[str, str]:
    """For each sortable column, the sort its header link selects: descending first, and
    ascending when the column is already sorted descending."""
    return {col: (col if current == f"-{col}" else f"-{col}") for col in ("number", "priority", "updated")}


def page_of(items: QuerySet, page: int | str | None, per_page: int = PAGE_SIZE) -> Page:
    try:
        number = max(1, min(int(page or 1), 10_000))
    except (TypeError, ValueError):
        number = 1
    offset = (number - 1) * per_page
    rows = list(items[offset : offset + per_page + 1])
    return Page(items=rows[:per_page], number=number, has_next=len(rows) > per_page, per_page=per_page)


def find_case_number(query: str) -> int | None:
    """The number of an existing case named by the search text (for jumping to it)."""
    number = case_number_in(query)
    if number is not None and Case.objects.filter(number=number).exists():
        return number
    return None


def find_contacts(text: str, limit: int = 20) -> list[Contact]:
    """Contacts whose email or name contains the text (for the new-case form)."""
    text = text.strip()
    return list(
        Contact.objects.filter(Q(email__icontains=text.lower()) | Q(name__icontains=text))
        .select_related("site")
        .order_by("name", "email")[:limit]
    )


# --- my work ----------------------------------------------------------------------------


MY_WORK_ROWS = 25


def my_open_cases(user: AbstractBaseUser, limit: int = MY_WORK_ROWS + 1) -> list[Case]:
    """The user's cases that are not closed, most recently updated first. The default
    limit is one more than My work shows, to know whether to offer "show all"."""
    return list(
        Case.objects.filter(owner=user)
        .exclude(status=Case.Status.CLOSED)
        .select_related("contact", "site", "queue", "owner")
        .order_by("-updated_at", "-id")[:limit]
    )


def waiting_in_my_queues(user: AbstractBaseUser, limit: int = MY_WORK_ROWS + 1) -> list[Case]:
    """Unowned, not closed cases in the queues the user is a member of."""
    queue_ids = Queue.objects.filter(members=user).values("pk")
    return list(
        Case.objects.filter(queue__in=queue_ids, owner__isnull=True)
        .exclude(status=Case.Status.CLOSED)
        .select_related("contact", "site", "queue", "owner")
        .order_by("-updated_at", "-id")[:limit]
    )


def queue_counts(user: AbstractBaseUser | None = None) -> list[Queue]:
    """Every queue with `active` (not closed) and `waiting` (not closed, unowned) counts;
    `is_mine` marks the user's queues. Three small queries; the counts read only the
    partial index of cases that are not closed."""
    counts = {
        row["queue_id"]: row
        for row in Case.objects.exclude(status=Case.Status.CLOSED)
        .filter(queue__isnull=False)
        .values("queue_id")
        .annotate(active=Count("pk"), waiting=Count("pk", filter=Q(owner__isnull=True)))
        .order_by()
    }
    mine = set(Queue.objects.filter(members=user).values_list("pk", flat=True)) if user else set()
    queues = list(Queue.objects.order_by("name"))
    for queue in queues:
        row = counts.get(queue.pk, {})
        queue.active, queue.waiting = row.get("active", 0), row.get("waiting", 0)
        queue.is_mine = queue.pk in mine
    return queues


# --- the case page ----------------------------------------------------------------------


def case_by_number(number: int) -> Case | None:
    return (
        Case.objects.select_related("contact", "contact__site", "site", "queue", "owner")
        .filter(number=number)
        .first()
    )


def case_timeline(case: Case, *, load_images_for: int | None = None) -> list[Activity]:
    """The history, oldest first, with actors, attachments and outbound mail loaded in a
    fixed number of queries. Entries with HTML get `display_html` (sanitised; remote images
    only for the entry `load_images_for`), see `prepare_email_display`."""
    activities = list(
        Activity.objects.filter(case=case)
        .select_related("actor_user", "actor_contact")
        .prefetch_related(
            Prefetch("attachments", queryset=Attachment.objects.order_by("id")),
            Prefetch("outbound_emails", queryset=OutboundEmail.objects.order_by("created_at", "id")),
        )
        .order_by("created_at", "id")
    )
    for activity in activities:
        prepare_email_display(activity, case, load_images=activity.pk == load_images_for)
    return activities


def inline_image_urls(activity: Activity, case: Case) -> dict[str, str]:
    """Content-ID → console URL of the activity's attachment (shown inline if an image)."""
    return {
        attachment.content_id: reverse(
            "console:attachment", kwargs={"number": case.number, "attachment_id": attachment.pk}
        )
        + "?inline=1"
        for attachment in activity.attachments.all()
        if attachment.content_id
    }


def prepare_email_display(activity: Activity, case: Case, *, load_images: bool = False) -> None:
    """What the case page shows of an entry: `display_html` (the complete sanitised
    original, `cid:` images pointing at our attachment URLs, remote images blocked unless
    `load_images`), `full_text` (the whole mail as text, when the clerk cut quotes),
    `no_new_text` (the mail only quoted earlier ones) and `has_remote_images`."""
    meta = activity.meta or {}
    activity.full_text = meta.get("full_text", "") if isinstance(meta, dict) else ""
    activity.no_new_text = bool(isinstance(meta, dict) and meta.get("no_new_text"))
    activity.has_remote_images = False
    activity.images_loaded = False
    activity.display_html = ""
    if activity.html:
        activity.display_html = mark_safe(  # noqa: S308 - nh3 output
            sanitize_email_html(
                activity.html,
                cid_urls=inline_image_urls(activity, case),
                load_remote_images=load_images,
            )
        )
        activity.has_remote_images = has_remote_images(activity.html)
        activity.images_loaded = load_images and activity.has_remote_images
    # The history shows the extracted text; the original goes behind "show full message".
    activity.has_full_message = bool(activity.display_html or activity.full_text) and bool(
        activity.body.strip() or activity.no_new_text
    )


# --- "send from my mail client" ---------------------------------------------------------

MAILTO_MAX_LENGTH = 2000
TRUNCATION_NOTE = "\r\n[… earlier history truncated; the full case is in Casedesk]"


def html_to_text(value: str) -> str:
    text = nh3.clean(re.sub(r"(?i)<br\s*/?>|</p>|</div>|</li>|</tr>", "\n", value), tags=set())
    return re.sub(r"\n{3,}", "\n\n", html_lib.unescape(text)).strip()


def public_history_text(case: Case, timeline: list[Activity] | None = None) -> str:
    """Public entries, newest first, as plain text with CRLF line ends (as mailto wants).
    Pass the already loaded `timeline` (oldest first) to save a query."""
    if timeline is None:
        timeline = list(
            Activity.objects.filter(case=case, is_public=True)
            .select_related("actor_user", "actor_contact")
            .order_by("created_at", "id")
        )
    entries = [activity for activity in reversed(timeline) if activity.is_public]
    blocks = []
    for activity in entries:
        text = activity.body.strip() or (html_to_text(activity.html) if activity.html else "")
        when = activity.created_at.strftime("%Y-%m-%d %H:%M %Z").strip()
        head = f"{activity.get_kind_display()} · {activity.actor_display} · {when}"
        blocks.append(head + ("\n" + text if text else ""))
    return "\r\n\r\n".join("\r\n".join(block.splitlines()) for block in blocks)


def _mailto(to: str, params: list[tuple[str, str]]) -> str:
    query = "&".join(f"{name}={quote(value, safe='')}" for name, value in params)
    return f"mailto:{quote(to, safe='@')}?{query}"


def mailto_link(
    case: Case, *, timeline: list[Activity] | None = None, max_length: int = MAILTO_MAX_LENGTH
) -> str:
    """A mailto: URL to write to the contact from one's own mail client with the clerk in
    BCC (so the reply lands in the history), shortened to `max_length` characters by
    cutting the oldest history and saying so."""
    head = [("bcc", settings.CASEDESK_CLERK_EMAIL), ("subject", case.email_subject)]
    intro = "\r\n---- Original Message ----\r\n"
    history = public_history_text(case, timeline)
    full = _mailto(case.contact.email, [*head, ("body", intro + history)])
    if len(full) <= max_length:
        return full
    # Longest prefix of the history that fits together with the note (length is monotonic).
    low, high = 0, len(history)
    while low < high:
        mid = (low + high + 1) // 2
        url = _mailto(case.contact.email, [*head, ("body", intro + history[:mid] + TRUNCATION_NOTE)])
        if len(url) <= max_length:
            low = mid
        else:
            high = mid - 1
    cut = history[:low]
    if "\r\n" in cut:  # end at a line break, not mid-word
        cut = cut[: cut.rindex("\r\n")]
    return _mailto(case.contact.email, [*head, ("body", intro + cut.rstrip() + TRUNCATION_NOTE)])
