import pytest
from django.apps import apps
from django.contrib import admin
from django.core.management import call_command
from django.urls import reverse

OUR_APPS = ("casedesk", "mailclerk", "rules", "selfservice")
NOT_IN_ADMIN = {"casedesk.casenumbercounter"}


def test_every_model_is_registered_in_the_admin():
    missing = [
        m._meta.label_lower
        for app in OUR_APPS
        for m in apps.get_app_config(app).get_models()
        if m not in admin.site._registry and m._meta.label_lower not in NOT_IN_ADMIN
    ]
    assert missing == []


@pytest.mark.parametrize("search", ["", "acme"])
def test_every_admin_changelist_renders_with_search(client, admin_user, settings, search):
    settings.DEBUG = True
    call_command("seed_demo")
    client.force_login(admin_user)
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in (*OUR_APPS, "auth"):
            continue
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        response = client.get(url, {"q": search} if model_admin.search_fields else {})
        assert response.status_code == 200, url
