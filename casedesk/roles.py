"""Who is who: agents are staff users in the "Agents" group, customers are users linked
to a Contact, admins are superusers."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group

AGENTS_GROUP = "Agents"


def agents_group() -> Group:
    group, _ = Group.objects.get_or_create(name=AGENTS_GROUP)
    return group


def display_name(user) -> str:
    """How a user is named everywhere (history, mail, forms): full name, else username."""
    return (user.get_full_name() or user.get_username()) if user is not None else ""


def is_agent(user: AbstractBaseUser | AnonymousUser | None) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, "_casedesk_is_agent", None)
    if cached is None:
        cached = user.is_staff and user.groups.filter(name=AGENTS_GROUP).exists()
        user._casedesk_is_agent = cached
    return cached


def agent_users():
    """Users who may own cases."""
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    User = get_user_model()
    return (
        User.objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(is_staff=True, groups__name=AGENTS_GROUP))
        .distinct()
    )
