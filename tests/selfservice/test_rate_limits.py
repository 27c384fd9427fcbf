import pytest
from django.urls import reverse

from casedesk.models import OutboundEmail
from selfservice.ratelimit import LIMITED_MESSAGE

PASSWORD = "a-long-portal-password-42"


@pytest.fixture
def limits(settings):
    settings.CASEDESK_PORTAL_RATE_LIMIT_PER_ADDRESS = 3
    settings.CASEDESK_PORTAL_RATE_LIMIT_PER_IP = 5
    return settings


def post_signin_link(client, email, ip="10.0.0.1"):
    return client.post(reverse("selfservice:signin_link"), {"email": email}, REMOTE_ADDR=ip)


def test_sign_in_link_requests_are_limited_per_address(client, customer, limits):
    for ip in ("10.0.0.1", "10.0.0.2", "10.0.0.3"):
        assert post_signin_link(client, customer.email, ip).status_code == 302
    refused = post_signin_link(client, customer.email, "10.0.0.4")
    assert refused.status_code == 429 and LIMITED_MESSAGE.encode() in refused.content
    assert OutboundEmail.objects.count() == 3


def test_the_lockout_message_is_the_same_for_unknown_addresses(client, customer, limits):
    for _ in range(3):
        post_signin_link(client, customer.email)
        post_signin_link(client, "nobody@example.org", "10.0.0.9")
    known = post_signin_link(client, customer.email, "10.0.1.1")
    unknown = post_signin_link(client, "nobody@example.org", "10.0.1.2")
    assert known.status_code == unknown.status_code == 429
    assert known.context["form"].non_field_errors() == unknown.context["form"].non_field_errors()


def test_requests_are_limited_per_ip_across_addresses(client, db, limits):
    for n in range(5):
        assert post_signin_link(client, f"person{n}@example.org").status_code == 302
    assert post_signin_link(client, "person9@example.org").status_code == 429
    assert post_signin_link(client, "person9@example.org", "10.9.9.9").status_code == 302


def test_sign_ups_are_limited(client, db, limits):
    data = {"email": "new@example.org", "password1": PASSWORD, "password2": PASSWORD}
    for _ in range(3):
        assert client.post(reverse("selfservice:signup"), data).status_code == 302
    response = client.post(reverse("selfservice:signup"), data)
    assert response.status_code == 429 and LIMITED_MESSAGE.encode() in response.content


def test_password_resets_are_limited(client, customer, limits):
    for _ in range(3):
        assert (
            client.post(reverse("selfservice:password_reset"), {"email": customer.email}).status_code == 302
        )
    response = client.post(reverse("selfservice:password_reset"), {"email": customer.email})
    assert response.status_code == 429 and LIMITED_MESSAGE.encode() in response.content
    assert OutboundEmail.objects.count() == 3


def test_failed_sign_ins_lock_the_address_even_with_the_right_password(client, customer, limits):
    for _ in range(3):
        client.post(reverse("selfservice:login"), {"username": customer.email, "password": "wrong"})
    response = client.post(
        reverse("selfservice:login"), {"username": customer.email, "password": "pw-customer"}
    )
    assert response.status_code == 200 and LIMITED_MESSAGE.encode() in response.content
    assert "_auth_user_id" not in client.session
    unknown = client.post(reverse("selfservice:login"), {"username": "nobody@example.org", "password": "x"})
    assert LIMITED_MESSAGE.encode() not in unknown.content  # another address is not locked by this one
