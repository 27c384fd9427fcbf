import json

import pytest
from django.core.management import call_command

from casedesk.models import Activity, Case, Contact, OutboundEmail
from mailclerk.models import InboundMessage

from .clerk import FIXTURES, eml


def run(capsys, *args):
    call_command("clerk_parse", *args)
    return capsys.readouterr().out


def test_it_prints_the_decision_as_json(capsys, customer, support_queue):
    out = json.loads(run(capsys, str(FIXTURES / "gmail_new_request.eml")))
    assert set(out) == {
        "message_id",
        "from",
        "subject",
        "auto_submitted",
        "case_number",
        "matched_by",
        "action",
        "reason",
        "agent_mail",
        "body",
        "attachments",
    }
    assert out["from"] == "dana@acme.example"
    assert out["subject"] == "Drucker fängt Feuer 🔥"
    assert (out["action"], out["case_number"], out["matched_by"], out["auto_submitted"]) == (
        "create_case",
        None,
        None,
        False,
    )
    assert "fängt Feuer" in out["body"]


def test_it_reports_the_case_and_rule_and_writes_nothing(capsys, case, tmp_path):
    path = tmp_path / "reply.eml"
    path.write_bytes(
        eml("outlook_reply.eml", N=case.number, REF="<nothing@else>").replace(
            b"Subject: RE: Case", b"Subject: RE: About Case"
        )
    )
    before = [m.objects.count() for m in (Case, Activity, Contact, OutboundEmail, InboundMessage)]
    out = json.loads(run(capsys, str(path)))
    assert (out["action"], out["case_number"], out["matched_by"]) == ("log_note", case.number, "subject")
    assert out["attachments"] == [{"filename": "printer.png", "content_type": "image/png", "size": 70}]
    assert [m.objects.count() for m in (Case, Activity, Contact, OutboundEmail, InboundMessage)] == before


def test_auto_submitted_mail_is_flagged(capsys, db):
    out = json.loads(run(capsys, str(FIXTURES / "mailing_list.eml")))
    assert (out["auto_submitted"], out["action"]) == (True, "ignore")


def test_body_prints_only_the_text(capsys, db):
    out = run(capsys, str(FIXTURES / "apple_mail_about_case.eml"), "--body")
    assert out.startswith("Same problem on the 3rd floor.")
    assert not out.lstrip().startswith("{")


@pytest.mark.parametrize(
    "content",
    [b"", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01" + bytes(range(256)), b"just some words\n"],
    ids=["empty", "binary", "not-an-email"],
)
def test_bad_input_is_a_clear_error_with_exit_code_1(capsys, db, tmp_path, content):
    path = tmp_path / "bad.eml"
    path.write_bytes(content)
    with pytest.raises(SystemExit) as exit_info:
        call_command("clerk_parse", str(path))
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert "not an email message" in err and "Traceback" not in err


def test_a_missing_file_is_a_clear_error(capsys, db, tmp_path):
    with pytest.raises(SystemExit) as exit_info:
        call_command("clerk_parse", str(tmp_path / "missing.eml"))
    assert exit_info.value.code == 1
    assert "cannot read" in capsys.readouterr().err
