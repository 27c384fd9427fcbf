"""ESP tracking webhooks (through django-anymail) record delivery events on the email."""

import base64
import json

import pytest

from casedesk.models import Contact, OutboundEmail
from rules.models import DeliveryEvent

from .conftest import log_email

URL = "/anymail/postmark/tracking/"


@pytest.fixture
def sent(agent, case, settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": "hook:s3cret"}
    outbound = OutboundEmail.objects.get(activity=log_email(case, agent))
    OutboundEmail.objects.filter(pk=outbound.pk).update(status="sent", esp_message_id="pm-123")
    return outbound


def deliver(client, payload, auth="hook:s3cret"):
    return client.post(
        URL,
        data=json.dumps(payload),
        content_type="application/json",
        HTTP_AUTHORIZATION="Basic " + base64.b64encode(auth.encode()).decode(),
    )


def test_a_delivered_event_is_recorded_on_the_email(client, sent):
    response = deliver(
        client,
        {
            "RecordType": "Delivery",
            "MessageID": "pm-123",
            "Recipient": "dana@acme.example",
            "DeliveredAt": "2026-12-04T10:00:00Z",
            "Details": "250 OK",
        },
    )
    assert response.status_code == 200
    event = DeliveryEvent.objects.get()
    assert event.outbound_email_id == sent.pk and event.event_type == "delivered"
    assert event.esp_name == "Postmark" and event.mta_response == "250 OK"
    assert OutboundEmail.objects.get(pk=sent.pk).delivery_status == "delivered"


def test_a_hard_bounce_flags_the_contacts_address(client, sent, customer):
    deliver(
        client,
        {
            "RecordType": "Bounce",
            "ID": 42,
            "Type": "HardBounce",
            "MessageID": "pm-123",
            "Email": "dana@acme.example",
            "BouncedAt": "2026-12-04T10:00:00Z",
            "Description": "No such mailbox",
        },
    )
    assert OutboundEmail.objects.get(pk=sent.pk).delivery_status == "bounced"
    assert DeliveryEvent.objects.get().is_hard_bounce
    assert Contact.objects.get(pk=customer.pk).email_bounced_at is not None


def test_a_soft_bounce_does_not_flag_the_address(client, sent, customer):
    deliver(
        client,
        {
            "RecordType": "Bounce",
            "ID": 43,
            "Type": "SoftBounce",
            "MessageID": "pm-123",
            "Email": "dana@acme.example",
            "BouncedAt": "2026-12-04T10:00:00Z",
        },
    )
    assert not DeliveryEvent.objects.get().is_hard_bounce
    assert Contact.objects.get(pk=customer.pk).email_bounced_at is None


def test_a_complaint_is_recorded(client, sent):
    deliver(
        client,
        {
            "RecordType": "SpamComplaint",
            "ID": 44,
            "Type": "SpamComplaint",
            "MessageID": "pm-123",
            "Email": "dana@acme.example",
            "BouncedAt": "2026-12-04T10:00:00Z",
        },
    )
    assert OutboundEmail.objects.get(pk=sent.pk).delivery_status == "complained"


def test_the_same_event_twice_is_recorded_once(client, sent):
    payload = {
        "RecordType": "Bounce",
        "ID": 45,
        "Type": "HardBounce",
        "MessageID": "pm-123",
        "Email": "dana@acme.example",
        "BouncedAt": "2026-12-04T10:00:00Z",
    }
    assert deliver(client, payload).status_code == 200
    assert deliver(client, payload).status_code == 200
    assert DeliveryEvent.objects.count() == 1


def test_a_webhook_without_the_secret_is_refused(client, sent):
    response = deliver(client, {"RecordType": "Delivery", "MessageID": "pm-123"}, auth="hook:wrong")
    assert response.status_code == 400
    assert not DeliveryEvent.objects.exists()


def test_the_case_page_partial_shows_the_delivery_status(client, agent, sent):
    OutboundEmail.objects.filter(pk=sent.pk).update(delivery_status="bounced")
    client.force_login(agent)
    html = client.get(f"/console/cases/{sent.case.number}/email/").content.decode()
    assert 'class="badge text-bg-warning outbound-delivery">Bounced' in html
