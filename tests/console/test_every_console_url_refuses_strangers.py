"""Every console URL refuses anonymous users (login page) and customers (403), for GET and
POST. The URL list comes from casedesk.console.urls, so a new view can't be forgotten."""

import pytest
from django.urls import URLPattern, reverse

from casedesk.console import urls as console_urls
from casedesk.models import Activity, Attachment, Case
from casedesk.services import NewAttachment, add_attachments, enqueue_email


@pytest.fixture
def url_kwargs(case):
    activity = Activity.objects.filter(case=case).first()
    attachment = add_attachments(activity, [NewAttachment("a.txt", b"secret")])[0]
    outbound = enqueue_email(to=[case.contact.email], subject="s", text="t", case=case, activity=activity)
    return {"number": case.number, "attachment_id": attachment.pk, "slug": case.queue.slug, "pk": outbound.pk}


def console_urls_for(kwargs: dict) -> list[str]:
    result = []
    for pattern in console_urls.urlpatterns:
        assert isinstance(pattern, URLPattern), "nested includes: extend this test"
        names = list(pattern.pattern.converters)
        missing = [name for name in names if name not in kwargs]
        assert not missing, f"add a value for {missing} of {pattern.name} to url_kwargs"
        result.append(reverse(f"console:{pattern.name}", kwargs={name: kwargs[name] for name in names}))
    return result


def test_the_url_list_covers_every_console_view(url_kwargs):
    urls = console_urls_for(url_kwargs)
    assert len(urls) == len(console_urls.urlpatterns) >= 15


@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_users_get_the_login_page_everywhere(client, url_kwargs, method):
    for url in console_urls_for(url_kwargs):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url


@pytest.mark.parametrize("method", ["get", "post"])
def test_customers_are_refused_everywhere(client, customer, url_kwargs, method):
    client.force_login(customer.user)
    before = (Case.objects.get().status, Activity.objects.count(), Attachment.objects.count())
    for url in console_urls_for(url_kwargs):
        response = getattr(client, method)(url, {"body": "hi", "resolution": "x", "visibility": "public"})
        assert response.status_code == 403, url
        assert b"secret" not in response.content
    assert (Case.objects.get().status, Activity.objects.count(), Attachment.objects.count()) == before


def test_a_staff_user_outside_the_agents_group_is_refused(client, url_kwargs, django_user_model):
    user = django_user_model.objects.create_user("staffer", password="x", is_staff=True)
    client.force_login(user)
    for url in console_urls_for(url_kwargs):
        assert client.get(url).status_code == 403, url


def test_an_agent_can_open_every_page(agent_client, url_kwargs):
    for pattern in console_urls.urlpatterns:
        names = list(pattern.pattern.converters)
        url = reverse(f"console:{pattern.name}", kwargs={n: url_kwargs[n] for n in names})
        response = agent_client.get(url)
        # action URLs only accept POST
        assert response.status_code in (200, 405), url
