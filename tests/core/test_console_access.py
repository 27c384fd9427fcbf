from django.urls import reverse


def test_anonymous_user_is_sent_to_the_login_page(client, db):
    response = client.get(reverse("console:my_work"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_customer_is_refused(client, customer):
    client.force_login(customer.user)
    assert client.get(reverse("console:my_work")).status_code == 403


def test_agent_sees_my_work(client, agent, case):
    client.force_login(agent)
    response = client.get(reverse("console:my_work"))
    assert response.status_code == 200
    assert f"Case {case.number}".encode() in response.content
