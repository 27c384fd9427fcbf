"""Forms of the agent console. Layout only; the work is done by casedesk.services."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.template.defaultfilters import filesizeformat

from .. import selectors
from ..downloads import safe_filename
from ..models import Case, Profile, Queue
from ..roles import agent_users, display_name
from ..services import NewAttachment
from ..templating import TemplateRenderError, render_user_template


class AgentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return display_name(obj)


# --- attachments ------------------------------------------------------------------------


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Zero or more files, each at most CASEDESK_MAX_UPLOAD_BYTES."""

    widget = MultipleFileInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        limit = settings.CASEDESK_MAX_UPLOAD_BYTES
        errors = []
        for upload in files:
            if upload.size > limit:
                errors.append(
                    f"{safe_filename(upload.name)} is too large ({filesizeformat(upload.size)}; "
                    f"the limit is {filesizeformat(limit)})."
                )
        if errors:
            raise forms.ValidationError(errors)
        if self.required and not files:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return files


def new_attachments(uploads) -> list[NewAttachment]:
    """Uploaded files as NewAttachments: sanitised names; the claimed type is only stored."""
    return [
        NewAttachment(
            filename=safe_filename(upload.name),
            content=upload.read(),
            content_type=(upload.content_type or "application/octet-stream")[:255],
        )
        for upload in uploads
    ]


# --- lists ------------------------------------------------------------------------------

STATUS_FILTER_CHOICES = [("", "Any status"), (selectors.ACTIVE, "Not closed"), *Case.Status.choices]
SORT_CHOICES = [
    ("-updated", "Recently updated"),
    ("updated", "Least recently updated"),
    ("-number", "Newest number"),
    ("number", "Oldest number"),
    ("-priority", "Highest priority"),
    ("priority", "Lowest priority"),
]


class CaseFilterForm(forms.Form):
    q = forms.CharField(
        required=False,
        max_length=200,
        label="Search",
        widget=forms.TextInput(attrs={"autofocus": True, "type": "search"}),
    )
    queue = forms.ModelChoiceField(
        queryset=Queue.objects.order_by("name"), required=False, empty_label="Any queue", to_field_name="slug"
    )
    status = forms.ChoiceField(choices=STATUS_FILTER_CHOICES, required=False)
    owner = forms.CharField(required=False, widget=forms.Select)
    priority = forms.TypedChoiceField(
        choices=[("", "Any priority"), *Case.Priority.choices], coerce=int, required=False, empty_value=None
    )
    # Sites and contacts can be many: they are chosen by following a link (the contact or
    # site of a case), not from a drop-down.
    site = forms.IntegerField(required=False, widget=forms.HiddenInput)
    contact = forms.IntegerField(required=False, widget=forms.HiddenInput)
    sort = forms.ChoiceField(choices=SORT_CHOICES, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.agents = list(agent_users().order_by("first_name", "last_name", "username"))
        self.fields["owner"].widget.choices = [
            ("", "Any owner"),
            ("me", "Me"),
            ("none", "Nobody (unaccepted)"),
            *[(str(agent.pk), display_name(agent)) for agent in self.agents],
        ]

    def clean_owner(self) -> str:
        value = self.cleaned_data.get("owner") or ""
        if value in ("", "me", "none") or value in {str(a.pk) for a in self.agents}:
            return value
        raise forms.ValidationError("Choose an owner from the list.")

    def case_filter(self, *, queue: Queue | None = None, default_status: str = "") -> selectors.CaseFilter:
        data = self.cleaned_data if self.is_valid() else {}
        owner_value = data.get("owner") or ""
        owner = None
        if owner_value == "me":
            owner = self.user
        elif owner_value not in ("", "none"):
            owner = next(a for a in self.agents if str(a.pk) == owner_value)
        status = data.get("status", "") if "status" in self.data else default_status
        return selectors.CaseFilter(
            q=data.get("q") or "",
            queue=queue or data.get("queue"),
            status=status,
            owner=owner,
            unowned=owner_value == "none",
            priority=data.get("priority"),
            contact_id=data.get("contact"),
            site_id=data.get("site"),
            sort=data.get("sort") or selectors.DEFAULT_SORT,
        )


# --- case actions -----------------------------------------------------------------------


class NoteForm(forms.Form):
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False, label="Note")
    visibility = forms.ChoiceField(
        choices=[("internal", "Internal (agents only)"), ("public", "Public (the customer sees it)")],
        initial="internal",
        widget=forms.RadioSelect,
    )
    attachments = MultipleFileField(label="Attachments")

    def clean(self):
        data = super().clean()
        if not (data.get("body") or "").strip() and not data.get("attachments") and not self.errors:
            raise forms.ValidationError("Write a note or attach a file.")
        return data


class AssignForm(forms.Form):
    owner = AgentChoiceField(queryset=None, label="Assign to")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Validate against every active user so that choosing a non-agent reaches the
        # service, which explains the refusal; offer only agents.
        field = self.fields["owner"]
        field.queryset = get_user_model().objects.filter(is_active=True)
        field.widget.choices = [("", "---------")] + [
            (agent.pk, display_name(agent))
            for agent in agent_users().order_by("first_name", "last_name", "username")
        ]


class DispatchForm(forms.Form):
    queue = forms.ModelChoiceField(queryset=Queue.objects.order_by("name"), label="Dispatch to queue")


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        choices=[c for c in Case.Status.choices if c[0] != Case.Status.CLOSED], label="Status"
    )


class PriorityForm(forms.Form):
    priority = forms.TypedChoiceField(choices=Case.Priority.choices, coerce=int, label="Priority")


class CloseForm(forms.Form):
    resolution = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Resolution note")


class ReopenForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False, label="Reason")


# --- new case, preferences --------------------------------------------------------------


class NewCaseForm(forms.Form):
    contact_email = forms.EmailField(label="Contact email")
    contact_name = forms.CharField(
        max_length=200, required=False, label="Contact name", help_text="Used when the email is new."
    )
    title = forms.CharField(max_length=300)
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), required=False, label="Request")
    queue = forms.ModelChoiceField(
        queryset=Queue.objects.order_by("name"),
        required=False,
        empty_label="Route automatically",
    )
    priority = forms.TypedChoiceField(choices=Case.Priority.choices, coerce=int, initial=Case.Priority.NORMAL)
    attachments = MultipleFileField(label="Attachments")


class ContactLookupForm(forms.Form):
    find = forms.CharField(required=False, max_length=200, label="Find a contact by email or name")


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = Profile
        fields = ["notify_by", "mobile_address", "greeting", "body_template", "signature", "from_mode"]
        widgets = {
            "greeting": forms.Textarea(attrs={"rows": 2}),
            "body_template": forms.Textarea(attrs={"rows": 5}),
            "signature": forms.Textarea(attrs={"rows": 3}),
        }

    def clean(self):
        data = super().clean()
        for name in ("greeting", "body_template", "signature"):
            try:
                render_user_template(data.get(name) or "", {})
            except TemplateRenderError as exc:
                self.add_error(name, str(exc))
        if data.get("notify_by") in (Profile.NotifyBy.MOBILE, Profile.NotifyBy.BOTH) and not data.get(
            "mobile_address"
        ):
            self.add_error("mobile_address", "Give a mobile address to be notified on your mobile.")
        return data
