"""Log Note: internal or public, with attachments; bad input is refused and kept."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from casedesk.models import Activity, Attachment


def note_url(case):
    return reverse("console:log_note", kwargs={"number": case.number})


def test_it_logs_an_internal_note(agent_client, case, agent):
    response = agent_client.post(note_url(case), {"body": "Checked the logs.", "visibility": "internal"})
    assert response.status_code == 302
    assert response["Location"] == reverse("console:case", kwargs={"number": case.number})
    note = Activity.objects.filter(case=case, kind="note").get()
    assert (note.body, note.is_public, note.actor_user) == ("Checked the logs.", False, agent)


def test_it_logs_a_public_note_with_attachments(agent_client, case):
    files = [
        SimpleUploadedFile("../../etc/passwd", b"root:x", content_type="text/plain"),
        SimpleUploadedFile("photo.png", b"\x89PNG", content_type="image/png"),
    ]
    response = agent_client.post(
        note_url(case), {"body": "Here you go", "visibility": "public", "attachments": files}
    )
    assert response.status_code == 302
    note = Activity.objects.filter(case=case, kind="note").get()
    assert note.is_public
    names = sorted(note.attachments.values_list("filename", flat=True))
    assert names == ["passwd", "photo.png"]
    stored = Attachment.objects.get(filename="passwd")
    assert stored.file.read() == b"root:x" and stored.size == 6
    assert "passwd" not in stored.file.name and ".." not in stored.file.name


def test_a_file_alone_is_a_note(agent_client, case):
    upload = SimpleUploadedFile("log.txt", b"lines")
    assert (
        agent_client.post(note_url(case), {"visibility": "internal", "attachments": upload}).status_code
        == 302
    )
    assert Attachment.objects.filter(case=case, filename="log.txt").exists()


def test_an_empty_note_is_refused_with_a_message(agent_client, case):
    before = Activity.objects.count()
    response = agent_client.post(note_url(case), {"body": "  ", "visibility": "internal"})
    assert response.status_code == 400
    assert b"Write a note or attach a file." in response.content
    assert Activity.objects.count() == before


def test_a_too_large_file_is_refused_and_the_text_kept(agent_client, case, settings):
    settings.CASEDESK_MAX_UPLOAD_BYTES = 10
    upload = SimpleUploadedFile("big.bin", b"x" * 11)
    response = agent_client.post(
        note_url(case), {"body": "My long careful text", "visibility": "public", "attachments": upload}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "big.bin is too large" in html and "the limit is 10" in html
    assert "My long careful text" in html
    assert not Activity.objects.filter(case=case, kind="note").exists()
    assert not Attachment.objects.exists()


def test_notes_can_be_logged_on_closed_cases(agent_client, case, agent):
    from casedesk import services

    services.do_close_case(case, actor=agent, resolution="done")
    assert agent_client.post(note_url(case), {"body": "FYI", "visibility": "internal"}).status_code == 302
