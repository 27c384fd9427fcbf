"""Where new cases go: the hook through which the rules app installs its router
(casedesk never imports rules), and the default queue."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser

from ..cached import Lookup
from ..models import (
    Activity,
    Case,
    Queue,
)


@dataclass(frozen=True)
class RoutingDecision:
    queue: Queue | None = None
    priority: int | None = None
    owner: AbstractBaseUser | None = None
    rule_name: str = ""


# The rules app installs the auto-destination router at startup (casedesk must not import
# rules). Until then, and whenever the router decides nothing, the default queue applies.
Router = Callable[[Case, dict], RoutingDecision]
_router: Router | None = None


def set_router(router: Router | None) -> None:
    global _router
    _router = router


def route(case: Case, context: dict) -> RoutingDecision:
    """Ask the installed router where a case goes (an empty decision when none is installed)."""
    return _router(case, context) if _router else RoutingDecision()


_default_queue: Lookup[Queue | None] = Lookup(lambda: Queue.objects.filter(is_default=True).first())


def default_queue() -> Queue | None:
    """Where unrouted cases land; read at most every few seconds (see casedesk.cached)."""
    return _default_queue.get()


def routing_context_for(case: Case) -> dict:
    """The routing context of an existing case, rebuilt from its first history entry."""
    first = Activity.objects.filter(case=case).order_by("created_at", "id").first()
    return {
        "to_address": first.email_to if first is not None else "",
        "sender": case.contact.email,
        "subject": case.title,
        "body": first.body if first is not None else "",
    }
