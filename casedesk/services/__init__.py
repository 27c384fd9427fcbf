"""State changes of the core domain. Each `do_*` function makes one complete change in one
transaction, writes its Activity in that same transaction and publishes its domain event
(delivered after commit). Every channel (console, clerk, portal, rules) goes through here.

Import from `casedesk.services`; the modules are: cases (a case's life), contacts, mail
(outgoing mail rows), routing (the router hook), numbers (case numbers), common."""

from .cases import (
    do_accept_case,
    do_assign_case,
    do_change_priority,
    do_change_status,
    do_close_case,
    do_create_case,
    do_dispatch_case,
    do_log_note,
    do_mark_case_seen_by_customer,
    do_open_case_for_email,
    do_record_rule_error,
    do_reopen_case,
    do_route_case,
)
from .common import (
    Actor,
    CaseActionError,
    EmailDetails,
    NewAttachment,
    add_attachments,
)
from .contacts import (
    create_contact,
    do_link_contact_user,
    get_or_create_contact,
)
from .mail import (
    do_record_bounce,
    do_record_notification,
    enqueue_email,
    mail_domain,
    make_message_id,
    thread_headers,
)
from .numbers import (
    next_case_number,
)
from .routing import (
    Router,
    RoutingDecision,
    default_queue,
    route,
    routing_context_for,
    set_router,
)

__all__ = [
    "Actor",
    "CaseActionError",
    "EmailDetails",
    "NewAttachment",
    "Router",
    "RoutingDecision",
    "add_attachments",
    "create_contact",
    "default_queue",
    "do_accept_case",
    "do_assign_case",
    "do_change_priority",
    "do_change_status",
    "do_close_case",
    "do_create_case",
    "do_dispatch_case",
    "do_link_contact_user",
    "do_log_note",
    "do_mark_case_seen_by_customer",
    "do_open_case_for_email",
    "do_record_bounce",
    "do_record_notification",
    "do_record_rule_error",
    "do_reopen_case",
    "do_route_case",
    "enqueue_email",
    "get_or_create_contact",
    "mail_domain",
    "make_message_id",
    "next_case_number",
    "route",
    "routing_context_for",
    "set_router",
    "thread_headers",
]
