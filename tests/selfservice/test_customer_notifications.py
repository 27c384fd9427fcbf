import pytest

from casedesk import events, mail_templates, services
from casedesk.models import OutboundEmail
from selfservice.models import CustomerNotification
from selfservice.tasks import notify_customer


def notifications():
    """Notifications to the customer (the rules' notifications to agents are not counted)."""
    queryset = OutboundEmail.objects.filter(kind=OutboundEmail.Kind.NOTIFICATION).order_by("id")
    return [outbound for outbound in queryset if "dana@acme.example" in outbound.to]


def test_an_agents_public_note_emails_the_customer_with_a_link_to_the_case(
    case, agent, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        note = services.do_log_note(case, body="Please restart the printer.", actor=agent, is_public=True)
    [mail] = notifications()
    assert mail.to == [case.contact.email] and mail.case == case
    assert mail.subject == f"Update on Case {case.number}: {case.title} [About Case {case.number}]"
    assert "Please restart the printer." in mail.text and "Alice Agent" in mail.text
    assert f"{settings.CASEDESK_SITE_URL}/portal/cases/{case.number}/" in mail.text
    assert CustomerNotification.objects.get(activity=note).outbound_email == mail


def test_an_agent_closing_the_case_emails_the_customer(case, agent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.do_close_case(case, actor=agent, resolution="Replaced the toner.")
    [mail] = notifications()
    template = mail_templates.get_template(mail_templates.CUSTOMER_CLOSED)
    assert template.subject.startswith("Case {{ case.number }} closed")
    assert mail.subject == f"Case {case.number} closed: {case.title} [About Case {case.number}]"
    assert "Replaced the toner." in mail.text and f"/portal/cases/{case.number}/" in mail.text


@pytest.mark.parametrize("who", ["customer", "internal", "system"])
def test_internal_notes_and_the_customers_own_entries_send_nothing(
    case, agent, customer, django_capture_on_commit_callbacks, who
):
    with django_capture_on_commit_callbacks(execute=True):
        if who == "customer":
            services.do_log_note(case, body="mine", actor=customer)
            services.do_close_case(case, actor=customer)
        elif who == "internal":
            services.do_log_note(case, body="secret", actor=agent, is_public=False)
        else:
            services.do_close_case(case, actor=None)
    assert notifications() == []


def test_the_setting_turns_notifications_off(case, agent, settings, django_capture_on_commit_callbacks):
    settings.CASEDESK_PORTAL_NOTIFY_CUSTOMER = False
    with django_capture_on_commit_callbacks(execute=True):
        services.do_log_note(case, body="hi", actor=agent)
        services.do_close_case(case, actor=agent)
    assert notifications() == []


def test_running_the_task_twice_sends_once(case, agent):
    note = services.do_log_note(case, body="once", actor=agent)  # no commit callbacks: task not run yet
    event = events.DomainEvent(
        name=events.NOTE_LOGGED,
        case_id=case.pk,
        actor_user_id=agent.pk,
        data={"activity_id": note.pk, "is_public": True},
    )
    first = notify_customer.apply(args=[event.as_dict()]).get()
    second = notify_customer.apply(args=[event.as_dict()]).get()
    assert first is not None and second is None
    assert len(notifications()) == 1


def test_the_task_is_queued_from_the_event_after_commit(case, agent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.do_log_note(case, body="later", actor=agent)
    assert notifications() == []  # nothing before commit
    for callback in callbacks:
        callback()
    assert len(notifications()) == 1
