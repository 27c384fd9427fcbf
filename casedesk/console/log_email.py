"""Console views for outgoing mail: the Log Email form, Retry of a failed email, and the
live preview of an agent's greeting/body/signature on the preferences page."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_POST

from ..models import Case, OutboundEmail
from ..outbound import (
    FROM_MODES,
    do_log_email,
    do_retry_email,
    from_address_for,
    from_mode_for,
    prefill,
    render_body,
)
from ..services import CaseActionError
from ..templating import TemplateRenderError
from .access import agent_required
from .log_email_forms import LogEmailForm, PreviewForm


def case_page_url(case: Case) -> str:
    """The case page (built by the case-page feature); the Log Email page until it exists."""
    for name in ("console:case_detail", "console:case"):
        try:
            return reverse(name, args=[case.number])
        except NoReverseMatch:
            continue
    return reverse("console:log_email", args=[case.number])


def _get_case(number: int) -> Case:
    return get_object_or_404(Case.objects.select_related("contact", "site", "queue", "owner"), number=number)


@agent_required
def log_email(request: HttpRequest, number: int) -> HttpResponse:
    case = _get_case(number)
    filled = prefill(case, request.user)
    if request.method == "POST":
        form = LogEmailForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                do_log_email(
                    case,
                    agent=request.user,
                    to=data["to"],
                    cc=data["cc"],
                    bcc=data["bcc"],
                    subject=data["subject"],
                    body=data["body"],
                    attachments=form.new_attachments(),
                    include_previous=data["include_previous"],
                    send_html=data["send_html"],
                )
            except CaseActionError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, f"Email to {', '.join(data['to'])} queued for sending.")
                return redirect(case_page_url(case))
        if request.FILES:
            form.add_error("attachments", "Please attach the files again.")
    else:
        form = LogEmailForm(initial={"to": filled.to, "subject": filled.subject, "body": filled.body})
    recent = OutboundEmail.objects.filter(case=case).defer("text", "html").order_by("-created_at")[:10]
    return render(
        request,
        "console/log_email.html",
        {
            "case": case,
            "form": form,
            "template_error": filled.template_error,
            "from_address": from_address_for(request.user),
            "recent": recent,
            "case_url": case_page_url(case),
        },
    )


@agent_required
@require_POST
def retry_email(request: HttpRequest, pk: int) -> HttpResponse:
    outbound = get_object_or_404(OutboundEmail.objects.select_related("case"), pk=pk)
    try:
        do_retry_email(outbound, actor=request.user)
    except CaseActionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"The email “{outbound.subject}” is queued again.")
    if outbound.case_id is None:
        return redirect("console:my_work")
    return redirect(case_page_url(outbound.case))


def _preview_case(user) -> Case | None:
    """One of the agent's cases: the latest they own, else the latest in their queues."""
    base = Case.objects.select_related("contact", "site", "queue").order_by("-updated_at")
    return base.filter(owner=user).first() or base.filter(queue__members=user).first()


@agent_required
@require_POST
def preview_preferences(request: HttpRequest) -> JsonResponse:
    """Render unsaved preference fields against one of the agent's cases (the preferences
    page calls this as the agent types). A template error is reported, not raised."""
    form = PreviewForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"ok": False, "error": "Invalid input.", "errors": form.errors}, status=400)
    data = form.cleaned_data
    source = "\n\n".join(
        part.strip("\n")
        for part in (data["greeting"], data["body_template"], data["signature"])
        if part.strip()
    )
    case = _preview_case(request.user)
    mode = from_mode_for(None)
    if settings.CASEDESK_ALLOW_AGENT_FROM_MODE and data["from_mode"] in FROM_MODES:
        mode = data["from_mode"]
    try:
        text = render_body(source, case=case, agent=request.user)
    except TemplateRenderError as exc:
        return JsonResponse({"ok": False, "error": str(exc), "raw": source})
    return JsonResponse(
        {
            "ok": True,
            "text": text,
            "from": from_address_for(request.user, mode),
            "case": case.number if case else None,
        }
    )
