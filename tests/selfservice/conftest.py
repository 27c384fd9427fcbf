"""Portal fixtures: isolated rate-limit counters, a domain-event collector, helpers to read
links out of queued account email, and the Chromium override for Playwright (RECIPES §1)."""

import re
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _own_cache_namespace(settings):
    """Each test counts rate limits from zero, on the configured cache (Redis in CI)."""
    settings.CACHES = {"default": {**settings.CACHES["default"], "KEY_PREFIX": f"t{uuid.uuid4().hex}"}}


@pytest.fixture
def domain_events():
    """Every domain event delivered (after commit) while the test runs."""
    from casedesk import events

    seen = []

    def collect(event):
        seen.append(event)

    events.subscribe(collect)
    yield seen
    events.unsubscribe(collect)


def account_emails(to: str):
    from casedesk.models import OutboundEmail

    return list(OutboundEmail.objects.filter(kind=OutboundEmail.Kind.ACCOUNT).order_by("id").filter(to=[to]))


def link_in(text: str, path_part: str) -> str:
    """The first URL in the text whose path contains `path_part`, as a site-relative path."""
    for url in re.findall(r"https?://\S+", text):
        if path_part in url:
            return re.sub(r"^https?://[^/]+", "", url)
    raise AssertionError(f"no link with {path_part!r} in:\n{text}")


@pytest.fixture
def customer_client(client, customer):
    client.force_login(customer.user)
    return client


# --- Playwright in Debian's Chromium ----------------------------------------------------


@pytest.fixture
def screenshot_pages(request):
    """Yields a list to append Playwright pages to; a failing test saves their screenshots."""
    pages = []
    yield pages
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        out = ROOT / "test-results"
        out.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)
        for index, page in enumerate(pages):
            try:
                page.screenshot(path=str(out / f"{name}-{index}.png"), full_page=True)
            except Exception as exc:  # a dead page must not hide the test's own failure
                print(f"screenshot failed: {exc}")
