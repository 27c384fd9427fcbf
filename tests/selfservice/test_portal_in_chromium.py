"""The portal end to end in Chromium: sign up, verify from the queued email, submit a case
with an attachment, see it listed, add a note, close it; a second customer cannot open it."""

import os
import re
from pathlib import Path

import pytest

from casedesk.models import Case, Contact, OutboundEmail

from ..conftest import make_customer, skip_or_fail

pytestmark = pytest.mark.browser
PASSWORD = "chromium-portal-pass-2026"


@pytest.fixture(autouse=True)
def _needs_chromium():
    if not os.path.exists("/usr/bin/chromium"):
        skip_or_fail("Chromium is not installed at /usr/bin/chromium")


def test_a_customer_signs_up_submits_follows_and_closes_a_case(
    live_server, transactional_db, page, browser, settings, tmp_path, screenshot_pages
):
    from casedesk.models import Queue

    Queue.objects.create(name="Support Cases", slug="support-cases", is_default=True)
    settings.CASEDESK_SITE_URL = live_server.url
    screenshot_pages.append(page)
    page.set_default_timeout(15_000)

    page.goto(f"{live_server.url}/portal/signup/")
    page.fill("#id_name", "Nora Browser")
    page.fill("#id_email", "nora@example.org")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.click("#signup-form button[type=submit]")
    page.wait_for_url("**/portal/signup/sent/")
    assert "Check your email" in page.text_content("h1")

    mail = OutboundEmail.objects.get(kind=OutboundEmail.Kind.ACCOUNT, to=["nora@example.org"])
    link = re.search(r"https?://\S+/portal/verify/\S+", mail.text).group(0)
    assert link.startswith(live_server.url)
    page.goto(link)
    page.click("#confirm-link-form button")
    page.wait_for_url(f"{live_server.url}/portal/")

    attachment = Path(tmp_path / "error-log.txt")
    attachment.write_text("Traceback: everything is on fire\n")
    page.click("#new-case")
    page.fill("#id_title", "Cannot print invoices")
    page.fill("#id_description", "The printer says PC LOAD LETTER.")
    page.set_input_files("#id_attachments", str(attachment))
    page.click("#new-case-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/portal/cases/\d+/$"))
    case = Case.objects.get(title="Cannot print invoices")
    assert f"Case {case.number} created" in page.text_content(".alert-success")
    assert case.channel == Case.Channel.PORTAL and case.contact == Contact.objects.get(
        email="nora@example.org"
    )
    assert "error-log.txt" in page.text_content("#history")

    page.click("text=My cases")
    page.wait_for_url(f"{live_server.url}/portal/")
    row = page.locator(f"tr[data-case='{case.number}']")
    assert "Cannot print invoices" in row.text_content() and "Open" in row.text_content()

    row.locator("a").first.click()
    page.wait_for_url(f"**/portal/cases/{case.number}/")
    page.fill("#note-form textarea", "It also smells of smoke.")
    page.click("#note-form button[type=submit]")
    page.wait_for_selector("text=Your note was added.")
    assert "It also smells of smoke." in page.text_content("#history")

    page.fill("#close-form textarea", "Bought a new printer.")
    page.click("#close-form button[type=submit]")
    page.wait_for_selector("text=is closed.")
    assert page.text_content("#case-status").strip() == "Closed"
    case.refresh_from_db()
    assert case.is_closed

    intruder = make_customer("ivan@elsewhere.example", "Ivan Other")
    other = browser.new_context()
    other_page = other.new_page()
    screenshot_pages.append(other_page)
    other_page.goto(f"{live_server.url}/portal/login/")
    other_page.fill("#id_username", intruder.email)
    other_page.fill("#id_password", "pw-customer")
    other_page.click("#login-form button[type=submit]")
    other_page.wait_for_url(f"{live_server.url}/portal/")
    assert "Cannot print invoices" not in other_page.content()
    response = other_page.goto(f"{live_server.url}/portal/cases/{case.number}/")
    assert response.status == 404
    other.close()
