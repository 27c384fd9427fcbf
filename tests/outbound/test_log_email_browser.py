"""Chromium: open Log Email on a case, check the prefill, write, send, see it in the history."""

import os

import pytest

from casedesk.console.log_email import case_page_url
from casedesk.models import OutboundEmail

pytestmark = pytest.mark.browser


def login(page, live_server, username, password):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit], input[type=submit]")
    page.wait_for_url(f"{live_server.url}/console/")


def test_an_agent_logs_an_email_from_a_case(
    live_server, transactional_db, screenshot_on_failure, agent, case, smtpd
):
    page = screenshot_on_failure
    login(page, live_server, "alice", "pw-alice")
    page.goto(f"{live_server.url}/console/cases/{case.number}/email/")
    os.makedirs("test-results", exist_ok=True)
    page.screenshot(path="test-results/log_email_prefilled.png", full_page=True)

    assert page.input_value("#id_to") == "dana@acme.example"
    assert page.input_value("#id_subject") == f"About Case {case.number} :: Printer on fire"
    body = page.input_value("#id_body")
    assert body.startswith("Hello Dana,")
    assert body.rstrip().endswith("Best regards,\nAlice Agent")

    page.fill("#id_body", "Hello Dana,\n\nThe fire is out.\n\nBest regards,\nAlice Agent\n")
    page.fill("#id_cc", "erik@acme.example")
    page.click("#log-email-form button[type=submit]")
    # Back on the case page (until the case page exists in this branch: the Log Email page),
    # whose history shows the email with its delivery state.
    page.wait_for_url(f"{live_server.url}{case_page_url(case)}")

    assert "queued for sending" in page.text_content("main")
    outbound = OutboundEmail.objects.get()
    assert outbound.cc == ["erik@acme.example"]
    assert "The fire is out." in outbound.text
    # Celery runs eagerly in the test process: the live server sent it right after commit.
    assert outbound.status == "sent"
    page.screenshot(path="test-results/log_email_after_send.png", full_page=True)
    history = page.locator(f"#outbound-{outbound.pk}")
    assert history.get_attribute("data-status") == "sent"
    assert "Sent" in history.text_content()
    assert len(smtpd.messages) == 1
