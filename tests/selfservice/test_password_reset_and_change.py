from django.urls import reverse

from casedesk.models import OutboundEmail

from .conftest import account_emails, link_in


def test_a_reset_link_is_queued_and_sets_a_new_password(client, customer):
    response = client.post(reverse("selfservice:password_reset"), {"email": customer.email})
    assert response["Location"] == reverse("selfservice:password_reset_sent")
    [mail] = account_emails(customer.email)
    assert mail.kind == OutboundEmail.Kind.ACCOUNT and mail.subject == "Reset your support portal password"
    path = link_in(mail.text, "/portal/password/reset/")
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200 and form_page.context["validlink"]
    new = "a-brand-new-password-91"
    response = client.post(form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert response["Location"] == reverse("selfservice:password_reset_complete")
    customer.user.refresh_from_db()
    assert customer.user.check_password(new)
    assert client.get(path, follow=True).context["validlink"] is False  # single use


def test_an_unknown_address_gets_the_same_answer_and_no_email(client, db):
    response = client.post(reverse("selfservice:password_reset"), {"email": "nobody@example.org"})
    assert response["Location"] == reverse("selfservice:password_reset_sent")
    assert OutboundEmail.objects.count() == 0


def test_a_customer_changes_their_password(customer_client, customer):
    new = "another-fine-password-33"
    response = customer_client.post(
        reverse("selfservice:password_change"),
        {"old_password": "pw-customer", "new_password1": new, "new_password2": new},
    )
    assert response["Location"] == reverse("selfservice:my_cases")
    customer.user.refresh_from_db()
    assert customer.user.check_password(new)
    assert customer_client.get(reverse("selfservice:my_cases")).status_code == 200  # still signed in


def test_a_wrong_old_password_changes_nothing(customer_client, customer):
    response = customer_client.post(
        reverse("selfservice:password_change"),
        {
            "old_password": "nope",
            "new_password1": "xx-long-password-1",
            "new_password2": "xx-long-password-1",
        },
    )
    assert response.status_code == 200
    customer.user.refresh_from_db()
    assert customer.user.check_password("pw-customer")
