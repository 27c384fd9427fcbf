from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from casedesk import events, mail_templates
from casedesk.models import Activity, Case, OutboundEmail


def submit(client, **extra):
    data = {"title": "Login broken", "description": "I cannot log in.", "priority": "3", **extra}
    return client.post(reverse("selfservice:new_case"), data)


def test_it_creates_a_portal_case_routed_to_the_default_queue(
    customer_client, customer, support_queue, domain_events, django_capture_on_commit_callbacks
):
    upload = SimpleUploadedFile("screen.png", b"\x89PNG fake", content_type="image/png")
    with django_capture_on_commit_callbacks(execute=True):
        response = submit(customer_client, attachments=[upload])
    case = Case.objects.get()
    assert response["Location"] == reverse("selfservice:case", args=[case.number])
    assert case.channel == Case.Channel.PORTAL
    assert case.contact == customer and case.queue == support_queue
    assert case.priority == Case.Priority.HIGH
    first = case.activities.get(kind=Activity.Kind.CREATED)
    assert first.actor_contact == customer and first.body == "I cannot log in." and first.is_public
    [attachment] = first.attachments.all()
    assert attachment.filename == "screen.png" and attachment.file.read() == b"\x89PNG fake"
    [created] = [e for e in domain_events if e.name == events.CASE_CREATED]
    assert created.case_id == case.pk and created.actor_contact_id == customer.pk
    assert created.data["channel"] == Case.Channel.PORTAL
    page = customer_client.get(response["Location"])
    assert f"Case {case.number} created".encode() in page.content


def test_the_customer_gets_the_same_confirmation_the_clerk_sends(customer_client, customer, support_queue):
    submit(customer_client)
    case = Case.objects.get()
    confirmation = OutboundEmail.objects.get(case=case)
    assert confirmation.kind == OutboundEmail.Kind.CONFIRMATION and confirmation.to == [customer.email]
    expected = mail_templates.get_template(mail_templates.CASE_CREATED)
    assert confirmation.subject == f"Case {case.number} created: Login broken [About Case {case.number}]"
    assert expected.subject.startswith("Case {{ case.number }} created")
    assert f"/portal/cases/{case.number}/" in confirmation.text


def test_an_oversized_attachment_is_refused_and_the_text_is_kept(customer_client, support_queue, settings):
    settings.CASEDESK_MAX_UPLOAD_BYTES = 10
    upload = SimpleUploadedFile("big.bin", b"x" * 11)
    response = submit(customer_client, attachments=[upload])
    assert response.status_code == 200
    assert b"big.bin" in response.content and b"larger than" in response.content
    assert b"I cannot log in." in response.content
    assert not Case.objects.exists()


def test_a_title_is_required(customer_client, support_queue):
    response = submit(customer_client, title="")
    assert response.status_code == 200 and not Case.objects.exists()
    assert response.context["form"].errors["title"]


def test_priority_is_not_offered_when_not_allowed(customer_client, support_queue, settings):
    settings.CASEDESK_PORTAL_CUSTOMER_PRIORITY = False
    assert b'name="priority"' not in customer_client.get(reverse("selfservice:new_case")).content
    submit(customer_client, priority="3")
    assert Case.objects.get().priority == Case.Priority.NORMAL
