"""extract_body on real-shaped replies from the common mail clients, in four languages."""

import pytest

from mailclerk.extract import extract_body

CASES = {
    "gmail_reply_en.eml": (
        "Hi Tom,\n\nI turned it off and on again, the error is still there. The display now\n"
        'also says "paper jam" \u2014 but there is no paper inside.\n\nBest,\nJane'
    ),
    "gmail_html_only_de.eml": (
        "Guten Tag,\n\ndie Rechnung für Dezember ist immer noch nicht angekommen. Bitte schicken Sie sie an:\n\n"
        "- buchhaltung@mueller.example\n- mit Kopie an mich\n\n"
        "Details stehen im Kundenportal <https://portal.example/konto>.\n\n"
        "Mit freundlichen Grüßen\nJürgen Müller"
    ),
    "gmail_es_top_post.eml": "Ya funciona, muchas gracias.",
    "outlook_desktop_en.eml": (
        "Hi,\n\nThe VPN dropped again at 13:00 and 14:00. I attached the client log last time \u2013 "
        "do you need anything else?\n\nKind regards\nRobert Smith\nIT Coordinator | Contoso Ltd.\n"
        "Tel. +44 20 7946 0000"
    ),
    "outlook_web_fr.eml": (
        "Bonjour,\n\nJe n'arrive toujours pas à me connecter : le lien de réinitialisation a expiré.\n\n"
        "Merci d'avance,\nMarie"
    ),
    "outlook_original_message_fr.eml": (
        "Bonjour,\n\nLa licence est bien activée sur le poste 12, mais pas sur le poste 14.\n\n"
        "Cordialement,\nPaul Lefèvre"
    ),
    "outlook_mobile_es.eml": (
        "Gracias, pero el pedido todavía no ha llegado.\n¿Pueden enviarme el número de seguimiento?"
    ),
    "apple_mail_iphone_en.eml": "Got it, thanks. The refund arrived this morning.",
    "apple_mail_html_only_en.eml": "One more thing: the invoice still shows the old address.\n\nBen",
    "thunderbird_bottom_post_de.eml": "Meine Kundennummer ist 48213-B.\n\nViele Grüße\nKlaus Becker",
    "thunderbird_html_en.eml": 'The export still fails with "timeout" after 60 seconds.\n\nAnn',
    "yahoo_es.eml": (
        "Hola, me han cobrado dos veces la factura 2024-017. ¿Pueden devolverme uno de los cargos?\n"
        "Saludos, Lucía"
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_it_keeps_only_the_new_words(load_eml, name):
    result = extract_body(load_eml(name))

    assert result.text == CASES[name]
    assert result.quote_removed
    assert not result.no_new_text


def test_it_flags_a_plain_reply_that_is_entirely_quote(load_eml):
    result = extract_body(load_eml("entire_quote.eml"))

    assert result.text == ""
    assert result.no_new_text
    assert "please switch the printer off" in result.full_text


def test_it_flags_a_gmail_html_reply_that_is_entirely_quote(load_eml):
    result = extract_body(load_eml("gmail_entire_quote_html.eml"))

    assert result.text == ""
    assert result.no_new_text
    assert result.html is not None and "gmail_quote" in result.html


def test_it_keeps_the_whole_interleaved_body_of_an_inline_reply(load_eml):
    result = extract_body(load_eml("inline_reply_en.eml"))

    assert result.text.startswith("On Wed, Jan 17, 2024 at 5:00 PM Casedesk Support")
    assert "> 1. Which version are you running?\n\n4.2.1" in result.text
    assert result.text.endswith("Attached to my previous mail.")
    assert result.signature_removed


def test_it_drops_the_mobile_footer_and_reports_it(load_eml):
    result = extract_body(load_eml("apple_mail_iphone_en.eml"))

    assert "Sent from my iPhone" not in result.text
    assert result.signature_removed


def test_it_keeps_the_customers_own_sign_off_block(load_eml):
    result = extract_body(load_eml("outlook_desktop_en.eml"))

    assert result.text.endswith("Tel. +44 20 7946 0000")
    assert not result.signature_removed


def test_it_returns_the_agents_note_of_a_forward_as_new_text(load_eml):
    result = extract_body(load_eml("forward_chain_gmail.eml"))

    assert result.text == "Customer wrote to me directly, please open a case for her.\n\nTom"
    assert "Sophie Martin" in result.full_text
