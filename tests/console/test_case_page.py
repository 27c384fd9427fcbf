"""The case page: header, history newest last, internal entries marked, sanitised email
HTML, attachments as links, outgoing mail state, in a constant number of queries."""

import pytest
from django.urls import reverse

from casedesk import services
from casedesk.models import Activity, Case, OutboundEmail
from casedesk.services import EmailDetails, NewAttachment


def page(client, case):
    return client.get(reverse("console:case", kwargs={"number": case.number}))


def test_it_finds_the_case_by_number_not_id(agent_client, case):
    assert case.number != case.pk
    assert page(agent_client, case).status_code == 200
    assert agent_client.get(reverse("console:case", kwargs={"number": case.pk})).status_code == 404


def test_the_header_shows_number_title_status_priority_queue_owner_contact_and_site(
    agent_client, case, agent
):
    services.do_accept_case(case, actor=agent)
    html = page(agent_client, case).content.decode()
    for text in (
        f"Case {case.number}",
        "Printer on fire",
        "In progress",
        "Normal",
        "Support Cases",
        "Alice Agent",
        "Dana Doyle",
        "dana@acme.example",
        "Acme Corp",
    ):
        assert text in html, text


def test_the_history_is_oldest_first_with_kind_who_when_and_internal_marked(agent_client, case, agent):
    services.do_log_note(case, body="Internal thought", actor=agent, is_public=False)
    services.do_log_note(case, body="Public answer", actor=agent, is_public=True)
    response = page(agent_client, case)
    timeline = response.context["timeline"]
    assert [a.kind for a in timeline] == ["created", "dispatched", "note", "note"]
    html = response.content.decode()
    assert html.index("It burns.") < html.index("Internal thought") < html.index("Public answer")
    internal = html[html.index(f'id="activity-{timeline[2].pk}"') : html.index("Internal thought")]
    assert "Internal" in internal and "Alice Agent" in internal
    public = html[html.index(f'id="activity-{timeline[3].pk}"') : html.index("Public answer")]
    assert "activity-internal" not in public


def test_email_html_is_sanitised(agent_client, case, customer):
    services.do_log_note(
        case,
        body="",
        html='<p onclick="evil()">Hi <b>there</b><script>alert(1)</script>'
        '<img src="http://tracker.example/p.gif"><a href="javascript:alert(2)">x</a></p>',
        actor=customer,
        email=EmailDetails(from_="dana@acme.example", subject="Re: printer"),
    )
    response = page(agent_client, case)
    html = str(response.context["timeline"][-1].display_html)
    assert html in response.content.decode()
    assert "<b>there</b>" in html
    for bad in ("<script", "onclick", ' src="http://tracker.example', "javascript:"):
        assert bad not in html


def test_text_bodies_are_escaped(agent_client, case, agent):
    services.do_log_note(case, body="<script>alert(1)</script>", actor=agent)
    html = page(agent_client, case).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html


def test_attachments_are_download_links(agent_client, case, agent):
    note = services.do_log_note(
        case, body="see file", actor=agent, attachments=[NewAttachment("report.pdf", b"%PDF")]
    )
    attachment = note.attachments.get()
    html = page(agent_client, case).content.decode()
    url = reverse("console:attachment", kwargs={"number": case.number, "attachment_id": attachment.pk})
    assert f'href="{url}"' in html and "report.pdf" in html


def test_outgoing_mail_shows_its_delivery_state(agent_client, case, agent):
    activity = Activity.objects.create(
        case=case, kind=Activity.Kind.EMAIL_OUT, actor_user=agent, body="Answer", is_public=True
    )
    services.enqueue_email(to=["dana@acme.example"], subject="s", text="t", case=case, activity=activity)
    failed = services.enqueue_email(
        to=["dana@acme.example"], subject="s2", text="t", case=case, activity=activity
    )
    OutboundEmail.objects.filter(pk=failed.pk).update(
        status="failed", attempts=3, last_error="550 no such user", delivery_status="bounced"
    )
    html = page(agent_client, case).content.decode()
    assert 'data-status="queued"' in html
    assert 'data-status="failed"' in html and "550 no such user" in html and "Bounced" in html
    assert "3 attempts" in html
    assert reverse("console:retry_email", kwargs={"pk": failed.pk}) in html


def test_the_action_bar_has_a_place_for_more_buttons(agent_client, case):
    assert b'id="case-actions"' in page(agent_client, case).content


def test_closed_cases_offer_reopen_instead_of_close(agent_client, case, agent):
    services.do_close_case(case, actor=agent, resolution="Fixed")
    html = page(agent_client, case).content.decode()
    assert 'id="reopen-form"' in html and 'id="close-form"' not in html
    assert 'id="accept-button"' not in html


@pytest.mark.parametrize("entries", [2, 60])
def test_the_case_page_runs_a_constant_number_of_queries(
    agent_client, case, agent, customer, django_assert_max_num_queries, entries
):
    for i in range(entries):
        activity = services.do_log_note(
            case,
            body=f"note {i}",
            actor=agent if i % 2 else customer,
            is_public=bool(i % 3),
            attachments=[NewAttachment(f"f{i}.txt", b"x")],
        )
        services.enqueue_email(to=["dana@acme.example"], subject="s", text="t", case=case, activity=activity)
    with django_assert_max_num_queries(14):
        response = page(agent_client, case)
    assert response.status_code == 200
    assert response.content.count(b'class="outbound-email') == entries
    assert Case.objects.get(pk=case.pk).activities.count() == entries + 2
