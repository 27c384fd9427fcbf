"""New case from the console: look up a contact, or create one inline for a new address."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from casedesk.models import Activity, Case, Contact


def test_contact_lookup_by_email_or_name(agent_client, customer, other_customer):
    url = reverse("console:new_case")
    found = agent_client.get(url, {"find": "DOYLE"}).context["found"]
    assert found == [customer]
    found = agent_client.get(url, {"find": "globex"}).context["found"]
    assert found == [other_customer]
    response = agent_client.get(url, {"contact": customer.pk})
    assert response.context["form"].initial["contact_email"] == "dana@acme.example"


def test_it_opens_a_case_for_a_known_contact(agent_client, customer, agent, support_queue):
    response = agent_client.post(
        reverse("console:new_case"),
        {
            "contact_email": "Dana@Acme.example",
            "title": "Phone: printer again",
            "body": "Called at 10:00",
            "priority": "3",
            "attachments": SimpleUploadedFile("notes.txt", b"call notes"),
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("console:case", kwargs={"number": case.number})
    assert (case.contact, case.channel, case.priority, case.queue) == (customer, "console", 3, support_queue)
    first = Activity.objects.filter(case=case).first()
    assert (first.kind, first.actor_user, first.body) == ("created", agent, "Called at 10:00")
    assert first.attachments.get().filename == "notes.txt"
    assert Contact.objects.count() == 1


def test_an_unknown_email_creates_the_contact_in_its_site(agent_client, acme, billing_queue, agent):
    agent_client.post(
        reverse("console:new_case"),
        {
            "contact_email": "new.person@acme.example",
            "contact_name": "New Person",
            "title": "Hello",
            "priority": "2",
            "queue": billing_queue.pk,
        },
    )
    contact = Contact.objects.get(email="new.person@acme.example")
    assert (contact.name, contact.site) == ("New Person", acme)
    case = Case.objects.get()
    assert (case.contact, case.site, case.queue) == (contact, acme, billing_queue)


def test_bad_input_is_refused_and_kept(agent_client, db):
    response = agent_client.post(
        reverse("console:new_case"),
        {"contact_email": "not-an-email", "title": "Keep this title", "priority": "2"},
    )
    assert response.status_code == 400
    assert "Enter a valid email address." in response.content.decode()
    assert "Keep this title" in response.content.decode()
    assert not Case.objects.exists() and not Contact.objects.exists()
