"""collect_attachments and safe_filename: what is stored, what is refused, and under which name."""

import struct
from email.message import EmailMessage

import pytest

from mailclerk.attachments import AttachmentLimits, SkippedPart, collect_attachments, safe_filename


def tnef_attribute(level: int, name: int, type_: int, data: bytes) -> bytes:
    checksum = sum(data) & 0xFFFF
    return struct.pack("<BHHI", level, name, type_, len(data)) + data + struct.pack("<H", checksum)


def build_winmail_dat(files: dict[str, bytes]) -> bytes:
    """A minimal valid TNEF stream: version, OEM codepage, then one rendering/title/data triple per file."""
    out = struct.pack("<IH", 0x223E9F78, 0x0001)
    out += tnef_attribute(1, 0x9006, 0x0008, struct.pack("<I", 0x10000))
    out += tnef_attribute(1, 0x9007, 0x0006, struct.pack("<II", 1252, 0))
    for name, data in files.items():
        out += tnef_attribute(2, 0x9002, 0x0006, b"\x00" * 14)
        out += tnef_attribute(2, 0x8010, 0x0001, name.encode() + b"\x00")
        out += tnef_attribute(2, 0x800F, 0x0006, data)
    return out


def mail_with(*parts: tuple[bytes, str, str, str | None]) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = "files"
    msg.set_content("See attached.")
    for payload, maintype, subtype, filename in parts:
        msg.add_attachment(payload, maintype=maintype, subtype=subtype, filename=filename)
    return msg


def test_it_collects_parts_with_a_filename_or_a_non_text_type():
    msg = mail_with((b"%PDF-1.4", "application", "pdf", "quote.pdf"), (b"\x89PNG", "image", "png", None))

    stored, skipped = collect_attachments(msg, AttachmentLimits())

    assert [(a.filename, a.content_type, a.payload) for a in stored] == [
        ("quote.pdf", "application/pdf", b"%PDF-1.4"),
        ("attachment-2.png", "image/png", b"\x89PNG"),
    ]
    assert skipped == []


def test_it_does_not_treat_the_body_as_an_attachment(load_eml):
    stored, _ = collect_attachments(load_eml("gmail_reply_en.eml"), AttachmentLimits())

    assert stored == []


def test_it_unpacks_winmail_dat():
    tnef = build_winmail_dat({"report.docx": b"PK\x03\x04docx", "notes.txt": b"hello"})
    msg = mail_with((tnef, "application", "ms-tnef", "winmail.dat"))

    stored, _ = collect_attachments(msg, AttachmentLimits())

    assert [(a.filename, a.payload) for a in stored] == [
        ("report.docx", b"PK\x03\x04docx"),
        ("notes.txt", b"hello"),
    ]
    assert stored[1].content_type == "text/plain"


def test_it_keeps_a_damaged_winmail_dat_as_it_is():
    msg = mail_with((b"not tnef at all", "application", "ms-tnef", "winmail.dat"))

    stored, _ = collect_attachments(msg, AttachmentLimits())

    assert [(a.filename, a.payload) for a in stored] == [("winmail.dat", b"not tnef at all")]


def test_it_attaches_a_forwarded_message_whole_as_eml(load_eml):
    stored, _ = collect_attachments(load_eml("nested_rfc822.eml"), AttachmentLimits())

    assert [(a.filename, a.content_type) for a in stored] == [
        ("Complaint about invoice 4411.eml", "message/rfc822")
    ]
    assert b"Subject: Complaint about invoice 4411" in stored[0].payload
    assert b"invoice-4411.pdf" in stored[0].payload


def test_it_links_inline_images_by_content_id(load_eml):
    stored, _ = collect_attachments(load_eml("inline_image_html.eml"), AttachmentLimits())

    assert [(a.filename, a.content_id, a.inline) for a in stored] == [
        ("image001.png", "image001.png@01DA4B2C.5E6F7A80", True)
    ]


def test_it_lists_but_does_not_store_an_oversized_attachment():
    msg = mail_with((b"x" * 5000, "application", "zip", "big.zip"), (b"small", "text", "plain", "ok.txt"))

    stored, skipped = collect_attachments(msg, AttachmentLimits(max_bytes_each=4096))

    assert [a.filename for a in stored] == ["ok.txt"]
    assert skipped == [SkippedPart("big.zip", 5000, "over the 4 KB limit")]
    assert skipped[0].describe() == "attachment big.zip (5 KB) not stored: over the 4 KB limit"


def test_it_describes_sizes_in_megabytes():
    part = SkippedPart("video.mov", 40 * 1024 * 1024, "over the 25 MB limit")

    assert part.describe() == "attachment video.mov (40 MB) not stored: over the 25 MB limit"


def test_it_enforces_the_total_and_count_limits():
    msg = mail_with(*[(b"x" * 100, "application", "octet-stream", f"f{n}.bin") for n in range(5)])

    by_total = collect_attachments(msg, AttachmentLimits(max_bytes_total=250))
    by_count = collect_attachments(msg, AttachmentLimits(max_count=3))

    assert [a.filename for a in by_total[0]] == ["f0.bin", "f1.bin"]
    assert [s.filename for s in by_total[1]] == ["f2.bin", "f3.bin", "f4.bin"]
    assert by_count[1][0].reason == "over the limit of 3 attachments"
    assert len(by_count[0]) == 3


def test_it_decodes_rfc2231_and_rfc2047_filenames(load_eml):
    stored, _ = collect_attachments(load_eml("filenames.eml"), AttachmentLimits())

    names = [a.filename for a in stored]
    assert names[:3] == ["€ Rechnung März.pdf", "Zażółć gęślą jaźń.png", "very long report name part two.txt"]


def test_it_never_yields_a_path(load_eml):
    stored, _ = collect_attachments(load_eml("filenames.eml"), AttachmentLimits())

    for name in [a.filename for a in stored]:
        assert "/" not in name and "\\" not in name
        assert not name.startswith(".")
    assert [a.filename for a in stored][3:] == ["passwd", "WindowsSystem32evil.dll", "attachment-6.bin"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\x\\evil.exe", "evil.exe"),
        ("..", "fallback.bin"),
        ("", "fallback.bin"),
        (None, "fallback.bin"),
        (".htaccess", "htaccess"),
        ("a\x00b\x1f.txt", "a_b_.txt"),
        ('what?<>:"|*.txt', "what_______.txt"),
        ("CON.txt", "_CON.txt"),
        ("=?UTF-8?Q?caf=C3=A9.pdf?=", "café.pdf"),
        ("  spaced   name .pdf  ", "spaced name .pdf"),
    ],
)
def test_safe_filename(name, expected):
    assert safe_filename(name, "fallback.bin") == expected


def test_safe_filename_shortens_long_names_but_keeps_the_extension():
    name = safe_filename("é" * 300 + ".pdf", "f")

    assert name.endswith(".pdf")
    assert len(name.encode()) <= 200


def test_it_collects_a_message_whose_whole_body_is_a_file():
    msg = EmailMessage()
    msg.set_content(b"%PDF-1.4 scan", maintype="application", subtype="pdf", filename="scan.pdf")

    stored, _ = collect_attachments(msg, AttachmentLimits())

    assert [(a.filename, a.payload) for a in stored] == [("scan.pdf", b"%PDF-1.4 scan")]
