import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from mailclerk.markers import active_markers, forget_markers
from mailclerk.models import QuoteMarker
from mailclerk.quotes import DEFAULT_MARKERS

from .clerk import ingest, mail


@pytest.fixture(autouse=True)
def fresh_markers():
    # The per-process cache would otherwise outlive each test's rolled-back database.
    forget_markers()
    yield
    forget_markers()


BODY = "The new toner works.\r\n\r\n==== Vorherige Nachricht ====\r\nOld text we sent them."


def test_the_default_markers_are_seeded(db):
    assert set(DEFAULT_MARKERS) <= set(QuoteMarker.objects.values_list("text", flat=True))
    assert set(active_markers()) == set(DEFAULT_MARKERS)


def test_a_marker_added_in_the_admin_cuts_the_quote_in_the_pipeline(case, admin_client):
    response = admin_client.post(
        reverse("admin:mailclerk_quotemarker_add"),
        {"text": "==== Vorherige Nachricht ====", "is_active": "on"},
    )
    assert response.status_code == 302
    inbound = ingest(mail(subject=f"About Case {case.number}", body=BODY))
    assert inbound.activity.body == "The new toner works."
    assert "Old text we sent them." in inbound.activity.meta["full_text"]


def test_clerk_parse_uses_the_active_markers(db, tmp_path):
    path = tmp_path / "m.eml"
    path.write_bytes(mail(body=BODY))
    out = io.StringIO()
    call_command("clerk_parse", str(path), "--body", stdout=out)
    assert "Old text" in out.getvalue()

    QuoteMarker.objects.create(text="==== Vorherige Nachricht ====")
    out = io.StringIO()
    call_command("clerk_parse", str(path), "--body", stdout=out)
    assert out.getvalue().strip() == "The new toner works."


def test_a_deactivated_marker_no_longer_cuts(case):
    QuoteMarker.objects.filter(text="-----Original Message-----").update(is_active=False)
    QuoteMarker.objects.first().save()  # the admin saves through the model: the cache is forgotten
    assert "-----Original Message-----" not in active_markers()
