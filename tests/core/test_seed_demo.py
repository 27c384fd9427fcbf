import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from casedesk.models import Activity, Case, Contact, Queue


def test_seed_demo_refuses_without_debug(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")


def test_seed_demo_loads_the_documented_data_idempotently(db, settings):
    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")
    assert Queue.objects.get(is_default=True).name == "Support Cases"
    assert set(Queue.objects.get(slug="support-cases").members.values_list("username", flat=True)) == {
        "alice",
        "bob",
    }
    assert set(Queue.objects.get(slug="billing").members.values_list("username", flat=True)) == {"carol"}
    assert Case.objects.count() == 20
    assert Case.objects.values("status").distinct().count() == 4
    assert Contact.objects.count() == 5
    assert Contact.objects.filter(user__isnull=False).count() == 3
    assert Activity.objects.filter(kind=Activity.Kind.CLOSED).exists()
    for username in ("admin", "alice", "bob", "carol", "dana@acme.example"):
        assert authenticate(username=username, password="casedesk-demo"), username
    assert Contact.objects.get(email="dana@acme.example").site.name == "Acme Corp"
