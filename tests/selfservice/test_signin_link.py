from datetime import timedelta

import time_machine
from django.urls import reverse
from django.utils import timezone

from casedesk.models import OutboundEmail

from .conftest import account_emails, link_in


def request_link(client, email):
    return client.post(reverse("selfservice:signin_link"), {"email": email})


def test_a_customer_gets_a_sign_in_link_by_email(client, customer):
    response = request_link(client, "Dana@Acme.example")
    assert response["Location"] == reverse("selfservice:signin_link_sent")
    [mail] = account_emails(customer.email)
    assert mail.kind == OutboundEmail.Kind.ACCOUNT
    path = link_in(mail.text, "/portal/signin/")
    assert client.get(path).status_code == 200
    assert "_auth_user_id" not in client.session  # opening the link (e.g. a mail scanner) is not using it
    response = client.post(path)
    assert response["Location"] == reverse("selfservice:my_cases")
    assert int(client.session["_auth_user_id"]) == customer.user.pk


def test_the_link_works_only_once(client, customer):
    request_link(client, customer.email)
    path = link_in(account_emails(customer.email)[0].text, "/portal/signin/")
    client.post(path)
    client.logout()
    assert client.post(path).status_code == 400
    assert "_auth_user_id" not in client.session


def test_the_link_expires(client, customer, settings):
    request_link(client, customer.email)
    path = link_in(account_emails(customer.email)[0].text, "/portal/signin/")
    with time_machine.travel(
        timezone.now() + timedelta(seconds=settings.CASEDESK_PORTAL_SIGNIN_LINK_MAX_AGE + 5)
    ):
        assert client.post(path).status_code == 400


def test_unknown_addresses_and_agents_get_the_same_answer_and_no_email(client, agent, db):
    for email in ("nobody@example.org", agent.email):
        response = request_link(client, email)
        assert response["Location"] == reverse("selfservice:signin_link_sent")
    assert OutboundEmail.objects.count() == 0
