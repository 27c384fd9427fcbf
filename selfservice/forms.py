from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.urls import reverse

from casedesk.models import Case
from casedesk.services import NewAttachment

from .services import send_account_email


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Zero or more files, each at most CASEDESK_MAX_UPLOAD_BYTES."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        cleaned = [super(AttachmentsField, self).clean(item, initial) for item in files]
        limit = settings.CASEDESK_MAX_UPLOAD_BYTES
        for item in cleaned:
            if item.size > limit:
                raise ValidationError(
                    f"“{item.name}” is larger than {limit // (1024 * 1024)} MB; attach a smaller file."
                )
        return cleaned


def to_new_attachments(files) -> list[NewAttachment]:
    return [
        NewAttachment(
            filename=f.name[:255],
            content=f.read(),
            content_type=(f.content_type or "application/octet-stream")[:255],
        )
        for f in files
    ]


class SignupForm(forms.Form):
    name = forms.CharField(max_length=200, required=False)
    email = forms.EmailField(max_length=254)
    password1 = forms.CharField(
        label="Password", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label="Password again", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def clean(self):
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", "The two passwords differ.")
        elif p1 and data.get("email"):
            probe = get_user_model()(
                username=data["email"], email=data["email"], first_name=data.get("name", "")
            )
            try:
                password_validation.validate_password(p1, probe)
            except ValidationError as exc:
                self.add_error("password1", exc)
        return data


class PortalLoginForm(AuthenticationForm):
    """Sign in with the email address (customers' usernames are their address); agents may
    use their username. Failed attempts are rate limited per IP and per address."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": (
            "That email and password do not match an active account. If you have just signed up,"
            " follow the link in the confirmation email first."
        ),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = "Email"

    def clean(self):
        from . import ratelimit

        login = (self.cleaned_data.get("username") or "").strip()
        if self.request is not None and ratelimit.is_limited(self.request, "login", login):
            raise ValidationError(ratelimit.LIMITED_MESSAGE, code="rate_limited")
        if "@" in login:
            users = get_user_model().objects.filter(email__iexact=login)
            if users.count() == 1 and not get_user_model().objects.filter(username__iexact=login).exists():
                self.cleaned_data["username"] = users.get().get_username()
            else:
                self.cleaned_data["username"] = login.lower()
        try:
            return super().clean()
        except ValidationError:
            if self.request is not None:
                ratelimit.record_attempt(self.request, "login", login)
            raise


class EmailForm(forms.Form):
    email = forms.EmailField(max_length=254)

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()


class PortalPasswordResetForm(PasswordResetForm):
    """Django's reset form, but the email is queued as an OutboundEmail row."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        url = settings.CASEDESK_SITE_URL + reverse(
            "selfservice:password_reset_confirm", kwargs={"uidb64": context["uid"], "token": context["token"]}
        )
        subject = " ".join(render_to_string(subject_template_name, context).split())
        send_account_email(
            to=to_email,
            subject=subject,
            template=email_template_name.removeprefix("selfservice/email/"),
            context={"url": url, "user": context["user"]},
        )


class NewCaseForm(forms.Form):
    title = forms.CharField(max_length=300)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 8}))
    priority = forms.TypedChoiceField(
        coerce=int,
        choices=[(p.value, p.label) for p in Case.Priority if p != Case.Priority.URGENT],
        initial=Case.Priority.NORMAL,
    )
    attachments = AttachmentsField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not settings.CASEDESK_PORTAL_CUSTOMER_PRIORITY:
            del self.fields["priority"]


class NoteForm(forms.Form):
    body = forms.CharField(label="Note", widget=forms.Textarea(attrs={"rows": 5}), required=False)
    attachments = AttachmentsField()

    def clean(self):
        data = super().clean()
        if not (data.get("body") or "").strip() and not data.get("attachments"):
            raise ValidationError("Write a note or attach a file.")
        return data


class CloseForm(forms.Form):
    reason = forms.CharField(
        label="Reason (optional)", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label="Why reopen? (optional)", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
