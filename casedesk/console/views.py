from django.shortcuts import render

from ..models import Case
from .access import agent_required


@agent_required
def my_work(request):
    mine = (
        Case.objects.filter(owner=request.user)
        .exclude(status=Case.Status.CLOSED)
        .select_related("contact", "queue")
        .order_by("-updated_at")[:100]
    )
    waiting = (
        Case.objects.filter(queue__members=request.user, owner__isnull=True)
        .exclude(status=Case.Status.CLOSED)
        .select_related("contact", "queue")
        .order_by("-updated_at")[:100]
    )
    return render(request, "console/my_work.html", {"mine": mine, "waiting": waiting})
