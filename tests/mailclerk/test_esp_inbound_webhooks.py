"""Realistic inbound payloads for four ESPs posted to our real anymail URLs."""

import base64
import hashlib
import hmac
import json
import time
import uuid

import pytest

from casedesk.models import Case
from mailclerk.models import InboundMessage

from .clerk import eml

pytestmark = pytest.mark.filterwarnings("ignore:django-anymail has dropped official support for SendGrid")

SECRET = "clerk-hook:s3cret-pass"
MAILGUN_KEY = "mailgun-signing-key-123"
AUTH = {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(SECRET.encode()).decode()}
WRONG_AUTH = {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(b"clerk-hook:guess").decode()}


@pytest.fixture(autouse=True)
def anymail_settings(settings):
    settings.ANYMAIL = {
        "WEBHOOK_SECRET": SECRET,
        "MAILGUN_WEBHOOK_SIGNING_KEY": MAILGUN_KEY,
        "AMAZON_SES_AUTO_CONFIRM_SNS_SUBSCRIPTIONS": False,
    }


def mailgun_payload(raw: bytes, *, key: str = MAILGUN_KEY) -> dict:
    timestamp, token = str(int(time.time())), uuid.uuid4().hex
    signature = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256).hexdigest()
    return {
        "recipient": "clerk@casedesk.localhost",
        "sender": "dana@acme.example",
        "from": "Dana Doyle <dana@acme.example>",
        "subject": "Drucker",
        "body-mime": raw.decode("utf-8"),
        "timestamp": timestamp,
        "token": token,
        "signature": signature,
    }


def post_mailgun(client, raw, auth=AUTH, **kwargs):
    return client.post("/anymail/mailgun/inbound_mime/", mailgun_payload(raw, **kwargs), **auth)


def sendgrid_payload(raw: bytes) -> dict:
    return {
        "email": raw.decode("utf-8"),
        "to": "clerk@casedesk.localhost",
        "from": "Dana Doyle <dana@acme.example>",
        "subject": "Drucker",
        "envelope": json.dumps({"to": ["clerk@casedesk.localhost"], "from": "dana@acme.example"}),
        "charsets": json.dumps({"to": "UTF-8", "from": "UTF-8", "subject": "UTF-8"}),
        "SPF": "pass",
        "spam_score": "0.1",
    }


def postmark_payload() -> dict:
    return {
        "FromName": "Dana Doyle",
        "MessageStream": "inbound",
        "From": "dana@acme.example",
        "FromFull": {"Email": "dana@acme.example", "Name": "Dana Doyle", "MailboxHash": ""},
        "To": "clerk@casedesk.localhost",
        "ToFull": [{"Email": "clerk@casedesk.localhost", "Name": "", "MailboxHash": ""}],
        "Cc": "",
        "CcFull": [],
        "Bcc": "",
        "BccFull": [],
        "OriginalRecipient": "clerk@casedesk.localhost",
        "Subject": "Scanner jammed",
        "MessageID": "73e6d360-66eb-11e1-8e72-a8904824019b",
        "ReplyTo": "",
        "MailboxHash": "",
        "Date": "Mon, 2 Dec 2024 10:00:00 +0100",
        "TextBody": "The scanner on floor 2 is jammed.",
        "HtmlBody": "<p>The scanner on floor 2 is jammed.</p>",
        "StrippedTextReply": "",
        "Tag": "",
        "Headers": [
            {"Name": "Return-Path", "Value": "<dana@acme.example>"},
            {"Name": "Message-ID", "Value": "<postmark-test-1@acme.example>"},
            {"Name": "X-Spam-Status", "Value": "No"},
        ],
        "Attachments": [
            {
                "Name": "log.txt",
                "Content": base64.b64encode(b"error 42\n").decode(),
                "ContentType": "text/plain",
                "ContentLength": 9,
            }
        ],
    }


