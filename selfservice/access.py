"""Who may use the portal: logged-in customers (users linked to a Contact). Anonymous
visitors go to the portal sign-in, agents to the console, anyone else gets 403."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import reverse

from casedesk.roles import is_agent

from .selectors import case_for_customer, customer_contact


def customer_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("selfservice:login"))
        if is_agent(request.user):
            return redirect("console:my_work")
        contact = customer_contact(request.user)
        if contact is None:
            raise PermissionDenied("The portal is for customers.")
        request.contact = contact
        return view(request, *args, **kwargs)

    return wrapper


def customer_case(*methods: str, own: bool = False):
    """For views of one case: resolves `number` to a case the customer may see (404 for
    anyone else's, before any other answer such as 405) and passes it to the view. With
    `own`, only the case's contact may act (site colleagues may only look)."""
    allowed = list(methods or ("GET", "HEAD"))

    def decorator(view):
        @customer_required
        @wraps(view)
        def wrapper(request, number: int, **kwargs):
            case = case_for_customer(request.contact, number)
            if request.method not in allowed:
                return HttpResponseNotAllowed(allowed)
            if own and case.contact_id != request.contact.pk:
                raise PermissionDenied("Only the person who opened the case can change it.")
            return view(request, case, **kwargs)

        return wrapper

    return decorator
