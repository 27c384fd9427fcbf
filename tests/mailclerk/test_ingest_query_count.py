"""The clerk's hot path has a query budget (bench/ingest.py: at most 10 queries per message
on average). Counted from storing the raw message to committing the outcome, with the
per-process lookups (default queue, mail templates, routing rules) already warm, as in a
running worker. The business rules' work runs in its own task after commit, not here."""

import pytest

from casedesk.models import Activity, Case
from mailclerk.models import InboundMessage

from .clerk import ingest, mail

# Inside the test's own transaction, the clerk's two transactions (store, then process) are
# savepoints: SAVEPOINT + RELEASE each, which pytest-django counts. A worker sends BEGIN and
# COMMIT instead, which bench/ingest.py does not count either.
TRANSACTIONS = 4


@pytest.fixture
def warm(case):
    """A running worker has read the static lookups already (casedesk.cached)."""
    ingest(mail(subject="warm-up", body="first"))


def test_a_reply_costs_at_most_8_queries(warm, case, django_assert_max_num_queries):
    raw = mail(subject=f"Re: About Case {case.number} :: Printer on fire", body="Still burning.")
    with django_assert_max_num_queries(8 + TRANSACTIONS):
        inbound = ingest(raw)
    assert (inbound.action, inbound.case) == (InboundMessage.Action.LOG_NOTE, case)
    assert inbound.activity.body.startswith("Still burning.")
    assert case.outbound_emails.filter(
        subject__startswith=f"Your notes were added to Case {case.number}"
    ).exists()


def test_a_new_case_from_a_known_contact_costs_at_most_11_queries(
    warm, customer, support_queue, django_assert_max_num_queries
):
    with django_assert_max_num_queries(11 + TRANSACTIONS):
        inbound = ingest(mail(subject="Toner empty", body="Again."))
    new = inbound.case
    assert (inbound.action, new.contact, new.queue) == (
        InboundMessage.Action.CREATE_CASE,
        customer,
        support_queue,
    )
    kinds = list(new.activities.values_list("kind", flat=True))
    assert kinds == [Activity.Kind.EMAIL_IN, Activity.Kind.DISPATCHED]
    assert new.outbound_emails.count() == 1


def test_a_new_case_from_a_new_sender_costs_at_most_14_queries(warm, acme, django_assert_max_num_queries):
    # + a savepoint around the new contact: a concurrent insert of the same address is caught.
    with django_assert_max_num_queries(14 + TRANSACTIONS + 2):
        inbound = ingest(mail(sender="newbie@acme.example", subject="Hello", body="First time."))
    new = Case.objects.get(pk=inbound.case_id)
    assert (new.contact.email, new.contact.site, new.site) == ("newbie@acme.example", acme, acme)
    assert new.queue.is_default
