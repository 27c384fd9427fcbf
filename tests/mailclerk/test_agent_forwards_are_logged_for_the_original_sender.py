from datetime import datetime

from django.utils import timezone

from casedesk.models import Activity, Contact, OutboundEmail

from .clerk import ingest
from .content import content_eml


def mail_to(address: str) -> list[OutboundEmail]:
    return [o for o in OutboundEmail.objects.all() if address in o.to]


def test_an_outlook_forward_is_logged_for_the_customer_with_the_agents_text_internal(case, agent):
    inbound = ingest(content_eml("agent_forward_outlook.eml", N=case.number))

    assert (inbound.action, inbound.case) == ("log_note", case)
    assert inbound.reason.startswith("forwarded by an agent")
    note = inbound.activity
    erik = Contact.objects.get(email="erik@acme.example")
    assert note.actor_contact == erik and note.actor_user is None
    assert note.kind == Activity.Kind.EMAIL_IN and note.is_public
    assert note.email_from == "Erik Berg <erik@acme.example>"
    assert note.email_subject == "Printer still broken"
    # Outlook prints the date without a zone: read in the server's time zone.
    assert timezone.localtime(note.email_date).replace(tzinfo=None) == datetime(2024, 12, 2, 16, 45)
    assert "still smells of smoke" in note.body
    assert "Erik called" not in note.body and "From:" not in note.body
    assert note.meta["forwarded_by"] == agent.pk

    added = case.activities.get(meta__forward_of=note.pk)
    assert added.actor_user == agent and not added.is_public and added.kind == Activity.Kind.NOTE
    assert added.body == "Erik called about this too; he is Dana's colleague and will be on site tomorrow."
    assert not mail_to("erik@acme.example") and not mail_to("dana@acme.example")


def test_a_gmail_forward_without_added_text_creates_the_contact_and_one_note(case, agent):
    inbound = ingest(content_eml("agent_forward_gmail_de.eml", N=case.number))

    note = inbound.activity
    greta = Contact.objects.get(email="greta@neukunde.example")
    assert greta.name == "Greta Müller"
    assert note.actor_contact == greta
    assert timezone.localtime(note.email_date).replace(tzinfo=None) == datetime(2024, 12, 3, 17, 20)
    assert note.body.startswith("Guten Tag,") and "leere Seiten" in note.body
    assert not case.activities.filter(meta__forward_of=note.pk).exists()
    assert not mail_to("greta@neukunde.example")


def test_an_agent_mail_that_is_not_a_forward_stays_the_agents_note(case, agent):
    from .clerk import mail

    inbound = ingest(mail(sender=agent.email, subject=f"About Case {case.number}", body="Called them."))
    assert inbound.activity.actor_user == agent
    assert inbound.activity.body == "Called them."


def test_an_html_only_outlook_forward_is_attributed_the_same_way(case, agent):
    import email
    import email.policy
    from email.message import EmailMessage

    original = email.message_from_bytes(
        content_eml("agent_forward_outlook.eml", N=case.number), policy=email.policy.default
    )
    html_only = EmailMessage()
    for name in ("From", "To", "Subject", "Date"):
        html_only[name] = original[name]
    html_only["Message-ID"] = "<html-only-forward@eurprd01.prod.outlook.com>"
    html_only.set_content(original.get_body(("html",)).get_content(), subtype="html")

    note = ingest(html_only.as_bytes()).activity
    assert note.actor_contact.email == "erik@acme.example"
    assert "still smells of smoke" in note.body and "Erik called" not in note.body
    assert case.activities.get(meta__forward_of=note.pk).actor_user == agent
