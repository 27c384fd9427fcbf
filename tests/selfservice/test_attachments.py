from django.urls import reverse

from casedesk import services
from casedesk.services import NewAttachment


def download_url(case, attachment):
    return reverse("selfservice:attachment", args=[case.number, attachment.pk])


def test_a_public_attachment_downloads_as_an_attachment_never_inline(customer_client, case, agent):
    note = services.do_log_note(
        case,
        body="See attached",
        actor=agent,
        attachments=[NewAttachment("evil.html", b"<script>alert(1)</script>", "text/html")],
    )
    attachment = note.attachments.get()
    page = customer_client.get(reverse("selfservice:case", args=[case.number]))
    assert download_url(case, attachment).encode() in page.content
    response = customer_client.get(download_url(case, attachment))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="evil.html"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/octet-stream"
    assert b"".join(response.streaming_content) == b"<script>alert(1)</script>"


def test_an_internal_attachment_is_not_found(customer_client, case, agent):
    note = services.do_log_note(
        case, body="internal", actor=agent, is_public=False, attachments=[NewAttachment("secret.txt", b"s")]
    )
    assert customer_client.get(download_url(case, note.attachments.get())).status_code == 404


def test_an_attachment_of_another_case_is_not_found_under_my_case_number(
    customer_client, customer, case, agent
):
    from casedesk.models import Case

    mine_too = services.do_create_case(
        title="Second", contact=customer, channel=Case.Channel.PORTAL, actor=customer
    )
    note = services.do_log_note(case, body="x", actor=agent, attachments=[NewAttachment("a.txt", b"a")])
    assert customer_client.get(download_url(mine_too, note.attachments.get())).status_code == 404
