"""Inbox and supervision pages. State changes go through `fire`; a stale form gets the
"changed by someone else, reload" message instead of overwriting."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from core.accounts import signed_in_user
from workflow.calendar import format_due
from workflow.engine import available_transitions, fire
from workflow.errors import WorkflowError
from workflow.models import Notification, StatefulModel, SupervisionNotice
from workflow.notifications import mark_read, unread_count
from workflow.supervision import counts_by_unit


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    rows = Notification.objects.filter(recipient=signed_in_user(request))[:100]
    context = {"notifications": rows, "unread": unread_count(request.user)}
    return render(request, "workflow/inbox.html", context)


@login_required
def unread(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"unread": unread_count(request.user)})


@login_required
@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    mark_read(request.user)
    return redirect("workflow:inbox")


@login_required
def supervision_list(request: HttpRequest) -> HttpResponse:
    notices = SupervisionNotice.objects.restrict(request.user, "view").select_related(
        "department", "region"
    )[:200]
    context = {"notices": notices, "counts": counts_by_unit(request.user)}
    return render(request, "workflow/supervision_list.html", context)


@login_required
def supervision_detail(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_object_or_404(SupervisionNotice.objects.restrict(request.user, "view"), pk=pk)
    if request.method == "POST" and fire_from_form(request, notice):
        return redirect(notice.get_absolute_url())
    context = {
        "notice": notice,
        "reply_due": format_due(notice.reply_due),
        "transitions": available_transitions(notice, request.user),
    }
    return render(request, "workflow/supervision_detail.html", context)


def fire_from_form(request: HttpRequest, obj: StatefulModel) -> bool:
    """Fire the posted transition with the posted version; errors become page messages."""
    name = request.POST.get("transition", "")
    data = {key: value for key, value in request.POST.items() if key not in RESERVED}
    try:
        fire(name, obj, request.user, data, request.POST.get("version"))
    except WorkflowError as error:
        messages.error(request, str(error.message))
        return False
    return True


RESERVED = {"csrfmiddlewaretoken", "transition", "version"}
