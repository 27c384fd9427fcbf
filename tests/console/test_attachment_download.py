"""Attachments are served only through the console (agents), as downloads with a safe
filename and nosniff; raster images may be shown inline; nothing via a public URL."""

from django.conf import settings
from django.urls import reverse

from casedesk import services
from casedesk.downloads import safe_filename
from casedesk.services import NewAttachment


def attach(case, actor, name, content=b"data", content_type="application/octet-stream"):
    note = services.do_log_note(
        case, body="file", actor=actor, attachments=[NewAttachment(name, content, content_type)]
    )
    return note.attachments.get()


def download(client, attachment, **params):
    return client.get(
        reverse(
            "console:attachment", kwargs={"number": attachment.case.number, "attachment_id": attachment.pk}
        ),
        params,
    )


def test_it_downloads_as_an_attachment_whatever_the_claimed_type(agent_client, case, agent):
    attachment = attach(case, agent, "page.html", b"<script>alert(1)</script>", "text/html")
    response = download(agent_client, attachment)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"<script>alert(1)</script>"
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == 'attachment; filename="page.html"'
    assert response["X-Content-Type-Options"] == "nosniff"


def test_raster_images_may_be_shown_inline_but_svg_never(agent_client, case, agent):
    png = attach(case, agent, "shot.png", b"\x89PNG", "image/png")
    response = download(agent_client, png, inline="1")
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline")
    svg = attach(case, agent, "x.svg", b"<svg onload=alert(1)>", "image/svg+xml")
    response = download(agent_client, svg, inline="1")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")


def test_non_ascii_and_hostile_names_are_safe_in_the_header(agent_client, case, agent):
    attachment = attach(case, agent, 'Rapport "final"\r\nX-Evil: 1 ä.pdf')
    disposition = download(agent_client, attachment)["Content-Disposition"]
    assert "\r" not in disposition and "\n" not in disposition
    assert disposition.startswith("attachment; filename*=utf-8''")


def test_the_case_number_must_match(agent_client, case, agent, other_customer):
    attachment = attach(case, agent, "a.txt")
    other = services.do_create_case(title="x", contact=other_customer, channel="email", actor=other_customer)
    url = reverse("console:attachment", kwargs={"number": other.number, "attachment_id": attachment.pk})
    assert agent_client.get(url).status_code == 404


def test_a_missing_file_is_404(agent_client, case, agent):
    attachment = attach(case, agent, "a.txt")
    attachment.file.delete(save=False)
    assert download(agent_client, attachment).status_code == 404


def test_there_is_no_public_media_url(case, agent, client):
    assert settings.MEDIA_URL in (None, "")
    attachment = attach(case, agent, "a.txt")
    assert client.get("/media/" + attachment.file.name).status_code == 404


def test_safe_filename():
    assert safe_filename("../../etc/passwd") == "passwd"
    assert safe_filename("C:\\Users\\x\\report.pdf") == "report.pdf"
    assert safe_filename('a"b;c\x00\r\n.txt') == "a_b_c_.txt"
    assert safe_filename("...") == "attachment"
    assert safe_filename("é" * 300 + ".pdf").endswith(".pdf")
    assert len(safe_filename("é" * 300 + ".pdf")) == 200
