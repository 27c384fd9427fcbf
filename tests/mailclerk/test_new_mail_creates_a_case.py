from casedesk.models import Activity, Case, Contact

from .clerk import confirmation_for, eml, ingest, mail


def test_it_creates_a_case_with_contact_site_queue_and_the_email(customer, support_queue):
    inbound = ingest(eml("gmail_new_request.eml"))
    assert inbound.action == "create_case", inbound.reason
    case = inbound.case
    assert case.title == "Drucker fängt Feuer 🔥"
    assert case.contact == customer  # matched case-insensitively
    assert case.site == customer.site
    assert case.queue == support_queue
    assert case.channel == Case.Channel.EMAIL
    entry = case.activities.get(kind=Activity.Kind.EMAIL_IN)
    assert entry.message_id == "<CAF7x9Qm3kZp1Yb8vN2wQe5rT0uH_4sLd9A@mail.gmail.com>"
    assert entry.email_from == "Dana Doyle <dana@acme.example>"
    assert entry.email_to == "clerk@casedesk.localhost"
    assert entry.email_date is not None
    assert "fängt Feuer" in entry.body
    assert r"C:\Users\dana\Documents\plan.pdf" in entry.body
    assert "<script" not in entry.html


def test_an_unknown_sender_becomes_a_contact_in_the_site_of_their_domain(acme, support_queue):
    inbound = ingest(mail(sender="New Person <new.person@ACME.example>", subject="Hello"))
    contact = Contact.objects.get(email="new.person@acme.example")
    assert contact.name == "New Person"
    assert contact.site == acme
    assert inbound.case.contact == contact


def test_unknown_senders_can_be_quarantined_instead(db, support_queue, settings):
    settings.CLERK_UNKNOWN_SENDERS = "quarantine"
    inbound = ingest(mail(sender="stranger@nowhere.example"))
    assert inbound.status == "quarantined"
    assert inbound.reason == "unknown sender"
    assert not Contact.objects.filter(email="stranger@nowhere.example").exists()


def test_the_sender_gets_a_confirmation_that_threads(customer, support_queue):
    inbound = ingest(eml("gmail_new_request.eml"))
    confirmation = confirmation_for(inbound.case).get()
    assert confirmation.to == ["dana@acme.example"]
    assert confirmation.subject.startswith(f"Case {inbound.case.number} created: ")
    assert confirmation.in_reply_to == "<CAF7x9Qm3kZp1Yb8vN2wQe5rT0uH_4sLd9A@mail.gmail.com>"
    assert confirmation.extra_headers["Auto-Submitted"] == "auto-generated"


def test_non_ascii_bodies_in_any_charset_are_decoded(db, support_queue):
    latin = ingest(eml("thunderbird_latin1.eml"))
    assert latin.case.title == "Problème de facturation"
    assert "120 £ au lieu de 100" in latin.case.activities.get(kind="email_in").body
    japanese = ingest(eml("shift_jis.eml"))
    assert japanese.case.title == "請求書について"
    assert "請求書の件でご連絡しました" in japanese.case.activities.get(kind="email_in").body


def test_a_message_without_message_id_still_creates_a_case(db, support_queue):
    inbound = ingest(eml("no_message_id.eml"))
    assert inbound.action == "create_case"
    assert inbound.case.title == "Question without a message id"


def test_confirmations_can_be_switched_off(customer, support_queue, settings):
    settings.CLERK_SEND_CONFIRMATIONS = False
    inbound = ingest(eml("gmail_new_request.eml"))
    assert not confirmation_for(inbound.case).exists()


def test_a_broken_confirmation_template_does_not_stop_the_case(customer, support_queue):
    from casedesk.models import MailTemplate

    MailTemplate.objects.filter(key="case-created-confirmation").update(subject="{% if %}")
    inbound = ingest(eml("gmail_new_request.eml"))
    assert inbound.action == "create_case"
    assert not confirmation_for(inbound.case).exists()
