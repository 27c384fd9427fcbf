"""Arbitrary bytes, mutated real messages and a corpus of nasty ones: the pipeline stores
each and ends processed, ignored or quarantined; it never raises."""

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mailclerk import services
from mailclerk.models import InboundMessage, content_hash

FIXTURE_ROOT = Path(__file__).parent / "fixtures"
REAL = sorted(FIXTURE_ROOT.rglob("*.eml"))
FINAL = {"processed", "ignored", "quarantined"}

FUZZ_CORPUS = [
    b"",
    b"\x00" * 64,
    b"From: a@b.example\r\n\r\n",
    b"Subject: =?x-unknown-charset?Q?caf=E9?=\r\nFrom: a@b.example\r\n\r\nhi",
    b"From: a@b.example\r\nContent-Type: text/plain; charset=x-no-such-charset\r\n\r\n\xe9\xff\xfe",
    b"From: a@b.example\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!not base64===\r\n",
    b"From: a@b.example\r\nContent-Type: multipart/mixed\r\n\r\nno boundary at all",
    b"From: a@b.example\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: multipart/alternative; boundary=x\r\n\r\n--x--",
    b"From: a@b.example\r\nSubject: " + b"A" * 20000 + b"\r\n\r\nlong header",
    b"From: a@b.example\r\nDate: 99 Foo 99999 99:99:99 +9999\r\nMessage-ID: <<<>>>\r\n\r\nbad date",
    b'From: "unterminated <a@b.example\r\nTo: ,,,@,<>\r\nCc: undisclosed-recipients:;\r\n\r\nbad addresses',
    b"From: a@b.example\r\nIn-Reply-To: " + b"<x@y> " * 5000 + b"\r\n\r\nmany ids",
    b"From: =?utf-8?b?////?= <a@b.example>\r\nSubject: =?utf-8?q?=ZZ?=\r\n\r\nbroken encoded words",
    b"From: a@b.example\r\nContent-Type: message/rfc822\r\n\r\nnot really a message",
    b"From: a@b.example\r\nContent-Type: application/ms-tnef; name=winmail.dat\r\nContent-Disposition: attachment\r\nContent-Transfer-Encoding: base64\r\n\r\neJ8+IgAAAQ==\r\n",
    b"From: a@b.example\r\nSubject: About Case 99999999999999999999999\r\n\r\nhuge number",
    b"From: a@b.example\r\nContent-Type: text/html\r\n\r\n<html><body><script>x</script><div>" * 200,
    b"\xef\xbb\xbfFrom: bom@b.example\r\n\r\nBOM first",
    b"From: a@b.example\nSubject: bare LF\n\n\rbody\r\r\n",
    b"From: Nul\x00Name <nul@b.example>\r\nSubject: a\x00b\r\n\r\nbody \x00 with NUL",
    b"From: nul@b.example\r\nContent-Type: text/html\r\n\r\n<p>NUL\x00in html</p>",
]
_NESTED = b"From: a@b.example\r\nContent-Type: multipart/mixed; boundary=b0\r\n\r\n"
for depth in range(1, 60):
    _NESTED += f"--b{depth - 1}\r\nContent-Type: multipart/mixed; boundary=b{depth}\r\n\r\n".encode()
FUZZ_CORPUS.append(_NESTED + b"deep")


def _control_character_in_gmail_html() -> bytes:
    """A Gmail reply whose HTML has a control character where a tag began: the HTML
    extraction raises on it, and the clerk falls back to the text part."""
    raw = (FIXTURE_ROOT / "extract" / "gmail_entire_quote_html.eml").read_bytes()
    at = raw.find(b'<div class="gmail_quote"')
    return raw[: at - 4] + b"\x01br>" + raw[at:]


FUZZ_CORPUS.append(_control_character_in_gmail_html())


def through_pipeline(raw: bytes) -> InboundMessage:
    inbound, created = services.store_inbound(raw, channel="pipe", enqueue=False)
    result = services.process_inbound(inbound.pk)
    if created:
        assert inbound.read_raw() == raw
    else:  # the same message seen before, perhaps with other trace headers
        assert content_hash(inbound.read_raw()) == content_hash(raw)
    assert not result.reason.startswith("processing error"), result.reason
    return result


@pytest.mark.parametrize("raw", FUZZ_CORPUS, ids=[f"nasty-{i}" for i in range(len(FUZZ_CORPUS))])
def test_nasty_messages_are_stored_and_settled(db, support_queue, raw):
    assert through_pipeline(raw).status in FINAL


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=4096))
def test_arbitrary_bytes_never_raise(db, support_queue, raw):
    assert through_pipeline(raw).status in FINAL


@st.composite
def mutated_real_message(draw):
    raw = bytearray(draw(st.sampled_from(REAL)).read_bytes())
    for _ in range(draw(st.integers(1, 8))):
        op = draw(st.sampled_from(["flip", "cut", "dup", "insert", "delete"]))
        pos = draw(st.integers(0, max(len(raw) - 1, 0)))
        if op == "flip" and raw:
            raw[pos] = draw(st.integers(0, 255))
        elif op == "cut":
            del raw[pos:]
        elif op == "dup":
            raw[pos:pos] = raw[pos : pos + draw(st.integers(1, 200))]
        elif op == "insert":
            raw[pos:pos] = draw(
                st.sampled_from(
                    [
                        b"\r\n",
                        b"\r\n\r\n",
                        b"--",
                        b"=?",
                        b"?=",
                        b"\x00",
                        b'charset="x-bad"',
                        b"boundary=",
                        b";",
                    ]
                )
            )
        elif op == "delete":
            del raw[pos : pos + draw(st.integers(1, 50))]
    return bytes(raw)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=mutated_real_message())
def test_mutated_real_messages_never_raise(db, support_queue, raw):
    assert through_pipeline(raw).status in FINAL


def test_every_real_fixture_goes_through(db, support_queue):
    assert len(REAL) > 20
    for path in REAL:
        assert through_pipeline(path.read_bytes()).status in FINAL, path.name
