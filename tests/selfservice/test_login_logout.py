from django.urls import reverse

LOGIN = "selfservice:login"


def test_a_customer_signs_in_with_their_email_and_lands_on_my_cases(client, customer):
    response = client.post(reverse(LOGIN), {"username": "DANA@acme.example", "password": "pw-customer"})
    assert response.status_code == 302
    assert response["Location"] == reverse("selfservice:my_cases")


def test_an_agent_signing_in_to_the_portal_is_sent_to_the_console(client, agent):
    response = client.post(reverse(LOGIN), {"username": "alice", "password": "pw-alice"})
    assert response["Location"] == reverse("console:my_work")
    assert client.get(reverse("selfservice:my_cases"))["Location"] == reverse("console:my_work")


def test_a_safe_next_is_followed(client, customer, case):
    target = reverse("selfservice:case", args=[case.number])
    response = client.post(
        reverse(LOGIN), {"username": customer.email, "password": "pw-customer", "next": target}
    )
    assert response["Location"] == target


def test_next_never_redirects_off_site(client, customer):
    for evil in ("https://evil.example/", "//evil.example/x", "/\\evil.example", "https:evil.example"):
        client.logout()
        response = client.post(
            reverse(LOGIN) + f"?next={evil}",
            {"username": customer.email, "password": "pw-customer", "next": evil},
        )
        assert response.status_code == 302
        assert response["Location"] == reverse("selfservice:my_cases"), evil


def test_a_wrong_password_is_refused_without_saying_whether_the_address_exists(client, customer):
    known = client.post(reverse(LOGIN), {"username": customer.email, "password": "wrong"})
    unknown = client.post(reverse(LOGIN), {"username": "nobody@example.org", "password": "wrong"})
    assert known.status_code == unknown.status_code == 200
    assert known.context["form"].non_field_errors() == unknown.context["form"].non_field_errors()


def test_logging_out_ends_the_session(customer_client):
    response = customer_client.post(reverse("selfservice:logout"))
    assert response["Location"] == reverse(LOGIN)
    assert customer_client.get(reverse("selfservice:my_cases")).status_code == 302
