import json
import os
import subprocess
import sys
from pathlib import Path

from django.test import Client
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]


def test_customers_never_reach_the_console(customer_client):
    assert customer_client.get("/console/").status_code == 403


def test_customers_never_reach_the_admin(customer_client):
    response = customer_client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert customer_client.get("/admin/casedesk/case/").status_code == 302


def test_agents_visiting_the_portal_are_sent_to_the_console(client, agent, case):
    client.force_login(agent)
    for url in (reverse("selfservice:my_cases"), reverse("selfservice:case", args=[case.number])):
        assert client.get(url)["Location"] == reverse("console:my_work")


def test_a_user_without_a_contact_is_refused(client, db):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("loner", "loner@example.org", "pw")
    client.force_login(user)
    assert client.get(reverse("selfservice:my_cases")).status_code == 403


def test_forms_need_the_csrf_token(customer, case):
    client = Client(enforce_csrf_checks=True)
    client.force_login(customer.user)
    assert client.post(reverse("selfservice:case_close", args=[case.number])).status_code == 403
    assert client.post(reverse("selfservice:new_case"), {"title": "x", "description": "y"}).status_code == 403
    anonymous = Client(enforce_csrf_checks=True)
    assert anonymous.post(reverse("selfservice:signup"), {"email": "a@example.org"}).status_code == 403
    page = client.get(reverse("selfservice:case", args=[case.number]))
    assert page.content.count(b"csrfmiddlewaretoken") >= 2


def test_production_settings_make_the_session_cookie_secure():
    env = {k: v for k, v in os.environ.items() if k != "DEBUG"}
    env.update(DEBUG="0", SECRET_KEY="x" * 60, DJANGO_SETTINGS_MODULE="casedesk.settings")
    code = (
        "import json; from casedesk import settings as s;"
        "print(json.dumps([s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert json.loads(out.stdout.strip().splitlines()[-1]) == [True, True, True]
