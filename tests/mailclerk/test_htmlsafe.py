"""casedesk.htmlsafe: what the console may show of a sender's HTML."""

import re

from casedesk.htmlsafe import has_remote_images, sanitize_email_html


def test_it_removes_scripts_styles_and_event_handlers():
    html = (
        "<style>body{display:none}</style><script>alert(1)</script>"
        "<p onclick='steal()' onmouseover='x()'>Hi</p><img src=x onerror='alert(1)'>"
        "<iframe src='https://evil.example'></iframe><form action='https://evil.example'><input></form>"
    )

    out = sanitize_email_html(html)

    for bad in ("script", "alert", "style>", "onclick", "onmouseover", "onerror", "iframe", "form", "input"):
        assert bad not in out
    assert "<p>Hi</p>" in out


def test_it_removes_javascript_and_data_links():
    out = sanitize_email_html(
        "<a href='javascript:alert(1)'>a</a><a href='JaVaScRiPt:alert(1)'>b</a><a href='data:text/html,x'>c</a>"
    )

    assert "href" not in out


def test_it_opens_links_in_a_new_tab_without_referrer():
    out = sanitize_email_html("<a href='https://example.com/x'>x</a>")

    assert 'href="https://example.com/x"' in out
    assert 'target="_blank"' in out
    assert 'rel="noopener noreferrer nofollow"' in out


def test_it_points_cid_images_at_our_attachment_urls():
    html = "<img src='cid:image001.png@01DA4B2C' alt='s'><img src='cid:unknown@x'>"

    out = sanitize_email_html(html, cid_urls={"<image001.png@01DA4B2C>": "/attachments/7/"})

    assert '<img src="/attachments/7/" alt="s">' in out
    assert "cid:" not in out


def test_it_blocks_remote_images_but_keeps_their_url_for_later():
    out = sanitize_email_html("<p>Logo</p><img src='https://tracker.example/p.gif?u=1' width='1'>")

    assert ' src="https://' not in out
    assert 'data-remote-src="https://tracker.example/p.gif?u=1"' in out


def test_it_loads_remote_images_when_the_agent_asks():
    out = sanitize_email_html("<img src='https://cdn.example/logo.png'>", load_remote_images=True)

    assert 'src="https://cdn.example/logo.png"' in out


def test_it_lets_no_remote_url_through_css():
    out = sanitize_email_html(
        '<p style="color:red;background-image:url(https://t.example/a.gif)">x</p>'
        "<table background='https://t.example/b.gif'><tr><td>y</td></tr></table>"
    )

    assert "t.example" not in out
    assert "color:red" in out


def test_it_drops_a_forged_data_remote_src():
    out = sanitize_email_html("<img src='cid:x' data-remote-src='javascript:alert(1)'>")

    assert "javascript" not in out


def test_it_tells_whether_remote_images_are_present():
    assert has_remote_images("<p>x</p><img src='https://cdn.example/a.png'>")
    assert not has_remote_images("<img src='cid:a@b'><p>no remote</p>")
    assert not has_remote_images("")


def test_it_treats_backslash_and_protocol_relative_sources_as_remote():
    out = sanitize_email_html(
        "<img src='http:\\\\t.example\\a.gif'><img src='//t.example/b.gif'><img src='/x'>"
    )

    assert re.findall(r'(?<![-\w])src="([^"]*)"', out) == []
    assert out.count("data-remote-src=") == 2
