from casedesk.models import Activity, OutboundEmail

from .clerk import confirmation_for, ingest
from .content import content_eml


def test_an_agents_mail_with_the_clerk_in_bcc_is_an_email_out_by_the_agent(case, agent):
    inbound = ingest(content_eml("agent_bcc_thunderbird.eml", N=case.number))

    assert (inbound.action, inbound.case) == ("log_note", case)
    entry = inbound.activity
    assert entry.kind == Activity.Kind.EMAIL_OUT
    assert entry.actor_user == agent and entry.actor_contact is None
    assert entry.is_public
    assert entry.email_to == "dana@acme.example"
    assert entry.email_cc == "erik@acme.example"
    assert entry.email_from == "Alice Agent <alice@casedesk.localhost>"
    assert "technician will come by on Thursday" in entry.body
    assert "Original Message" not in entry.body and "It burns." not in entry.body
    assert entry.meta["via"] == "bcc"
    assert not confirmation_for(case).exists()
    assert not OutboundEmail.objects.filter(case=case).exists()


def test_a_customer_writing_to_someone_else_with_the_clerk_in_bcc_is_still_a_customer_note(case):
    raw = content_eml("agent_bcc_thunderbird.eml", N=case.number).replace(
        b"From: Alice Agent <alice@casedesk.localhost>\nTo: Dana Doyle <dana@acme.example>",
        b"From: Dana Doyle <dana@acme.example>\nTo: Erik <erik@acme.example>",
    )
    inbound = ingest(raw)
    assert inbound.activity.kind == Activity.Kind.EMAIL_IN
    assert inbound.activity.actor_contact == case.contact


def test_clerk_parse_explains_the_bcc_without_writing(case, agent, tmp_path):
    import io
    import json

    from django.core.management import call_command

    path = tmp_path / "bcc.eml"
    path.write_bytes(content_eml("agent_bcc_thunderbird.eml", N=case.number))
    out = io.StringIO()
    call_command("clerk_parse", str(path), stdout=out)
    result = json.loads(out.getvalue())
    assert (result["action"], result["agent_mail"], result["case_number"]) == ("log_note", "bcc", case.number)
    assert not case.activities.filter(kind=Activity.Kind.EMAIL_OUT).exists()