def ses_payload(raw: bytes) -> tuple[dict, dict]:
    message_id = str(uuid.uuid4())
    ses_event = {
        "notificationType": "Received",
        "mail": {
            "timestamp": "2024-12-02T09:00:00.000Z",
            "source": "dana@acme.example",
            "messageId": "jb7pce6mg2v0lqa8lmjhtq1ps3ahdr6k",
            "destination": ["clerk@casedesk.localhost"],
            "headersTruncated": False,
            "headers": [{"name": "From", "value": "Dana Doyle <dana@acme.example>"}],
            "commonHeaders": {"from": ["Dana Doyle <dana@acme.example>"], "subject": "Drucker"},
        },
        "receipt": {
            "timestamp": "2024-12-02T09:00:00.000Z",
            "processingTimeMillis": 300,
            "recipients": ["clerk@casedesk.localhost"],
            "spamVerdict": {"status": "PASS"},
            "virusVerdict": {"status": "PASS"},
            "spfVerdict": {"status": "PASS"},
            "dkimVerdict": {"status": "PASS"},
            "dmarcVerdict": {"status": "PASS"},
            "action": {
                "type": "SNS",
                "topicArn": "arn:aws:sns:us-east-1:123456789012:clerk-inbound",
                "encoding": "BASE64",
            },
        },
        "content": base64.b64encode(raw).decode(),
    }
    body = {
        "Type": "Notification",
        "MessageId": message_id,
        "TopicArn": "arn:aws:sns:us-east-1:123456789012:clerk-inbound",
        "Subject": "Amazon SES Email Receipt Notification",
        "Message": json.dumps(ses_event),
        "Timestamp": "2024-12-02T09:00:00.000Z",
        "SignatureVersion": "1",
        "Signature": "EXAMPLE",
        "SigningCertURL": "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0000.pem",
        "UnsubscribeURL": "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe",
    }
    headers = {"HTTP_X_AMZ_SNS_MESSAGE_TYPE": "Notification", "HTTP_X_AMZ_SNS_MESSAGE_ID": message_id}
    return body, headers


def test_mailgun_inbound_creates_a_case(client, customer, support_queue, django_capture_on_commit_callbacks):
    raw = eml("gmail_new_request.eml")
    with django_capture_on_commit_callbacks(execute=True):
        response = post_mailgun(client, raw)
    assert response.status_code == 200
    inbound = InboundMessage.objects.get()
    assert inbound.channel == "webhook"
    assert inbound.read_raw() == raw.decode().encode()
    assert inbound.status == "processed" and inbound.case.contact == customer


def test_a_mailgun_retry_is_stored_once(client, db):
    raw = eml("gmail_new_request.eml")
    assert post_mailgun(client, raw).status_code == 200
    assert post_mailgun(client, raw).status_code == 200
    assert InboundMessage.objects.count() == 1


def test_mailgun_with_a_wrong_signature_stores_nothing(client, db):
    response = post_mailgun(client, eml("gmail_new_request.eml"), key="not-the-key")
    assert response.status_code == 400
    assert not InboundMessage.objects.exists()


def test_sendgrid_raw_inbound_is_stored(client, db, django_capture_on_commit_callbacks):
    raw = eml("apple_mail_about_case.eml", N=1)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/anymail/sendgrid/inbound/", sendgrid_payload(raw), **AUTH)
    assert response.status_code == 200
    assert InboundMessage.objects.get().message_id == "<7C1D2E3F-4A5B-6C7D-8E9F-0A1B2C3D4E5F@acme.example>"


def test_postmark_parsed_inbound_is_rebuilt_and_creates_a_case(
    client, customer, support_queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/anymail/postmark/inbound/",
            json.dumps(postmark_payload()),
            content_type="application/json",
            **AUTH,
        )
    assert response.status_code == 200
    case = Case.objects.get()
    assert case.title == "Scanner jammed"
    entry = case.activities.get(kind="email_in")
    assert "floor 2 is jammed" in entry.body
    assert entry.attachments.get().filename == "log.txt"


def test_amazon_ses_sns_notification_with_raw_content(
    client, customer, support_queue, django_capture_on_commit_callbacks
):
    raw = eml("thunderbird_latin1.eml")
    body, headers = ses_payload(raw)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/anymail/amazon_ses/inbound/", json.dumps(body), content_type="text/plain", **headers, **AUTH
        )
    assert response.status_code == 200
    inbound = InboundMessage.objects.get()
    assert inbound.read_raw() == raw  # byte-exact, 8-bit ISO-8859-1 included
    assert inbound.case.title == "Problème de facturation"


@pytest.mark.parametrize("auth", [{}, WRONG_AUTH], ids=["no-credentials", "wrong-credentials"])
@pytest.mark.parametrize("esp", ["mailgun", "sendgrid", "postmark", "amazon_ses"])
def test_unauthenticated_posts_are_refused_and_store_nothing(client, db, esp, auth):
    raw = eml("gmail_new_request.eml")
    if esp == "mailgun":
        response = post_mailgun(client, raw, auth=auth)
    elif esp == "sendgrid":
        response = client.post("/anymail/sendgrid/inbound/", sendgrid_payload(raw), **auth)
    elif esp == "postmark":
        response = client.post(
            "/anymail/postmark/inbound/",
            json.dumps(postmark_payload()),
            content_type="application/json",
            **auth,
        )
    else:
        body, headers = ses_payload(raw)
        response = client.post(
            "/anymail/amazon_ses/inbound/", json.dumps(body), content_type="text/plain", **headers, **auth
        )
    assert response.status_code in (400, 401)
    assert not InboundMessage.objects.exists()
