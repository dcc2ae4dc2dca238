"""Handling pages: tasks, notes and referral results on a complaint, the task pages, and the list
of referrals awaiting their result.

Each page reads the complaint through `restrict(user)` (outside the scope: 404) and posts to one
function of complaints.services.handling; a refusal is shown on the form with its reason and
the status of the error (400, 403, 409), and nothing is written. The complaint's own steps (route,
transfer, accept, …) and a task's (complete, cancel) are their machines' transitions, posted
to the one transition view (workflow.views.TransitionView). The complaint page shows the task,
note and referral-result forms as a panel (`complaint_panels`).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Model
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext_lazy

from complaints.choices import ComplaintState, TaskState
from complaints.forms.handling import (
    HandlingForm,
    NoteForm,
    ReferralResultForm,
    TaskForm,
    TaskResultForm,
)
from complaints.models import Complaint, HandlingTask
from complaints.panels import complaint_panels
from complaints.services import handling
from core.accounts import signed_in_user
from core.models import User
from core.panels import Panel
from core.views.generic import REFUSALS, RestrictedView, refusal_text
from workflow.views import transition_path


class HandlingPage(RestrictedView):
    """GET shows the form, POST hands the cleaned data to `perform` (a service call)."""

    model: type[Model] = Complaint
    template_name = "complaints/handling_action.html"
    form_class: type[HandlingForm]
    title: Any = ""
    intro: Any = ""
    submit_label: Any = gettext_lazy("Save")
    done: Any = gettext_lazy("Saved.")

    @property
    def url_prefix(self) -> str:
        return "complaints:complaint"

    def complaint_of(self, obj: Model) -> Complaint:
        assert isinstance(obj, Complaint)
        return obj

    def initial(self, obj: Model) -> dict[str, Any]:
        return {"version": getattr(obj, "version", None)}

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        obj = self.get_object()
        form = self.form_class(
            initial=self.initial(obj),
            user=signed_in_user(request),
            complaint=self.complaint_of(obj),
        )
        return self.render_form(obj, form)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        obj = self.get_object()
        form = self.form_class(
            request.POST, user=signed_in_user(request), complaint=self.complaint_of(obj)
        )
        if not form.is_valid():
            return self.render_form(obj, form, status=400)
        try:
            self.perform(obj, form.cleaned_data)
        except REFUSALS as error:
            form.add_error(None, refusal_text(error))
            return self.render_form(obj, form, status=getattr(error, "status", 400))
        messages.success(request, str(self.done))
        return redirect(self.complaint_of(obj).get_absolute_url())

    def perform(self, obj: Model, data: dict[str, Any]) -> Any:
        raise NotImplementedError

    def form_action(self, obj: Model) -> str:
        """Where the form posts: this page itself."""
        return ""

    def render_form(self, obj: Model, form: HandlingForm, status: int = 200) -> HttpResponse:
        context = self.page_context(
            object=obj,
            form_action=self.form_action(obj),
            complaint=self.complaint_of(obj),
            form=form,
            title=self.title,
            intro=self.intro,
            submit_label=self.submit_label,
            state_label=dict(ComplaintState.choices).get(self.complaint_of(obj).state, ""),
        )
        return render(self.request, self.template_name, context, status=status)


class ReferralResultView(HandlingPage):
    form_class = ReferralResultForm
    title = gettext_lazy("What became of the referral")
    submit_label = gettext_lazy("Record")
    done = gettext_lazy("Referral result recorded.")

    def perform(self, obj: Model, data: dict[str, Any]) -> Any:
        return handling.record_referral_result(
            self.complaint_of(obj), signed_in_user(self.request), data["result"], data["version"]
        )


class TaskAddView(HandlingPage):
    form_class = TaskForm
    title = gettext_lazy("Give a unit a task")
    intro = gettext_lazy(
        "The lead unit and each assisting unit have their own task and deadline. The unit "
        "complained about is never given a task."
    )
    submit_label = gettext_lazy("Give the task")
    done = gettext_lazy("Task given.")

    def perform(self, obj: Model, data: dict[str, Any]) -> Any:
        return handling.assign_task(
            self.complaint_of(obj), signed_in_user(self.request), data["department"], data["role"],
            data["instructions"], data["due"],
        )  # fmt: skip


class NoteAddView(HandlingPage):
    form_class = NoteForm
    title = gettext_lazy("Add a note")
    submit_label = gettext_lazy("Add the note")
    done = gettext_lazy("Note added.")

    def perform(self, obj: Model, data: dict[str, Any]) -> Any:
        return handling.add_note(
            self.complaint_of(obj),
            signed_in_user(self.request),
            data["text"],
            data["for_complainant"],
        )


class TaskPage(HandlingPage):
    model = HandlingTask

    @property
    def url_prefix(self) -> str:
        return "complaints:handlingtask"

    def complaint_of(self, obj: Model) -> Complaint:
        assert isinstance(obj, HandlingTask)
        return obj.complaint

    def page_context(self, **extra: Any) -> dict[str, Any]:
        return {"task": extra.get("object"), **extra}


class TaskTransitionPage(TaskPage):
    """The form of a task's step; it posts to the task's transition (TransitionView)."""

    http_method_names = ["get"]
    transition = ""

    def form_action(self, obj: Model) -> str:
        return reverse("complaints:handlingtask_transition", args=[obj.pk, self.transition])


class TaskCompleteView(TaskTransitionPage):
    form_class = TaskResultForm
    transition = "complete"
    title = gettext_lazy("Report the task done")
    submit_label = gettext_lazy("Report done")


class TaskCancelView(TaskTransitionPage):
    form_class = HandlingForm
    transition = "cancel"
    title = gettext_lazy("Cancel the task")
    submit_label = gettext_lazy("Cancel the task")


class ReferralListView(RestrictedView):
    """Referred matters (诉访分离) whose result nobody has recorded yet; `?all=1`: every
    referred matter with its result."""

    model = Complaint
    template_name = "complaints/handling_referrals.html"

    @property
    def url_prefix(self) -> str:
        return "complaints:complaint"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        show_all = request.GET.get("all") == "1"
        rows = (
            Complaint.objects.restrict(request.user).filter(state=ComplaintState.REFERRED)
            if show_all
            else handling.referrals_awaiting_result(signed_in_user(request))
        )
        rows = rows.select_related("category", "region").order_by("-updated", "-pk")[:500]
        context = self.page_context(complaints=rows, show_all=show_all)
        return render(request, self.template_name, context)


# --- the panel on the complaint page ----------------------------------------------------------


def panel_context(user: User, complaint: Complaint) -> dict[str, Any]:
    answers = handling.answers_for_complaint(user, complaint)
    open_tasks = HandlingTask.objects.restrict(user, "change").filter(
        complaint=complaint, state=TaskState.OPEN
    )
    return {
        "case": complaint,
        "may_assign": answers
        and complaint.state in handling.TASK_STATES
        and user.has_perm("complaints.add_handlingtask"),
        "may_note": user.has_perm("complaints.add_casenote"),
        "may_note_for_complainant": answers,
        "may_record_referral": answers
        and complaint.state == ComplaintState.REFERRED
        and user.has_perm("complaints.change_complaint"),
        "open_tasks": open_tasks.select_related("department"),
        "task_form": TaskForm(
            user=user, complaint=complaint, initial={"version": complaint.version}
        ),
        "note_form": NoteForm(user=user),
        "referral_form": ReferralResultForm(user=user, initial={"version": complaint.version}),
    }


complaint_panels.register(
    Panel(
        key="handling",
        template_name="complaints/handling_panel.html",
        permission="complaints.view_handlingtask",
        context=panel_context,
    )
)


def complaint_path(suffix: str) -> str:
    return f"<int:pk>/{suffix}/"


urlpatterns: list[URLPattern] = [
    path(
        complaint_path("referral"), ReferralResultView.as_view(), name="complaint_referral_result"
    ),
    path(complaint_path("tasks/new"), TaskAddView.as_view(), name="complaint_task_add"),
    path(complaint_path("notes/new"), NoteAddView.as_view(), name="complaint_note_add"),
    path("tasks/<int:pk>/done/", TaskCompleteView.as_view(), name="task_complete"),
    path("tasks/<int:pk>/cancel/", TaskCancelView.as_view(), name="task_cancel"),
    transition_path("tasks", HandlingTask, "handlingtask_transition"),
    path("referrals/", ReferralListView.as_view(), name="referral_list"),
]
