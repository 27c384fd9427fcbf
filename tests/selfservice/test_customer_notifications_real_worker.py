import time

from casedesk import services
from casedesk.models import Case, OutboundEmail

from ..conftest import make_agent, make_customer


def test_a_real_worker_queues_the_customer_email_after_an_agents_note(real_worker, support_queue):
    agent = make_agent("alice", support_queue)
    contact = make_customer("dana@acme.example", "Dana Doyle")
    case = services.do_create_case(
        title="Worker case", contact=contact, channel=Case.Channel.PORTAL, actor=contact
    )
    services.do_log_note(case, body="Fixed on the server side.", actor=agent)  # commits: event → task
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        mail = OutboundEmail.objects.filter(case=case, kind=OutboundEmail.Kind.NOTIFICATION).first()
        if mail:
            break
        time.sleep(0.2)
    assert mail is not None, "the worker did not queue the customer notification"
    assert mail.to == ["dana@acme.example"] and "Fixed on the server side." in mail.text
