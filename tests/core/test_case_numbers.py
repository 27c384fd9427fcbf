import threading

import pytest
from django.db import connection, connections, transaction

from casedesk import services
from casedesk.models import Case
from tests.conftest import skip_or_fail


def _create(customer, title="x"):
    return services.do_create_case(title=title, contact=customer, channel=Case.Channel.CONSOLE, actor=None)


def test_first_case_gets_the_configured_first_number(customer, support_queue, settings):
    settings.CASEDESK_FIRST_CASE_NUMBER = 5000
    assert _create(customer).number == 5000
    assert _create(customer).number == 5001


def test_numbers_default_to_start_at_1000(customer, support_queue):
    assert _create(customer).number == 1000


def test_a_rolled_back_case_gives_its_number_back(customer, support_queue):
    first = _create(customer)
    with pytest.raises(RuntimeError), transaction.atomic():
        _create(customer)
        raise RuntimeError("boom")
    assert _create(customer).number == first.number + 1


def test_case_label_and_subject(customer, support_queue):
    case = _create(customer, title="Printer & fax")
    assert str(case) == f"Case {case.number}"
    assert case.email_subject == f"About Case {case.number} :: Printer & fax"


@pytest.mark.django_db(transaction=True)
def test_concurrent_creation_from_many_connections_never_duplicates(customer, support_queue):
    if connection.vendor != "postgresql":
        skip_or_fail("concurrency proof needs PostgreSQL (set DATABASE_URL); SQLite serialises writers")
    threads, per_thread = 8, 15
    numbers: list[int] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(threads)
    lock = threading.Lock()

    def worker():
        try:
            barrier.wait()
            for i in range(per_thread):
                case = _create(customer, title=f"t{i}")
                with lock:
                    numbers.append(case.number)
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    assert errors == []
    total = threads * per_thread
    assert len(numbers) == total
    assert len(set(numbers)) == total, "duplicate case numbers"
    assert sorted(numbers) == list(range(1000, 1000 + total)), "numbers are not gap-free"
    assert Case.objects.count() == total
