import pytest
from django.urls import reverse

from mailclerk.models import InboundMessage

from .clerk import ingest, mail


@pytest.fixture
def quarantined(case, other_customer):
    inbound = ingest(mail(sender=other_customer.email, subject=f"About Case {case.number}", body="Let me in"))
    assert inbound.status == InboundMessage.Status.QUARANTINED
    return inbound


def test_the_admin_lists_the_quarantine_and_shows_the_raw_message(client, admin_user, quarantined):
    client.force_login(admin_user)
    listing = client.get(reverse("admin:mailclerk_inboundmessage_changelist") + "?status=quarantined")
    assert listing.status_code == 200 and b"sender not on case" in listing.content
    raw = client.get(reverse("admin:mailclerk_inbound_raw", args=[quarantined.pk]))
    assert raw.status_code == 200
    assert raw.content == quarantined.read_raw()
    assert raw["Content-Type"].startswith("text/plain")


def test_release_reprocesses_and_logs_the_note(client, admin_user, quarantined, case):
    client.force_login(admin_user)
    url = reverse("admin:mailclerk_inbound_quarantine", args=[quarantined.pk])
    assert client.get(url).status_code == 200
    client.post(url, {"release": "1"})
    quarantined.refresh_from_db()
    assert quarantined.status == "processed" and quarantined.case == case
    assert case.activities.filter(body__contains="Let me in").exists()


def test_assign_logs_it_on_the_chosen_case(client, admin_user, quarantined, customer):
    from casedesk import services as core

    other = core.do_create_case(title="Other", contact=customer, channel="email", actor=customer)
    client.force_login(admin_user)
    client.post(
        reverse("admin:mailclerk_inbound_quarantine", args=[quarantined.pk]), {"case_number": other.number}
    )
    quarantined.refresh_from_db()
    assert (quarantined.status, quarantined.case, quarantined.matched_by) == ("processed", other, "admin")
    assert other.activities.filter(kind="email_in", body__contains="Let me in").exists()


def test_delete_removes_the_message_and_its_raw_file(
    client, admin_user, quarantined, django_capture_on_commit_callbacks
):
    storage, name = quarantined.raw.storage, quarantined.raw.name
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:mailclerk_inboundmessage_delete", args=[quarantined.pk]), {"post": "yes"})
    assert not InboundMessage.objects.filter(pk=quarantined.pk).exists()
    assert not storage.exists(name)


def test_agents_cannot_reach_the_quarantine(client, agent, quarantined):
    client.force_login(agent)
    response = client.get(reverse("admin:mailclerk_inbound_raw", args=[quarantined.pk]))
    assert response.status_code in (302, 403)
    response = client.post(
        reverse("admin:mailclerk_inbound_quarantine", args=[quarantined.pk]), {"release": "1"}
    )
    assert response.status_code in (302, 403)
    quarantined.refresh_from_db()
    assert quarantined.status == "quarantined"
