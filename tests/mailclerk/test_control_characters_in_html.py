import email
import email.policy

from mailclerk.extract import extract_body
from mailclerk.htmltext import html_to_text, strip_html_quotes

from .clerk import ingest

HTML = (
    '<div dir="ltr">Still broken after the update.<br></div>\x01\x0b'
    '<div class="gmail_quote"><div class="gmail_attr">On Mon, Dec 2, 2024 wrote:</div>'
    "<blockquote>Please update the driver.</blockquote></div>\n"
)
RAW = (
    "From: dana@acme.example\r\nTo: clerk@casedesk.localhost\r\nSubject: driver\r\n"
    "Message-ID: <ctl-1@acme.example>\r\nMIME-Version: 1.0\r\n"
    'Content-Type: text/html; charset="utf-8"\r\n\r\n' + HTML + "\r\n"
).encode()


def test_a_control_character_in_html_no_longer_breaks_quote_removal():
    assert "Please update" not in strip_html_quotes(HTML)
    assert html_to_text(strip_html_quotes(HTML)) == "Still broken after the update."
    extraction = extract_body(email.message_from_bytes(RAW, policy=email.policy.default))
    assert extraction.text == "Still broken after the update."
    assert extraction.quote_removed


def test_the_clerk_logs_the_extracted_text_not_the_fallback(support_queue, caplog):
    inbound = ingest(RAW)
    assert inbound.case.activities.get(kind="email_in").body == "Still broken after the update."
    assert "body extraction failed" not in caplog.text
