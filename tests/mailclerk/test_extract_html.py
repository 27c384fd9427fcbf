"""strip_html_quotes and html_to_text: client-marked history and readable text."""

from mailclerk.extract import html_to_text, strip_html_quotes


def text_after_stripping(html: str) -> str:
    return html_to_text(strip_html_quotes(html))


def test_it_removes_a_trailing_gmail_quote():
    html = (
        '<div dir="ltr">New words</div><div class="gmail_quote"><div class="gmail_attr">On Mon, X wrote:</div>'
        '<blockquote class="gmail_quote">old</blockquote></div>'
    )

    assert text_after_stripping(html) == "New words"


def test_it_keeps_a_gmail_quote_the_sender_answered_below():
    html = (
        '<div class="gmail_quote"><blockquote class="gmail_quote">Which version?</blockquote>'
        "<div>4.2.1</div><blockquote class='gmail_quote'>Every login?</blockquote></div><div>Only nightly.</div>"
    )

    text = text_after_stripping(html)

    assert "> Which version?" in text
    assert "4.2.1" in text
    assert text.endswith("Only nightly.")


def test_it_removes_outlook_web_history_after_divrplyfwdmsg():
    html = (
        "<div>Mine</div><div id='appendonsend'></div><hr><div id='divRplyFwdMsg'><b>From:</b> S</div>"
        "<div>Theirs</div>"
    )

    assert text_after_stripping(html) == "Mine"


def test_it_removes_outlook_desktop_history_after_the_border_top_separator():
    html = (
        "<div class='WordSection1'><p>Mine</p><div><div style='border:none;border-top:solid #E1E1E1 1.0pt'>"
        "<p><b>From:</b> S<br><b>Sent:</b> today</p></div></div><p>Theirs</p></div>"
    )

    assert text_after_stripping(html) == "Mine"


def test_it_removes_apple_thunderbird_and_yahoo_quotes():
    apple = "<div>Mine</div><blockquote type='cite'>Theirs</blockquote>"
    thunderbird = "<p>Mine</p><div class='moz-cite-prefix'>On 1/1/24, S wrote:</div><blockquote type='cite'>T</blockquote>"
    yahoo = "<div>Mine</div><div class='yahoo_quoted'><div>On Monday, S wrote:</div><div>Theirs</div></div>"

    assert [text_after_stripping(h) for h in (apple, thunderbird, yahoo)] == ["Mine"] * 3


def test_it_returns_the_html_unchanged_when_there_is_no_quote():
    html = "<p>Only <b>new</b> text</p>"

    assert strip_html_quotes(html) is html


def test_it_renders_paragraphs_lists_and_links_readably():
    html = (
        "<html><head><title>t</title><style>p{color:red}</style></head><body>"
        "<p>First&nbsp;paragraph.</p><p>Second<br>line two</p>"
        "<ul><li>apple</li><li>pear</li></ul><ol><li>one</li><li>two</li></ol>"
        "<p>See <a href='https://docs.example/a'>the docs</a> or https://x.example and "
        "<a href='mailto:a@b.example'>a@b.example</a>.</p><script>alert(1)</script></body></html>"
    )

    assert html_to_text(html) == (
        "First paragraph.\n\nSecond\nline two\n\n- apple\n- pear\n\n1. one\n2. two\n\n"
        "See the docs <https://docs.example/a> or https://x.example and a@b.example."
    )


def test_it_keeps_preformatted_text_as_is():
    assert html_to_text("<pre>  a\n    b</pre>") == "  a\n    b"


def test_it_renders_blockquotes_as_quoted_lines():
    assert html_to_text("<div>Answer</div><blockquote>Q1<br>Q2</blockquote>") == "Answer\n\n> Q1\n> Q2"


def test_it_copes_with_empty_and_broken_html():
    assert html_to_text("") == ""
    assert html_to_text("<p>unclosed <b>bold") == "unclosed bold"
    assert strip_html_quotes("   ") == "   "


def test_it_keeps_inline_answers_typed_inside_the_gmail_quote():
    html = (
        "<div dir='ltr'></div><div class='gmail_quote'><div class='gmail_attr'>On Mon, S wrote:</div>"
        "<blockquote class='gmail_quote'>Which version?</blockquote><div>4.2.1</div>"
        "<blockquote class='gmail_quote'>Every login?</blockquote><div>Only nightly.</div></div>"
    )

    assert text_after_stripping(html) == (
        "On Mon, S wrote:\n\n> Which version?\n\n4.2.1\n\n> Every login?\n\nOnly nightly."
    )
