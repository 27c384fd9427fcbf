"""The case page shows the clerk's extracted text, the complete sanitised original behind
"show full message", inline images from our attachment URLs and remote images only on request."""

import re

from django.urls import reverse

from tests.mailclerk.clerk import ingest
from tests.mailclerk.content import content_eml


def page(client, case, **params):
    return client.get(reverse("console:case", kwargs={"number": case.number}), params)


def entry_html(response, activity) -> str:
    html = response.content.decode()
    start = html.index(f'id="activity-{activity.pk}"')
    return html[start : html.index("</li>", start)]


def test_the_history_shows_the_new_text_and_the_toggle_the_whole_original(agent_client, case):
    entry = ingest(content_eml("gmail_remote_and_inline_images.eml", N=case.number)).activity
    assert entry.body == "Here is the display after the restart:\n[image: display.png]"

    html = entry_html(page(agent_client, case), entry)
    toggle = html.index('class="activity-full')
    assert html.index("Here is the display after the restart:") < toggle
    full = html[toggle:]
    assert "<summary" in full and "Show full message" in full
    assert "We restarted it remotely." in full  # the quote, only in the full message
    assert "We restarted it remotely." not in html[:toggle]
    assert "<script" not in html


def test_cid_images_point_at_the_attachment_and_remote_images_wait_for_load_images(agent_client, case):
    entry = ingest(content_eml("gmail_remote_and_inline_images.eml", N=case.number)).activity
    image = entry.attachments.get()
    assert (image.content_id, image.is_inline, image.filename) == ("ii_m4abc123", True, "display.png")
    url = reverse("console:attachment", kwargs={"number": case.number, "attachment_id": image.pk})

    html = entry_html(page(agent_client, case), entry)
    assert f'src="{url}?inline=1"' in html
    assert ' src="https://tracker.example' not in html
    assert 'data-remote-src="https://tracker.example/open.gif?id=42"' in html
    load = re.search(r'<a class="load-images" href="([^"]+)"', html).group(1)
    assert load == f"?images={entry.pk}#activity-{entry.pk}"

    loaded = entry_html(page(agent_client, case, images=entry.pk), entry)
    assert ' src="https://tracker.example/open.gif?id=42"' in loaded
    assert f'id="full-{entry.pk}" open' in loaded  # the agent sees what they asked for
    assert "load-images" not in loaded

    image_response = agent_client.get(url + "?inline=1")
    assert image_response["Content-Type"] == "image/png"


def test_load_images_for_one_entry_leaves_the_others_blocked(agent_client, case):
    first = ingest(content_eml("gmail_remote_and_inline_images.eml", N=case.number)).activity
    second_raw = content_eml("gmail_remote_and_inline_images.eml", N=case.number).replace(
        b"CAGmailImg0001", b"CAGmailImg0002"
    )
    second = ingest(second_raw).activity
    response = page(agent_client, case, images=first.pk)
    assert ' src="https://tracker.example' in entry_html(response, first)
    assert ' src="https://tracker.example' not in entry_html(response, second)
    assert page(agent_client, case, images="１").status_code == 200  # not ASCII digits: ignored


def test_a_mail_that_only_quotes_is_flagged_no_new_text_with_the_full_message_kept(agent_client, case):
    entry = ingest(content_eml("outlook_entire_quote.eml", N=case.number)).activity
    assert entry.body == ""
    assert entry.meta["no_new_text"] is True
    assert "We restarted it remotely." in entry.meta["full_text"]

    html = entry_html(page(agent_client, case), entry)
    assert "No new text" in html
    full = html[html.index('class="activity-full') :]
    assert "We restarted it remotely." in full and "-----Original Message-----" in full


def test_a_forwarded_note_shows_the_original_date(agent_client, case, agent):
    entry = ingest(content_eml("agent_forward_outlook.eml", N=case.number)).activity
    html = entry_html(page(agent_client, case), entry)
    assert "2024-12-02 16:45" in html
    assert "Erik Berg" in html
