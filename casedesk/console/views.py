"""The agent console: thin views (access check, form, one service call, redirect)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .. import selectors, services
from ..downloads import attachment_response
from ..models import Attachment, Case, Contact, Profile, Queue, Site
from ..roles import display_name
from ..services import CaseActionError
from . import forms
from .access import agent_required


def get_case_or_404(number: int) -> Case:
    case = selectors.case_by_number(number)
    if case is None:
        raise Http404(f"No case {number}.")
    return case


# --- lists ------------------------------------------------------------------------------


@agent_required
@require_GET
def my_work(request: HttpRequest) -> HttpResponse:
    rows = selectors.MY_WORK_ROWS
    mine = selectors.my_open_cases(request.user)
    waiting = selectors.waiting_in_my_queues(request.user)
    return render(
        request,
        "console/my_work.html",
        {
            "mine": mine[:rows],
            "more_mine": len(mine) > rows,
            "waiting": waiting[:rows],
            "more_waiting": len(waiting) > rows,
            "queues": selectors.queue_counts(request.user),
        },
    )


@agent_required
@require_GET
def case_list(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    queue = get_object_or_404(Queue, slug=slug) if slug else None
    form = forms.CaseFilterForm(request.GET or None, user=request.user)
    if queue is not None:
        del form.fields["queue"]
    query = request.GET.get("q", "")
    if query and request.GET.get("page", "1") == "1":
        number = selectors.find_case_number(query)
        if number is not None:
            return redirect("console:case", number=number)
    case_filter = form.case_filter(queue=queue, default_status=selectors.ACTIVE if queue else "")
    page = selectors.page_of(selectors.filtered_cases(case_filter), request.GET.get("page"))
    contact = Contact.objects.filter(pk=case_filter.contact_id).first() if case_filter.contact_id else None
    site = Site.objects.filter(pk=case_filter.site_id).first() if case_filter.site_id else None
    return render(
        request,
        "console/case_list.html",
        {
            "queue": queue,
            "form": form,
            "page": page,
            "filter": case_filter,
            "contact": contact,
            "site": site,
            "sort_links": selectors.sort_links(case_filter.sort),
        },
    )


# --- the case page ----------------------------------------------------------------------


def render_case_page(request: HttpRequest, case: Case, *, status: int = 200, **bound) -> HttpResponse:
    """The case page; `bound` replaces a blank form with the one that failed, so what the
    agent typed is shown again with its errors."""
    images = request.GET.get("images", "")
    timeline = selectors.case_timeline(
        case, load_images_for=int(images) if images.isascii() and images.isdigit() else None
    )
    context = {
        "case": case,
        "timeline": timeline,
        "mailto": selectors.mailto_link(case, timeline=timeline),
        "note_form": forms.NoteForm(),
        "assign_form": forms.AssignForm(initial={"owner": case.owner_id}),
        "dispatch_form": forms.DispatchForm(initial={"queue": case.queue_id}),
        "status_form": forms.StatusForm(initial={"status": case.status}),
        "priority_form": forms.PriorityForm(initial={"priority": case.priority}),
        "close_form": forms.CloseForm(),
        "reopen_form": forms.ReopenForm(),
        **bound,
    }
    return render(request, "console/case.html", context, status=status)


@agent_required
@require_GET
def case_detail(request: HttpRequest, number: int) -> HttpResponse:
    return render_case_page(request, get_case_or_404(number))


def _case_action(
    request: HttpRequest,
    number: int,
    form_class: type | None,
    form_name: str,
    act: Callable[[Case, dict], str],
) -> HttpResponse:
    """Validate the form, run one service call, redirect to the case; on bad input or an
    illegal transition show the case page again with the message and nothing changed."""
    case = get_case_or_404(number)
    form = form_class(request.POST, request.FILES) if form_class else None
    if form is not None and not form.is_valid():
        messages.error(request, "Nothing was changed: please correct the form.")
        return render_case_page(request, case, status=400, **{form_name: form})
    try:
        done = act(case, form.cleaned_data if form is not None else {})
    except CaseActionError as exc:
        messages.error(request, str(exc))
        bound = {form_name: form} if form is not None else {}
        return render_case_page(request, get_case_or_404(number), status=409, **bound)
    messages.success(request, done)
    return redirect("console:case", number=case.number)


@agent_required
@require_POST
def log_note(request: HttpRequest, number: int) -> HttpResponse:
    def act(case: Case, data: dict) -> str:
        public = data["visibility"] == "public"
        services.do_log_note(
            case,
            body=data["body"],
            actor=request.user,
            is_public=public,
            attachments=forms.new_attachments(data["attachments"]),
        )
        return "Public note logged." if public else "Internal note logged."

    return _case_action(request, number, forms.NoteForm, "note_form", act)


@agent_required
@require_POST
def accept(request: HttpRequest, number: int) -> HttpResponse:
    def act(case: Case, data: dict) -> str:
        services.do_accept_case(case, actor=request.user)
        return f"You accepted {case.label}."

    return _case_action(request, number, None, "", act)


@agent_required
@require_POST
def assign(request: HttpRequest, number: int) -> HttpResponse:
    def act(case: Case, data: dict) -> str:
        services.do_assign_case(case, owner=data["owner"], actor=request.user)
        return f"{case.label} assigned to {display_name(data['owner'])}."

    return _case_action(request, number, forms.AssignForm, "assign_form", act)


@agent_required
@require_POST
def dispatch(request: HttpRequest, number: int) -> HttpResponse:
    def act(case: Case, data: dict) -> str:
        services.do_dispatch_case(case, queue=data["queue"], actor=request.user)
        return f"{case.label} dispatched to {data['queue'].name}."

    return _case_action(request, number, forms.DispatchForm, "dispatch_form", act)


@agent_required
@require_POST
def change_status(request: HttpRequest, number: int) -> HttpResponse:
    def act(case: Case, data: dict) -> str:
        services.do_change_status(case, status=data["status"], actor=request.user)
        return f"Status set to {Case.Status(data['status']).label}."

    return _case_action(request, number, forms.StatusForm, "status_form", act)


@agent_required
@require_POST
def change_priority(request: HttpRequest, number: int) -> HttpResponse:
    def act(case: Case, data: dict) -> str:
        services.do_change_priority(case, priority=data["priority"], actor=request.user)
        return f"Priority set to {Case.Priority(data['priority']).label}."

    return _case_action(request, number, forms.PriorityForm, "priority_form", act)


@agent_required
@require_POST
def close(request: HttpRequest, number: int) -> HttpResponse:
    def act(case: Case, data: dict) -> str:
        services.do_close_case(case, actor=request.user, resolution=data["resolution"])
        return f"{case.label} closed."

    return _case_action(request, number, forms.CloseForm, "close_form", act)


@agent_required
@require_POST
def reopen(request: HttpRequest, number: int) -> HttpResponse:
    def act(case: Case, data: dict) -> str:
        services.do_reopen_case(case, actor=request.user, reason=data["reason"])
        return f"{case.label} reopened."

    return _case_action(request, number, forms.ReopenForm, "reopen_form", act)


@agent_required
@require_GET
def attachment(request: HttpRequest, number: int, attachment_id: int) -> HttpResponse:
    # Agents may see every case; the number in the URL must match the attachment's case.
    found = get_object_or_404(Attachment, pk=attachment_id, case__number=number)
    return attachment_response(found, inline_images=request.GET.get("inline") == "1")


# --- new case, preferences --------------------------------------------------------------


@agent_required
@require_http_methods(["GET", "POST"])
def new_case(request: HttpRequest) -> HttpResponse:
    lookup = forms.ContactLookupForm(request.GET or None)
    found: list[Contact] = []
    if lookup.is_valid() and lookup.cleaned_data["find"].strip():
        found = selectors.find_contacts(lookup.cleaned_data["find"])
    if request.method == "POST":
        form = forms.NewCaseForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            case, created = services.do_open_case_for_email(
                email=data["contact_email"],
                name=data["contact_name"],
                title=data["title"],
                actor=request.user,
                body=data["body"],
                priority=data["priority"],
                queue=data["queue"],
                attachments=forms.new_attachments(data["attachments"]),
            )
            note = " (new contact created)" if created else ""
            messages.success(request, f"{case.label} opened for {case.contact.email}{note}.")
            return redirect("console:case", number=case.number)
    else:
        contact_id = request.GET.get("contact", "")
        chosen = Contact.objects.filter(pk=contact_id).first() if contact_id.isdigit() else None
        initial = {"contact_email": chosen.email, "contact_name": chosen.name} if chosen else {}
        form = forms.NewCaseForm(initial=initial)
    return render(
        request,
        "console/new_case.html",
        {"form": form, "lookup": lookup, "found": found},
        status=400 if request.method == "POST" else 200,
    )


@agent_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    profile = Profile.for_user(request.user)
    form = forms.PreferencesForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Preferences saved.")
        return redirect("console:preferences")
    status = 400 if request.method == "POST" else 200
    return render(request, "console/preferences.html", {"form": form}, status=status)
