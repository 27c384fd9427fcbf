"""Admin for inbound mail: the quarantine (view raw, release, assign to a case, delete) and
the polled mailboxes."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from casedesk.models import Case
from casedesk.services import CaseActionError
from mailclerk import quarantine
from mailclerk.models import ConfirmationSent, InboundMessage, Mailbox, QuoteMarker
from mailclerk.parsing import ParseError


class MailboxForm(forms.ModelForm):
    password = forms.CharField(widget=forms.PasswordInput(render_value=True), max_length=254)

    class Meta:
        model = Mailbox
        fields = [
            "name",
            "protocol",
            "host",
            "port",
            "use_tls",
            "username",
            "password",
            "folder",
            "after_import",
            "move_to_folder",
            "send_confirmations",
            "is_active",
        ]


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin):
    form = MailboxForm
    list_display = ["name", "protocol", "host", "port", "username", "folder", "is_active", "last_polled_at"]
    readonly_fields = ["last_polled_at", "last_error"]


class AssignForm(forms.Form):
    case_number = forms.IntegerField(min_value=1, label="Case number")

    def clean_case_number(self):
        number = self.cleaned_data["case_number"]
        case = Case.objects.filter(number=number).first()
        if case is None:
            raise forms.ValidationError(f"There is no case {number}.")
        self.case = case
        return number


@admin.register(InboundMessage)
class InboundMessageAdmin(admin.ModelAdmin):
    list_display = ["received_at", "from_address", "subject", "channel", "status", "action", "case", "reason"]
    list_filter = ["status", "channel", "action"]
    search_fields = ["from_address", "subject", "message_id", "sha256"]
    date_hierarchy = "received_at"
    list_select_related = ["case"]
    actions = ["release_selected"]
    exclude = ["raw"]
    readonly_fields = [f.name for f in InboundMessage._meta.fields if f.name != "raw"] + ["raw_link"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("case")

    @admin.display(description="Raw message")
    def raw_link(self, obj: InboundMessage) -> str:
        if obj.pk is None:
            return ""
        links = [
            format_html(
                '<a href="{}">View raw message</a>', reverse("admin:mailclerk_inbound_raw", args=[obj.pk])
            )
        ]
        if obj.status == InboundMessage.Status.QUARANTINED:
            links.append(
                format_html(
                    '<a href="{}">Release or assign to a case</a>',
                    reverse("admin:mailclerk_inbound_quarantine", args=[obj.pk]),
                )
            )
        return format_html(" · ".join(["{}"] * len(links)), *links)

    def get_urls(self):
        own = [
            path("<int:pk>/raw/", self.admin_site.admin_view(self.raw_view), name="mailclerk_inbound_raw"),
            path(
                "<int:pk>/quarantine/",
                self.admin_site.admin_view(self.quarantine_view),
                name="mailclerk_inbound_quarantine",
            ),
        ]
        return own + super().get_urls()

    def _object(self, request: HttpRequest, pk: int) -> InboundMessage:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(InboundMessage, pk=pk)

    def raw_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        inbound = self._object(request, pk)
        response = HttpResponse(inbound.read_raw(), content_type="text/plain; charset=utf-8")
        response["Content-Disposition"] = "inline"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response

    def quarantine_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        inbound = self._object(request, pk)
        if not request.user.has_perm("mailclerk.change_inboundmessage") and not request.user.is_superuser:
            raise PermissionDenied
        form = AssignForm(request.POST or None)
        if request.method == "POST":
            if "release" in request.POST:
                inbound = quarantine.release_inbound(inbound.pk)
                messages.info(request, f"Released: {inbound.get_status_display()} {inbound.reason}".strip())
                return redirect("admin:mailclerk_inboundmessage_change", inbound.pk)
            if form.is_valid():
                try:
                    quarantine.assign_inbound_to_case(inbound.pk, form.case, actor=request.user)
                except (CaseActionError, ParseError) as exc:
                    messages.error(request, str(exc))
                else:
                    messages.success(request, f"Logged on {form.case.label}.")
                return redirect("admin:mailclerk_inboundmessage_change", inbound.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "inbound": inbound,
            "form": form,
            "title": f"Quarantined message {inbound.pk}",
        }
        return TemplateResponse(request, "mailclerk/admin/quarantine.html", context)

    @admin.action(description="Release selected quarantined messages (re-process)")
    def release_selected(self, request, queryset):
        done = 0
        for pk in queryset.filter(status=InboundMessage.Status.QUARANTINED).values_list("pk", flat=True):
            quarantine.release_inbound(pk)
            done += 1
        self.message_user(request, f"Released {done} message(s).")

    def delete_model(self, request, obj):
        quarantine.delete_inbound(obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            quarantine.delete_inbound(obj)


@admin.register(ConfirmationSent)
class ConfirmationSentAdmin(admin.ModelAdmin):
    list_display = ["address", "sent_at"]
    search_fields = ["address"]


@admin.register(QuoteMarker)
class QuoteMarkerAdmin(admin.ModelAdmin):
    list_display = ("text", "is_active")
    list_editable = ("is_active",)
    list_filter = ("is_active",)
    search_fields = ("text",)
