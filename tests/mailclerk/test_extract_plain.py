"""strip_quoted_text: the plain-text rules, one behaviour per test."""

import pytest

from mailclerk.extract import DEFAULT_MARKERS, strip_quoted_text


def new_text(body: str, **kwargs) -> str:
    return strip_quoted_text(body, **kwargs)[0]


@pytest.mark.parametrize(
    "attribution",
    [
        "On Mon, Jan 8, 2024 at 9:14 AM Support <support@casedesk.example> wrote:",
        "On Mon, Jan 8, 2024 at 9:14 AM Support <\nsupport@casedesk.example> wrote:",
        "On Mon, Jan 8, 2024 at 9:14 AM, Support\n<support@casedesk.example>\nwrote:",
        "On 08/01/2024 09:14, Support wrote:",
        "Am Mo., 8. Jan. 2024 um 09:14 Uhr schrieb Support <support@casedesk.example>:",
        "Am 08.01.24 um 09:14 schrieb Support:",
        "Le lun. 8 janv. 2024 à 09:14, Support <support@casedesk.example> a écrit :",
        "El lun, 8 ene 2024 a las 9:14, Support (<support@casedesk.example>) escribió:",
        "Il giorno lun 8 gen 2024 alle ore 09:14 Support <s@casedesk.example> ha scritto:",
        "Op 8 jan. 2024 om 09:14 schreef Support <support@casedesk.example>:",
        "Support <support@casedesk.example> wrote:",
    ],
)
def test_it_cuts_at_an_attribution_line_in_any_common_form(attribution):
    body = f"Thanks, that fixed it.\n\n{attribution}\n\n> Please restart the router.\n"

    assert strip_quoted_text(body) == ("Thanks, that fixed it.", True, False)


@pytest.mark.parametrize(
    "header",
    [
        "From: Support <support@casedesk.example>\nSent: Monday, January 8, 2024 9:14 AM\nTo: Jane\nSubject: Re: x",
        "*From:* Support [mailto:support@casedesk.example]\n*Sent:* Monday, January 8, 2024 9:14 AM\n*To:* Jane",
        "Von: Support <support@casedesk.example>\nGesendet: Montag, 8. Januar 2024 09:14\nAn: Jane\nBetreff: x",
        "De : Support <support@casedesk.example>\nEnvoyé : lundi 8 janvier 2024 09:14\nÀ : Jane\nObjet : x",
        "De: Support <support@casedesk.example>\nEnviado: lunes, 8 de enero de 2024 9:14\nPara: Jane\nAsunto: x",
        "________________________________\nFrom: Support\nSent: Monday\nTo: Jane\nSubject: x",
    ],
)
def test_it_cuts_at_an_outlook_header_block_in_any_language(header):
    body = f"New words here.\n\n{header}\n\nUnquoted history that must go.\n"

    assert new_text(body) == "New words here."


@pytest.mark.parametrize("marker", DEFAULT_MARKERS)
def test_it_cuts_at_every_default_marker(marker):
    assert new_text(f"Mine.\n\n{marker}\nTheirs.\n") == "Mine."


def test_it_takes_its_markers_from_the_caller():
    body = "Mine.\n\n=== Previous mail ===\nTheirs.\n"

    assert new_text(body) == body.strip()
    assert new_text(body, markers=("=== previous mail ===",)) == "Mine."


def test_it_does_not_take_a_from_line_in_prose_for_a_header():
    body = "From: the warehouse we got two boxes.\nTo be honest one was empty.\n"

    assert new_text(body) == body.strip()


def test_it_does_not_cut_at_a_sentence_that_starts_with_on():
    body = "On your side you can run:\n\n    telnet 127.0.0.1 52698\n\nThat should work."

    assert new_text(body) == body


@pytest.mark.parametrize(
    "footer",
    [
        "Sent from my iPhone",
        "Sent from my Verizon Wireless BlackBerry",
        "Get Outlook for iOS",
        "Von meinem iPhone gesendet",
        "Envoyé de mon iPhone",
        "Enviado desde mi iPhone",
        "Sent from Mail for Windows",
    ],
)
def test_it_drops_a_mobile_footer(footer):
    assert strip_quoted_text(f"Done, thanks.\n\n{footer}\n") == ("Done, thanks.", False, True)


def test_it_keeps_a_sentence_that_only_starts_like_a_footer():
    body = "Done.\n\nSent from my desk, which is much easier than my phone."

    assert new_text(body) == body


def test_it_drops_a_dash_dash_signature():
    assert strip_quoted_text("Works now.\n\n-- \nJane Doe\nACME Corp\n") == ("Works now.", False, True)


def test_it_keeps_a_long_block_after_a_dash_dash_line():
    body = "Intro\n--\n" + "\n".join(f"step {n}" for n in range(20))

    assert new_text(body) == body


def test_it_keeps_dashes_inside_a_sentence():
    body = "Here is a fix -- this is not a signature.\n\nBye"

    assert new_text(body) == body


def test_it_drops_a_mailing_list_footer():
    body = "Question?\n\n_______________________________________________\nfoo mailing list\nhttp://x/listinfo/foo\n"

    assert new_text(body) == "Question?"


def test_it_keeps_only_the_answer_of_a_bottom_posted_reply():
    body = "On Mon, Jan 8, 2024 at 9:14 AM Support <s@x.example> wrote:\n> Which version?\n\nVersion 4.2.\n"

    assert strip_quoted_text(body) == ("Version 4.2.", True, False)


def test_it_keeps_an_interleaved_reply_whole_but_drops_the_quote_after_it():
    body = "On Mon, Jan 8, 2024, S <s@x.example> wrote:\n> A?\n\nYes.\n\n> B?\n\nNo.\n\n> Thanks\n> S\n"

    assert new_text(body) == "On Mon, Jan 8, 2024, S <s@x.example> wrote:\n> A?\n\nYes.\n\n> B?\n\nNo."


def test_it_returns_nothing_when_everything_is_quoted():
    assert strip_quoted_text("> all\n> quoted\n") == ("", True, False)


def test_it_handles_crlf_line_ends():
    body = "Yes.\r\n\r\nOn Tue, Sep 25, 2012 at 8:59 AM, Chris\r\n<c@x.example>wrote:\r\n\r\n> old\r\n"

    assert new_text(body) == "Yes."


def test_it_leaves_a_reply_without_history_alone():
    body = "Hi,\n\n- one\n- two\n\n   indented code\n"

    assert strip_quoted_text(body) == ("Hi,\n\n- one\n- two\n\n   indented code", False, False)


@pytest.mark.parametrize("attribution", ["John Smith wrote:", "On Monday, John Smith wrote:"])
def test_it_cuts_at_an_undated_attribution_followed_by_a_quote(attribution):
    assert new_text(f"Sure.\n\n{attribution}\n> Can you call me?\n") == "Sure."


def test_it_keeps_a_wrote_line_that_introduces_the_senders_own_text():
    body = "My colleague wrote:\nthe server is down since 9:00.\n\nCan you check?"

    assert new_text(body) == body


def test_it_keeps_a_greeting_right_above_an_interleaved_quote():
    body = "Hi,\nJane Doe wrote:\n> Question?\n\nAnswer.\n"

    assert new_text(body) == "Hi,\nJane Doe wrote:\n> Question?\n\nAnswer."
