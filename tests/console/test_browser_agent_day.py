"""In Chromium: an agent logs in, opens a queue, opens a case, logs a note, accepts it,
closes it, and the history shows each step."""

import pytest
from django.urls import reverse

from tests.conftest import make_agent


@pytest.mark.browser
def test_an_agent_works_a_case_from_queue_to_close(
    live_server, transactional_db, screenshot_on_failure, support_queue, case
):
    make_agent("alice", support_queue)
    page = screenshot_on_failure
    page.set_default_timeout(10_000)

    page.goto(live_server.url + reverse("console:my_work"))
    page.fill("#id_username", "alice")
    page.fill("#id_password", "pw-alice")
    page.click("#login-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}{reverse('console:my_work')}")

    page.click(f"#queue-counts [data-queue='{support_queue.slug}'] a")
    page.wait_for_url(f"**{reverse('console:queue', kwargs={'slug': support_queue.slug})}")
    assert page.locator("h1").inner_text() == "Queue: Support Cases"

    page.click(f"tr.case-row[data-number='{case.number}'] a >> nth=0")
    page.wait_for_url(f"**{reverse('console:case', kwargs={'number': case.number})}")
    assert "Printer on fire" in page.locator("#case-title").inner_text()

    page.fill("#note-form textarea[name=body]", "Called Dana, sending a technician.")
    page.check("#note-form input[value=public]")
    page.click("#note-submit")
    page.wait_for_selector("text=Public note logged.")

    page.click("#accept-button")
    page.wait_for_selector(f"text=You accepted Case {case.number}.")
    assert page.locator("#case-owner").inner_text() == "Alice Agent"
    assert page.locator("#case-status").inner_text() == "In progress"

    page.click("#close-section summary")
    page.fill("#close-form textarea[name=resolution]", "Technician replaced the fuser.")
    page.click("#close-submit")
    page.wait_for_selector(f"text=Case {case.number} closed.")
    assert page.locator("#case-status").inner_text() == "Closed"

    entries = page.locator("#timeline li.activity")
    kinds = entries.evaluate_all("nodes => nodes.map(n => n.dataset.kind)")
    assert kinds[-3:] == ["note", "assigned", "closed"]
    text = page.locator("#timeline").inner_text()
    assert "Called Dana, sending a technician." in text
    assert "Accepted by Alice Agent" in text
    assert "Technician replaced the fuser." in text
