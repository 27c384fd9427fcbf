"""Parsed headers are remembered across messages (a speed-up); messages stay independent."""

from mailclerk.parsing import PARSE_POLICY, parse_message

RAW = (
    b"From: Dana <dana@acme.example>\r\nTo: clerk@casedesk.localhost\r\nSubject: Hi\r\n"
    b'Content-Type: text/plain; charset="iso-8859-1"\r\nContent-Transfer-Encoding: 8bit\r\n\r\nCaf\xe9\r\n'
)


def test_two_messages_with_the_same_headers_are_parsed_alike():
    first, second = parse_message(RAW), parse_message(RAW)
    assert first.from_address == second.from_address == "dana@acme.example"
    assert first.msg.get_content().strip() == second.msg.get_content().strip() == "Café"


def test_changing_one_message_does_not_change_another():
    import email

    one = email.message_from_bytes(RAW, policy=PARSE_POLICY)
    two = email.message_from_bytes(RAW, policy=PARSE_POLICY)
    one.replace_header("Content-Type", "text/html; charset=utf-8")
    assert one.get_content_type() == "text/html"
    assert two.get_content_type() == "text/plain"
    assert two.get_content_charset() == "iso-8859-1"
