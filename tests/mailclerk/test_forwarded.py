"""parse_forwarded: an agent's forward reveals the original sender, date, text and the agent's note."""

from datetime import UTC, datetime

from mailclerk.extract import extract_body
from mailclerk.forwarded import parse_forwarded


def test_it_reads_a_gmail_forward_with_history(load_eml):
    fwd = parse_forwarded(extract_body(load_eml("forward_chain_gmail.eml")).full_text)

    assert (fwd.sender_name, fwd.sender_email) == ("Sophie Martin", "sophie.martin@example.org")
    assert fwd.date == datetime(2024, 1, 18, 21, 47)
    assert fwd.subject == "Re: Order 7781 arrived damaged"
    assert fwd.text.startswith("Hi Tom,\n\nthe replacement arrived")
    assert "> Hi Sophie, we sent a replacement today." in fwd.text
    assert fwd.forwarder_text == "Customer wrote to me directly, please open a case for her.\n\nTom"


def test_it_reads_a_german_outlook_forward(load_eml):
    fwd = parse_forwarded(extract_body(load_eml("forward_outlook.eml")).full_text)

    assert (fwd.sender_name, fwd.sender_email) == ("Hans Schmidt", "hans.schmidt@example.de")
    assert fwd.date == datetime(2024, 1, 18, 17, 5)
    assert fwd.subject == "Lieferung fehlt"
    assert fwd.text == "Guten Tag,\nmeine Lieferung ist nicht angekommen.\nHans Schmidt"
    assert fwd.forwarder_text == "Bitte als Fall anlegen."


def test_it_reads_an_apple_mail_forward_sent_as_a_quote(load_eml):
    fwd = parse_forwarded(extract_body(load_eml("forward_apple.eml")).full_text)

    assert (fwd.sender_name, fwd.sender_email) == ("Lee Wong", "lee.wong@example.com")
    assert fwd.date == datetime(2024, 1, 18, 14, 22, 10, tzinfo=UTC)
    assert fwd.text == "The hinge of the cabinet door broke after two days.\nCan you send a new one?\n\nLee"
    assert fwd.forwarder_text == ""


def test_it_reads_an_outlook_original_message_block_with_mailto_sender():
    text = (
        "Please handle.\n\n-----Original Message-----\nFrom: Doe, John [mailto:john.doe@example.com]\n"
        "Sent: Monday, January 8, 2024 3:05 PM\nTo: Agent\nSubject: Broken login\n\nI cannot log in.\n"
    )

    fwd = parse_forwarded(text)

    assert (fwd.sender_name, fwd.sender_email) == ("Doe, John", "john.doe@example.com")
    assert fwd.date == datetime(2024, 1, 8, 15, 5)
    assert fwd.text == "I cannot log in."


def test_it_reads_a_thunderbird_forward_and_a_french_header():
    text = (
        "-------- Message transféré --------\nSujet : x\nDate : lun. 8 janv. 2024 10:15\n"
        "De : Marie Curie <marie@example.fr>\nPour : agent@casedesk.example\n\nBonjour, tout est cassé.\n"
    )

    fwd = parse_forwarded(text)

    assert (fwd.sender_name, fwd.sender_email) == ("Marie Curie", "marie@example.fr")
    assert fwd.date == datetime(2024, 1, 8, 10, 15)
    assert fwd.text == "Bonjour, tout est cassé."


def test_it_keeps_an_unparseable_date_as_none():
    text = "---------- Forwarded message ---------\nFrom: a@example.com\nDate: sometime\nSubject: s\n\nbody"

    fwd = parse_forwarded(text)

    assert fwd.sender_email == "a@example.com"
    assert fwd.date is None


def test_it_finds_nothing_in_an_ordinary_mail():
    assert parse_forwarded("Hello,\nFrom: the look of it, the order is late.\nThanks") is None
    assert parse_forwarded("") is None
