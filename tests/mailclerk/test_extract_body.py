"""extract_body: which part becomes the body, and that odd mail never raises."""

import email
import email.policy
from email.message import EmailMessage

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mailclerk.extract import extract_body


def alternative(plain: str, html: str) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = "x"
    msg.set_content(plain)
    msg.add_alternative(html, subtype="html")
    return msg


def test_it_prefers_the_plain_part():
    result = extract_body(alternative("Plain words\n", "<p>HTML words</p>"))

    assert result.text == "Plain words"
    assert result.html == "<p>HTML words</p>\n"


def test_it_uses_the_html_part_when_the_plain_part_is_an_empty_stub():
    result = extract_body(alternative("\n\n", "<p>HTML words</p>"))

    assert result.text == "HTML words"
    assert result.full_text == "HTML words"


def test_it_uses_the_html_part_when_the_plain_part_only_says_to_read_html():
    result = extract_body(alternative("This is a multi-part message in MIME format.\n", "<p>Real words</p>"))

    assert result.text == "Real words"


def test_it_ignores_text_inside_an_attached_message(load_eml):
    result = extract_body(load_eml("nested_rfc822.eml"))

    assert result.text == "See the attached original mail."


def test_it_falls_back_when_the_charset_is_unknown(load_eml):
    result = extract_body(load_eml("weird_charset.eml"))

    assert result.text == "Café au lait, sérieusement cassé."
    assert result.quote_removed


def test_it_survives_broken_transfer_encoding_and_html(load_eml):
    result = extract_body(load_eml("broken_mime.eml"))

    assert isinstance(result.text, str)


def test_it_reports_no_new_text_for_a_mail_without_body():
    msg = EmailMessage()
    msg["Subject"] = "only an attachment"
    msg.add_attachment(b"%PDF", maintype="application", subtype="pdf", filename="a.pdf")

    result = extract_body(msg)

    assert (result.text, result.full_text, result.html, result.no_new_text) == ("", "", None, True)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.binary(max_size=600), st.sampled_from(["utf-8", "x-bogus", "iso-2022-jp", "utf-16"]))
def test_it_never_raises_on_garbage(body, charset):
    cs = charset.encode()
    raw = b"".join(
        [
            b"From: a@b.example\nMIME-Version: 1.0\nContent-Type: multipart/alternative; boundary=zz\n\n",
            b"--zz\nContent-Type: text/plain; charset=%s\nContent-Transfer-Encoding: base64\n\n%s\n"
            % (cs, body),
            b"--zz\nContent-Type: text/html; charset=%s\n\n%s\n--zz--\n" % (cs, body),
        ]
    )

    result = extract_body(email.message_from_bytes(raw, policy=email.policy.default))

    assert isinstance(result.text, str)
    assert result.no_new_text == (not result.text.strip())


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_the_new_text_is_never_longer_than_the_body(text):
    msg = EmailMessage()
    msg.set_content(text)

    result = extract_body(msg)

    assert len(result.text) <= len(text) + 1
