"""The Log Email form: address lists, header-injection-proof subject, attachments."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.template.defaultfilters import filesizeformat

from ..outbound import split_addresses
from ..services import NewAttachment

MAX_RECIPIENTS = 50
CONTROL_CHARS = {chr(c) for c in range(32)} - {"\t"}


def refuse_header_injection(value: str, label: str) -> None:
    if any(ch in CONTROL_CHARS for ch in value):
        raise ValidationError(
            f"{label} must be on one line: line breaks and control characters are not allowed."
        )


class AddressListField(forms.CharField):
    """A comma, semicolon or newline separated list of addresses (`a@x.example` or
    `Name <a@x.example>`); cleans to a list of strings."""

    widget = forms.TextInput

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return []
        refuse_header_injection(value, "Addresses")
        addresses = split_addresses(value)
        if not addresses:
            raise ValidationError("Enter one or more email addresses separated by commas.")
        return addresses

    def validate(self, value):
        if self.required and not value:
            raise ValidationError(self.error_messages["required"], code="required")
        if len(value) > MAX_RECIPIENTS:
            raise ValidationError(f"At most {MAX_RECIPIENTS} addresses.")
        errors = []
        for address in value:
            bare = address.rpartition("<")[2].rstrip(">") if "<" in address else address
            try:
                refuse_header_injection(address, "An address")
                validate_email(bare)
            except ValidationError:
                errors.append(ValidationError(f"“{address}” is not a valid email address."))
        if errors:
            raise ValidationError(errors)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(value)
        return value


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class LogEmailForm(forms.Form):
    to = AddressListField(label="To", max_length=5000)
    cc = AddressListField(label="CC", required=False, max_length=5000)
    bcc = AddressListField(label="BCC", required=False, max_length=5000)
    subject = forms.CharField(max_length=998, strip=False)
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 14}), strip=False)
    attachments = MultipleFileField(required=False)
    include_previous = forms.BooleanField(
        required=False, label="Include the previous message (quote the customer's last email)"
    )
    send_html = forms.BooleanField(
        required=False, initial=True, label="Also send an HTML version generated from the text"
    )

    def clean_subject(self):
        subject = self.cleaned_data["subject"]
        refuse_header_injection(subject, "The subject")
        subject = subject.strip()
        if not subject:
            raise ValidationError("Enter a subject.")
        return subject

    def clean_body(self):
        body = self.cleaned_data["body"]
        if not body.strip():
            raise ValidationError("Write something to send.")
        return body

    def clean_attachments(self):
        files = self.cleaned_data.get("attachments") or []
        limit = settings.CASEDESK_MAX_UPLOAD_BYTES
        total_limit = settings.CASEDESK_MAX_EMAIL_ATTACHMENTS_BYTES
        for upload in files:
            if upload.size > limit:
                raise ValidationError(
                    f"“{upload.name}” is {filesizeformat(upload.size)}; the limit per file is {filesizeformat(limit)}."
                )
        if sum(upload.size for upload in files) > total_limit:
            raise ValidationError(f"The attachments together exceed {filesizeformat(total_limit)}.")
        return files

    def new_attachments(self) -> list[NewAttachment]:
        return [
            NewAttachment(
                filename=upload.name.replace("\r", " ").replace("\n", " ")[:255],
                content=upload.read(),
                content_type=upload.content_type or "application/octet-stream",
            )
            for upload in self.cleaned_data.get("attachments") or []
        ]


class PreviewForm(forms.Form):
    greeting = forms.CharField(required=False, strip=False, max_length=10_000)
    body_template = forms.CharField(required=False, strip=False, max_length=50_000)
    signature = forms.CharField(required=False, strip=False, max_length=10_000)
    from_mode = forms.ChoiceField(
        required=False, choices=[("", "default"), ("shared", "shared"), ("agent", "agent")]
    )
