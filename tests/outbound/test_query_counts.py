"""The hot paths make a fixed number of queries, whatever the history size."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casedesk.models import OutboundEmail
from casedesk.services import NewAttachment
from rules.outbound import sender

from .conftest import log_email


def test_sending_one_email_takes_a_fixed_number_of_queries(agent, case, smtpd):
    activity = log_email(
        case, agent, attachments=[NewAttachment("a.txt", b"a"), NewAttachment("b.txt", b"b")]
    )
    pk = OutboundEmail.objects.get(activity=activity).pk
    with CaptureQueriesContext(connection) as queries:
        assert sender.send_one(pk).outcome == sender.SENT
    # claim UPDATE, row SELECT, attachments SELECT, sent UPDATE + case id (savepoints aside)
    assert len([q for q in queries if "SAVEPOINT" not in q["sql"]]) == 5


def test_the_log_email_page_does_not_grow_with_the_number_of_emails(
    client, agent, case, django_assert_max_num_queries
):
    for _ in range(8):
        log_email(case, agent)
    client.force_login(agent)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("console:log_email", args=[case.number])).status_code == 200
