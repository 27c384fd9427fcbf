from casedesk.models import OutboundEmail
from mailclerk import robots
from mailclerk.parsing import parse_message

from .clerk import confirmation_for, eml, ingest, mail


def verdict(raw: bytes):
    return robots.classify(parse_message(raw), our_addresses=frozenset({"clerk@casedesk.localhost"}))


def test_it_recognises_robots_by_their_headers():
    assert verdict(mail(headers={"Auto-Submitted": "auto-replied"})).kind == robots.AUTOREPLY
    assert not verdict(mail(headers={"Auto-Submitted": "no"})).is_robot
    assert verdict(mail(headers={"Precedence": "bulk"})).kind == robots.BULK
    assert verdict(mail(headers={"Precedence": "junk"})).kind == robots.BULK
    assert verdict(mail(headers={"X-Autoreply": "yes"})).kind == robots.AUTOREPLY
    assert verdict(mail(headers={"X-Autorespond": "yes"})).kind == robots.AUTOREPLY
    assert verdict(mail(headers={"List-Id": "<a.lists.example>"})).kind == robots.BULK
    assert verdict(mail(headers={"Return-Path": "<>"})).kind == robots.BOUNCE
    assert verdict(mail(headers={"X-Casedesk-Case": "1000"})).kind == robots.AUTOREPLY
    assert verdict(mail(headers={"X-Loop": "clerk@casedesk.localhost"})).kind == robots.LOOP
    assert verdict(mail(sender="clerk@casedesk.localhost")).kind == robots.LOOP
    assert verdict(eml("bounce.eml", N=1, REF="<x@y>")).kind == robots.BOUNCE
    assert not verdict(eml("gmail_new_request.eml")).is_robot


def test_an_out_of_office_reply_to_a_case_is_an_internal_note_without_confirmation(case):
    from casedesk.mail_templates import CASE_CREATED, enqueue_templated_email

    sent = enqueue_templated_email(CASE_CREATED, case=case, to=[case.contact.email])
    inbound = ingest(eml("out_of_office.eml", N=case.number, REF=sent.message_id))
    assert inbound.action == "log_note"
    assert inbound.activity.is_public is False
    assert inbound.activity.meta["is_robot"] is True
    assert list(confirmation_for(case)) == [sent]


def test_a_robot_writing_about_nothing_is_ignored(db, support_queue):
    inbound = ingest(eml("mailing_list.eml"))
    assert inbound.status == "ignored"
    assert inbound.case is None
    assert not OutboundEmail.objects.exists()


def test_a_bounce_of_our_mail_flags_that_email(case):
    from casedesk import services as core

    sent = core.enqueue_email(to=["gone@acme.example"], subject="Update", text="x", case=case)
    inbound = ingest(eml("bounce.eml", N=case.number, REF=sent.message_id))
    sent.refresh_from_db()
    assert inbound.status == "ignored"
    assert inbound.outbound_email == sent
    assert sent.delivery_status == "bounced"
    assert case.activities.filter(kind="note", is_public=False, body__contains="bounced").exists()
    assert confirmation_for(case).count() == 0
