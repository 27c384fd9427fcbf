"""'Send from my mail client': a mailto link with the contact, the clerk in BCC, the case
subject and the public history (newest first), percent-encoded and kept under ~2000 chars."""

from urllib.parse import parse_qs, unquote, urlsplit

from django.urls import reverse

from casedesk import selectors, services
from casedesk.models import Case


def parse(link: str):
    parts = urlsplit(link)
    assert parts.scheme == "mailto"
    params = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True, strict_parsing=True).items()}
    return unquote(parts.path), params


def test_the_link_addresses_the_contact_with_the_clerk_in_bcc(case, settings):
    settings.CASEDESK_CLERK_EMAIL = "clerk@help.example"
    to, params = parse(selectors.mailto_link(case))
    assert to == "dana@acme.example"
    assert params["bcc"] == "clerk@help.example"
    assert params["subject"] == f"About Case {case.number} :: Printer on fire"
    assert set(params) == {"bcc", "subject", "body"}


def test_the_body_holds_the_public_history_newest_first(case, agent):
    services.do_log_note(case, body="Secret internal detail", actor=agent, is_public=False)
    services.do_log_note(case, body="We ordered a part.", actor=agent, is_public=True)
    _, params = parse(selectors.mailto_link(case))
    body = params["body"]
    assert body.startswith("\r\n---- Original Message ----\r\n")
    assert body.index("We ordered a part.") < body.index("It burns.")
    assert "Secret internal detail" not in body
    assert "Dispatched" not in body  # internal entry


def test_awkward_titles_survive_a_round_trip(customer, support_queue):
    title = "Q&A? #1 — Ünïcødé 100% + spaces=ok/😀"
    case = services.do_create_case(
        title=title, contact=customer, channel=Case.Channel.EMAIL, actor=customer, body="a&b=c?d#e"
    )
    link = selectors.mailto_link(case)
    assert " " not in link and "#" not in link.split("?", 1)[1].replace("%23", "")
    _, params = parse(link)
    assert params["subject"] == f"About Case {case.number} :: {title}"
    assert "a&b=c?d#e" in params["body"]


def test_long_histories_are_truncated_with_a_note(case, agent):
    for i in range(40):
        services.do_log_note(case, body=f"Update {i}: " + "ä words " * 20, actor=agent, is_public=True)
    link = selectors.mailto_link(case)
    assert len(link) <= 2000
    _, params = parse(link)
    body = params["body"]
    assert "Update 39" in body  # the newest entry is kept
    assert "It burns." not in body  # the oldest is cut
    assert body.endswith(selectors.TRUNCATION_NOTE)


def test_the_case_page_shows_the_link(agent_client, case):
    html = agent_client.get(reverse("console:case", kwargs={"number": case.number})).content.decode()
    link = selectors.mailto_link(case).replace("&", "&amp;")
    assert f'href="{link}"' in html
