"""Access rules for the agent console: agents only; anonymous users go to the login page,
logged-in non-agents (customers) get 403."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from ..roles import is_agent


def agent_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_agent(request.user):
            raise PermissionDenied("The console is for agents.")
        return view(request, *args, **kwargs)

    return wrapper
