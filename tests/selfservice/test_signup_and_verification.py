from datetime import timedelta

import time_machine
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from casedesk.models import Case, Contact, OutboundEmail
from selfservice.models import Signup

from .conftest import account_emails, link_in

User = get_user_model()
PASSWORD = "a-long-portal-password-42"


def sign_up(client, email="new@example.org", password=PASSWORD, name="Nina New"):
    return client.post(
        reverse("selfservice:signup"),
        {"name": name, "email": email, "password1": password, "password2": password},
    )


def test_it_queues_a_verification_email_and_keeps_the_account_inactive(client, db):
    response = sign_up(client, email="New@Example.org")
    assert response.status_code == 302
    assert response["Location"] == reverse("selfservice:signup_sent")
    user = User.objects.get(username="new@example.org")
    assert not user.is_active
    [mail] = account_emails("new@example.org")
    assert mail.kind == OutboundEmail.Kind.ACCOUNT and mail.case is None
    assert mail.status == OutboundEmail.Status.QUEUED
    assert "/portal/verify/" in mail.text


def test_an_unverified_account_cannot_sign_in(client, db):
    sign_up(client)
    response = client.post(
        reverse("selfservice:login"), {"username": "new@example.org", "password": PASSWORD}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_following_the_link_activates_logs_in_and_links_the_existing_contact(client, db, support_queue):
    from casedesk import services

    contact, _ = services.get_or_create_contact("new@example.org", name="Nina")
    by_mail = services.do_create_case(
        title="Sent by email", contact=contact, channel=Case.Channel.EMAIL, actor=contact, body="hi"
    )
    sign_up(client)
    path = link_in(account_emails("new@example.org")[0].text, "/portal/verify/")

    page = client.get(path)
    assert page.status_code == 200 and b"Confirm" in page.content
    assert not User.objects.get(username="new@example.org").is_active  # a GET changes nothing

    response = client.post(path)
    assert response.status_code == 302 and response["Location"] == reverse("selfservice:my_cases")
    user = User.objects.get(username="new@example.org")
    assert user.is_active
    contact.refresh_from_db()
    assert contact.user == user
    assert Signup.objects.get(user=user).verified_at is not None
    listing = client.get(reverse("selfservice:my_cases"))
    assert (
        f"Case {by_mail.number}".encode() in listing.content
        or str(by_mail.number).encode() in listing.content
    )


def test_a_contact_is_created_when_none_has_the_address(client, db):
    sign_up(client, email="fresh@example.org", name="Fresh Person")
    client.post(link_in(account_emails("fresh@example.org")[0].text, "/portal/verify/"))
    contact = Contact.objects.get(email="fresh@example.org")
    assert contact.user.username == "fresh@example.org"
    assert contact.name == "Fresh Person"


def test_the_verification_link_works_once(client, db):
    sign_up(client)
    path = link_in(account_emails("new@example.org")[0].text, "/portal/verify/")
    client.post(path)
    client.logout()
    assert client.post(path).status_code == 400
    assert "_auth_user_id" not in client.session


def test_an_expired_verification_link_is_refused(client, db, settings):
    sign_up(client)
    path = link_in(account_emails("new@example.org")[0].text, "/portal/verify/")
    later = timezone.now() + timedelta(seconds=settings.CASEDESK_PORTAL_VERIFY_LINK_MAX_AGE + 60)
    with time_machine.travel(later):
        assert client.post(path).status_code == 400
    assert not User.objects.get(username="new@example.org").is_active


def test_a_tampered_link_is_refused(client, db):
    sign_up(client)
    path = link_in(account_emails("new@example.org")[0].text, "/portal/verify/")
    assert client.post(path.replace("/verify/", "/verify/x")).status_code == 400


def test_signing_up_with_a_taken_address_looks_the_same_and_mails_the_owner(client, customer):
    response = sign_up(client, email=customer.email)
    assert response.status_code == 302 and response["Location"] == reverse("selfservice:signup_sent")
    [mail] = account_emails(customer.email)
    assert "already has an account" in mail.text
    assert "/portal/verify/" not in mail.text
    assert User.objects.filter(email__iexact=customer.email).count() == 1


def test_signing_up_again_before_verifying_resends_and_voids_the_old_link(client, db):
    sign_up(client)
    first = link_in(account_emails("new@example.org")[0].text, "/portal/verify/")
    sign_up(client, password="another-long-password-77")
    second = link_in(account_emails("new@example.org")[1].text, "/portal/verify/")
    assert client.post(first).status_code == 400
    assert client.post(second).status_code == 302
    assert User.objects.get(username="new@example.org").check_password("another-long-password-77")


def test_a_deactivated_account_is_not_revived_by_signing_up(client, customer):
    customer.user.is_active = False
    customer.user.save()
    assert sign_up(client, email=customer.email).status_code == 302
    assert account_emails(customer.email) == []
    customer.user.refresh_from_db()
    assert not customer.user.is_active


def test_mismatched_or_weak_passwords_are_explained_and_nothing_is_created(client, db):
    response = client.post(
        reverse("selfservice:signup"),
        {"email": "new@example.org", "password1": PASSWORD, "password2": PASSWORD + "x"},
    )
    assert response.status_code == 200 and b"The two passwords differ" in response.content
    response = sign_up(client, password="123")
    assert response.status_code == 200 and b"too short" in response.content
    assert not User.objects.filter(username="new@example.org").exists()
    assert OutboundEmail.objects.count() == 0


def test_verifying_after_the_contact_got_another_login_is_refused_cleanly(client, db):
    from casedesk import services

    sign_up(client)
    path = link_in(account_emails("new@example.org")[0].text, "/portal/verify/")
    contact, _ = services.get_or_create_contact("new@example.org")
    other = User.objects.create_user("admin-made", "elsewhere@example.org", "pw")
    services.do_link_contact_user(contact, user=other)
    response = client.post(path)
    assert response.status_code == 409 and b"already has a portal account" in response.content
    assert not User.objects.get(username="new@example.org").is_active
