"""Domain-event subscribers: they only enqueue work (events arrive after commit)."""

from __future__ import annotations

from django.conf import settings

from casedesk import events


def on_domain_event(event: events.DomainEvent) -> None:
    if not settings.CASEDESK_PORTAL_NOTIFY_CUSTOMER or event.actor_kind != "agent":
        return
    wanted = event.name == events.CLOSED or (event.name == events.NOTE_LOGGED and event.data.get("is_public"))
    if not wanted:
        return
    from .tasks import notify_customer

    notify_customer.delay(event.as_dict())
