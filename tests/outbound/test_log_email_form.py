"""Posting the Log Email form: validation, header injection, what gets recorded."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from casedesk.models import Activity, OutboundEmail


def post(client, case, **data):
    fields = {
        "to": "dana@acme.example",
        "cc": "",
        "bcc": "",
        "subject": case.email_subject,
        "body": "Hello Dana,\n\nFixed.\n",
        "send_html": "on",
    }
    fields.update(data)
    return client.post(reverse("console:log_email", args=[case.number]), fields)


def test_a_valid_post_queues_the_email_and_returns_to_the_case(
    client, agent, case, django_capture_on_commit_callbacks
):
    client.force_login(agent)
    with django_capture_on_commit_callbacks() as callbacks:
        response = post(
            client, case, cc="Erik <erik@acme.example>; boss@acme.example", bcc="audit@casedesk.localhost"
        )
    assert response.status_code == 302
    outbound = OutboundEmail.objects.get()
    assert outbound.status == "queued"
    assert outbound.to == ["dana@acme.example"]
    assert outbound.cc == ["Erik <erik@acme.example>", "boss@acme.example"]
    assert outbound.bcc == ["audit@casedesk.localhost"]
    assert callbacks, "the send is enqueued only after commit"


def test_a_subject_with_a_line_break_is_refused(client, agent, case):
    client.force_login(agent)
    response = post(client, case, subject="Hi\r\nBcc: victim@example.com")
    assert response.status_code == 200
    assert "must be on one line" in str(response.context["form"].errors["subject"])
    assert not OutboundEmail.objects.exists()


def test_an_address_with_a_line_break_is_refused(client, agent, case):
    client.force_login(agent)
    response = post(client, case, to="dana@acme.example\r\nBcc: victim@example.com")
    assert "must be on one line" in str(response.context["form"].errors["to"])
    assert not OutboundEmail.objects.exists()


def test_an_invalid_address_is_named_in_the_error(client, agent, case):
    client.force_login(agent)
    response = post(client, case, cc="erik@acme.example, not-an-address")
    assert "“not-an-address” is not a valid email address." in str(response.context["form"].errors["cc"])
    assert not OutboundEmail.objects.exists()


def test_to_is_required(client, agent, case):
    client.force_login(agent)
    response = post(client, case, to="")
    assert "to" in response.context["form"].errors


def test_bad_input_keeps_what_the_agent_wrote(client, agent, case):
    client.force_login(agent)
    response = post(client, case, to="nope", body="A long careful answer.")
    assert "A long careful answer." in response.content.decode()


def test_an_attachment_over_the_limit_is_refused(client, agent, case, settings):
    settings.CASEDESK_MAX_UPLOAD_BYTES = 10
    client.force_login(agent)
    response = post(client, case, attachments=[SimpleUploadedFile("big.bin", b"x" * 11)])
    assert "the limit per file is" in str(response.context["form"].errors["attachments"])
    assert not OutboundEmail.objects.exists()


def test_several_attachments_are_kept_on_the_activity(client, agent, case):
    client.force_login(agent)
    files = [
        SimpleUploadedFile("a.txt", b"alpha", content_type="text/plain"),
        SimpleUploadedFile("b.pdf", b"%PDF-1.4 beta", content_type="application/pdf"),
    ]
    assert post(client, case, attachments=files).status_code == 302
    activity = Activity.objects.get(kind=Activity.Kind.EMAIL_OUT)
    assert [(a.filename, a.content_type, a.size) for a in activity.attachments.all()] == [
        ("a.txt", "text/plain", 5),
        ("b.pdf", "application/pdf", 13),
    ]


def test_customers_cannot_post_it(client, customer, case):
    client.force_login(customer.user)
    assert post(client, case).status_code == 403
    assert not OutboundEmail.objects.exists()
