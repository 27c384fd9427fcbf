"""Every portal URL is enumerated here, so a new view cannot be forgotten: URLs taking a case
number or attachment id answer 404 to another customer; everything else is either a public
account page or sends anonymous visitors to the portal sign-in."""

import pytest
from django.urls import URLPattern, reverse

from casedesk import services
from casedesk.services import NewAttachment
from selfservice.urls import urlpatterns

OBJECT_KWARGS = {"number", "attachment_id"}
PUBLIC = {
    "signup",
    "signup_sent",
    "verify",
    "login",
    "logout",
    "signin_link",
    "signin_link_sent",
    "signin_with_link",
    "password_reset",
    "password_reset_sent",
    "password_reset_confirm",
    "password_reset_complete",
}
TOKEN_KWARGS = {"token", "uidb64"}


def patterns() -> list[URLPattern]:
    assert all(isinstance(p, URLPattern) for p in urlpatterns), "flatten nested includes here"
    return list(urlpatterns)


def kwargs_of(pattern: URLPattern) -> set[str]:
    return set(pattern.pattern.converters)


def test_every_pattern_is_classified():
    for pattern in patterns():
        kwargs = kwargs_of(pattern)
        assert kwargs <= OBJECT_KWARGS | TOKEN_KWARGS, f"{pattern.name} takes {kwargs}: add it to this test"
        if kwargs & TOKEN_KWARGS:
            assert pattern.name in PUBLIC


@pytest.fixture
def first_customers_objects(customer, case, agent):
    note = services.do_log_note(
        case, body="see file", actor=agent, attachments=[NewAttachment("f.txt", b"f")]
    )
    return {"number": case.number, "attachment_id": note.attachments.get().pk}


def test_urls_with_a_case_or_attachment_are_not_found_for_another_customer(
    client, first_customers_objects, other_customer, customer
):
    checked = []
    for pattern in patterns():
        kwargs = kwargs_of(pattern)
        if not kwargs & OBJECT_KWARGS:
            continue
        url = reverse(f"selfservice:{pattern.name}", kwargs={k: first_customers_objects[k] for k in kwargs})
        client.force_login(other_customer.user)
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"body": "x", "reason": "x"}).status_code == 404, url
        client.force_login(customer.user)
        assert client.get(url).status_code in (200, 405), url  # the URL itself is right
        checked.append(pattern.name)
    assert {"case", "case_add_note", "case_close", "case_reopen", "attachment"} <= set(checked)


def test_the_other_customers_post_changed_nothing(client, first_customers_objects, other_customer, case):
    client.force_login(other_customer.user)
    for name in ("case_add_note", "case_close", "case_reopen"):
        client.post(reverse(f"selfservice:{name}", args=[case.number]), {"body": "x"})
    case.refresh_from_db()
    assert not case.is_closed
    assert not case.activities.filter(actor_contact=other_customer).exists()


def test_every_non_public_url_sends_anonymous_visitors_to_the_portal_sign_in(client, first_customers_objects):
    login = reverse("selfservice:login")
    for pattern in patterns():
        if pattern.name in PUBLIC:
            continue
        kwargs = {k: first_customers_objects[k] for k in kwargs_of(pattern)}
        url = reverse(f"selfservice:{pattern.name}", kwargs=kwargs)
        response = client.post(url) if pattern.name.startswith("case_") else client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(login + "?next="), url
