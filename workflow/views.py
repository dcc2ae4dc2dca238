"""The one page view of every transition (`TransitionView`), the inbox and the supervision
pages. A stale form gets the "changed by someone else, reload" message instead of
overwriting."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import models, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.accounts import signed_in_user
from core.times import deadline_text
from core.views.generic import RefusalMessages, RestrictedView
from workflow.doors import posted_form
from workflow.engine import available_transitions, perform
from workflow.machine import Transition, machine_for
from workflow.models import Notification, StatefulModel, SupervisionNotice
from workflow.notifications import mark_read, unread_count
from workflow.supervision import counts_by_unit


class TransitionView(RefusalMessages, RestrictedView):
    """POST `…/<pk>/transitions/<name>/` for any model with a machine: the form's fields are
    the transition's (the same names as the API's `data`), `version` the version the page
    showed, files come under their attachment kind. The row is read with the view scope (404
    outside); `workflow.engine.perform` reaches the machine's service. A refusal is a message
    on the record's page, never an error page; nothing is written. A step that cannot be undone
    (`Transition.confirm`) posted without `confirmed=1` is rehearsed, then asked about on a page
    of its own (the page's script asks in a dialog first, static/civicdesk/confirm.js)."""

    http_method_names = ["post"]

    def required_action(self) -> str:
        # The model permission of the step's own action (403 without it), as the engine asks.
        step = machine_for(self.model).transition(self.kwargs["transition"])
        return step.action if step is not None else "view"

    def post(self, request: HttpRequest, pk: int, transition: str) -> HttpResponseBase:
        obj = self.get_object("view")
        assert isinstance(obj, StatefulModel)
        body = posted_form(request.POST, request.FILES)
        step = machine_for(obj).transition(transition)
        if step is not None and needs_confirmation(step, request):
            # Refused input is said now, not after the person has confirmed it.
            rehearsal = self.attempt(
                lambda: rehearse(
                    lambda: perform(transition, obj, self.user, body.data, body.version)
                )
            )
            if rehearsal is None:
                return redirect(self.return_url(obj.get_absolute_url()))  # type: ignore[attr-defined]
            return ask_to_confirm(request, obj, step)
        fired = self.attempt(
            lambda: perform(transition, obj, self.user, body.data, body.version, body.files)
        )
        if fired is None:
            return redirect(self.return_url(obj.get_absolute_url()))  # type: ignore[attr-defined]
        messages.success(request, _("%(object)s: %(state)s.") % {
            "object": fired, "state": state_label(fired)})  # fmt: skip
        return redirect(self.return_url(fired.get_absolute_url()))  # type: ignore[attr-defined]


class Rehearsed(Exception):
    """Raised at the end of a rehearsal so that its transaction keeps nothing."""


def rehearse(step: Callable[[], Any]) -> bool:
    """Run `step` and roll back everything it wrote (rows, audit entries, queued notifications):
    a refusal is raised as the step would raise it, success leaves no trace."""
    try:
        with transaction.atomic():
            step()
            raise Rehearsed
    except Rehearsed:
        return True


def needs_confirmation(step: Transition, request: HttpRequest) -> bool:
    """An irreversible step posted without the person's confirmation yet. A step that requires
    files is not rehearsed (its files would be stored), so it is not asked about either."""
    confirmed = request.POST.get("confirmed") == "1"
    return bool(step.confirm) and not step.attachments and not confirmed


def ask_to_confirm(request: HttpRequest, obj: Any, step: Transition) -> HttpResponse:
    """The page that says what the step will do, with the person's post kept to send again with
    `confirmed=1`; nothing is written until then. Files cannot travel in a page, so a step
    posted with files asks for them again."""
    kept = [
        (key, value)
        for key, values in request.POST.lists()
        if key not in ("csrfmiddlewaretoken", "confirmed")
        for value in values
    ]
    context = {
        "object": obj,
        "step": step,
        "kept": kept,
        "file_kinds": step.accepted_files if request.FILES else (),
        "cancel_url": obj.get_absolute_url(),
    }
    return render(request, "workflow/transition_confirm.html", context)


def state_label(obj: Any) -> str:
    states = machine_for(obj).states
    return str(dict(states.choices).get(obj.state, obj.state))


def transition_path(prefix: str, model: type[models.Model], name: str) -> URLPattern:
    """The URL of `model`'s transitions under `prefix` (e.g. "hazards"; "" for the app's own
    rows at its root), named `name`."""
    return path(
        f"{prefix}/<int:pk>/transitions/<slug:transition>/".lstrip("/"),
        TransitionView.as_view(model=model),
        name=name,
    )


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    rows = Notification.objects.filter(recipient=user)[:100]
    context = {"notifications": rows, "unread": unread_count(user)}
    return render(request, "workflow/inbox.html", context)


@login_required
def unread(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"unread": unread_count(signed_in_user(request))})


@login_required
@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    mark_read(signed_in_user(request))
    return redirect("workflow:inbox")


@login_required
def supervision_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    notices = SupervisionNotice.objects.restrict(user, "view").select_related(
        "department", "region"
    )[:200]
    context = {"notices": notices, "counts": counts_by_unit(user)}
    return render(request, "workflow/supervision_list.html", context)


@login_required
def supervision_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    notice = get_object_or_404(SupervisionNotice.objects.restrict(user, "view"), pk=pk)
    context = {
        "notice": notice,
        "reply_due": deadline_text(notice.reply_due),
        "transitions": available_transitions(notice, user),
    }
    return render(request, "workflow/supervision_detail.html", context)
