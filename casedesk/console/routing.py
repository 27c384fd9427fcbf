"""Console action "Route again" (issue 7): run the auto-destination rules on a case."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from .. import services
from ..models import Case
from .access import agent_required


@agent_required
@require_POST
def route_again(request, number: int):
    case = get_object_or_404(Case.objects.select_related("queue"), number=number)
    try:
        decision = services.do_route_case(case, actor=request.user)
    except services.CaseActionError as exc:
        messages.info(request, str(exc))
    else:
        via = f"rule “{decision.rule_name}”" if decision.rule_name else "the default queue"
        messages.success(request, f"{case.label} routed again by {via}.")
    return redirect("console:case", number=case.number)
