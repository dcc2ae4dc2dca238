"""Handling pages: route, transfer, object, accept, refer, extend, tasks, notes, referral
results, and the list of referrals awaiting their result.

Each page reads the case through `restrict(user)` (outside the scope: 404) and posts to one
function of complaints.services.handling; a refusal is shown on the form with its reason and
the status of the error (400, 403, 409), and nothing is written. The case page shows the
task, note and referral-result forms as a panel (`case_panels`).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy

from complaints.choices import ComplaintState, TaskState
from complaints.forms.handling import (
    ExtendForm,
    HandlingForm,
    NoteForm,
    ObjectionForm,
    ReferForm,
    ReferralResultForm,
    RouteForm,
    TaskForm,
    TaskResultForm,
    TransferForm,
)
from complaints.models import Complaint, HandlingTask
from complaints.panels import case_panels
from complaints.services import handling
from core.panels import Panel
from core.views.generic import RestrictedView
from workflow.engine import NotFound
from workflow.errors import WorkflowError


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

    def case_of(self, obj: Model) -> Complaint:
        assert isinstance(obj, Complaint)
        return obj

    def initial(self, obj: Model) -> dict[str, Any]:
        return {"version": getattr(obj, "version", None)}

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        obj = self.get_object()
        form = self.form_class(initial=self.initial(obj), user=request.user, case=self.case_of(obj))
        return self.render_form(obj, form)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        obj = self.get_object()
        form = self.form_class(request.POST, user=request.user, case=self.case_of(obj))
        if not form.is_valid():
            return self.render_form(obj, form, status=400)
        try:
            self.perform(obj, form.cleaned_data)
        except NotFound as error:
            raise Http404(str(error.message)) from error
        except WorkflowError as error:
            form.add_error(None, str(error.message))
            return self.render_form(obj, form, status=error.status)
        messages.success(request, str(self.done))
        return redirect(self.case_of(obj).get_absolute_url())

    def perform(self, obj: Model, data: dict[str, Any]) -> Any:
        raise NotImplementedError

    def render_form(self, obj: Model, form: HandlingForm, status: int = 200) -> HttpResponse:
        context = self.page_context(
            object=obj,
            case=self.case_of(obj),
            form=form,
            title=self.title,
            intro=self.intro,
            submit_label=self.submit_label,
            state_label=dict(ComplaintState.choices).get(self.case_of(obj).state, ""),
        )
        return render(self.request, self.template_name, context, status=status)


class RouteView(HandlingPage):
    form_class = RouteForm
    title = gettext_lazy("Route to a unit")
    intro = gettext_lazy(
        "Art. 22: within 15 days of receipt. The unit has 5 working days to say the matter "
        "is not its remit (Art. 23)."
    )
    submit_label = gettext_lazy("Route")
    done = gettext_lazy("Routed.")

    def initial(self, obj: Model) -> dict[str, Any]:
        case = self.case_of(obj)
        suggested = handling.suggested_unit(case)
        return {
            "version": case.version,
            "department": suggested.pk if suggested else None,
            "summary": case.summary,
        }

    def perform(self, obj: Model, data: dict[str, Any]) -> Any:
        return handling.route(
            self.case_of(obj), self.request.user, data["department"], data["summary"],
            data["note"], data["version"],
        )  # fmt: skip


class TransferView(HandlingPage):
    form_class = TransferForm
    title = gettext_lazy("Transfer to another unit")
    intro = gettext_lazy(
        "The new unit accepts the case afresh; every transfer is counted and its reason kept."
    )
    submit_label = gettext_lazy("Transfer")
    done = gettext_lazy("Transferred.")

    def perform(self, obj: Model, data: dict[str, Any]) -> Any:
        return handling.transfer(
            self.case_of(obj), self.request.user, data["department"], data["reason"],
            data["version"],
        )  # fmt: skip


class ObjectView(HandlingPage):
    form_class = ObjectionForm
    title = gettext_lazy("Not our remit")
    intro = gettext_lazy("Art. 23: within 5 working days of receiving the matter.")
    submit_label = gettext_lazy("Return to the desk")
    done = gettext_lazy("Returned to the desk.")

    def perform(self, obj: Model, data: dict[str, Any]) -> Any:
        return handling.object_to_remit(
            self.case_of(obj), self.request.user, data["reason"], data["version"]
        )


class AcceptView(HandlingPage):
    form_class = HandlingForm
    title = gettext_lazy("Accept")
    intro = gettext_lazy("Art. 34: the 60 days to handle the matter start now.")
    submit_label = gettext_lazy("Accept")
    done = gettext_lazy("Accepted.")

    def perform(self, obj: Model, data: dict[str, Any]) -> Any:
        return handling.accept(self.case_of(obj), self.request.user, None, data["version"])


class ReferView(HandlingPage):
    form_class = ReferForm
    title = gettext_lazy("Refer to another procedure")
    intro = gettext_lazy(
        "诉访分离 (Art. 31): the complainant receives a referral notice with the reason."
    )
    submit_label = gettext_lazy("Refer")
    done = gettext_lazy("Referred; the referral notice awaits delivery.")

    def perform(self, obj: Model, data: dict[str, Any]) -> Any:
        return handling.refer(
            self.case_of(obj), self.request.user, data["body"], data["reason"], data["version"]
        )


class ExtendView(HandlingPage):
    form_class = ExtendForm
    title = gettext_lazy("Extend the handling time")
    intro = gettext_lazy(
        "Art. 34: the unit head approves at most 30 days more in total; the complainant "
        "receives an extension notice with the reason."
    )
    submit_label = gettext_lazy("Extend")
    done = gettext_lazy("Extended; the extension notice awaits delivery.")

    def perform(self, obj: Model, data: dict[str, Any]) -> Any:
        return handling.extend(
            self.case_of(obj), self.request.user, data["days"], data["reason"], data["version"]
        )


class ReferralResultView(HandlingPage):
    form_class = ReferralResultForm
    title = gettext_lazy("What became of the referral")
    submit_label = gettext_lazy("Record")
    done = gettext_lazy("Referral result recorded.")

    def perform(self, obj: Model, data: dict[str, Any]) -> Any:
        return handling.record_referral_result(
            self.case_of(obj), self.request.user, data["result"], data["version"]
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
            self.case_of(obj), self.request.user, data["department"], data["role"],
            data["instructions"], data["due"],
        )  # fmt: skip


class NoteAddView(HandlingPage):
    form_class = NoteForm
    title = gettext_lazy("Add a note")
    submit_label = gettext_lazy("Add the note")
    done = gettext_lazy("Note added.")

    def perform(self, obj: Model, data: dict[str, Any]) -> Any:
        return handling.add_note(
            self.case_of(obj), self.request.user, data["text"], data["for_complainant"]
        )


class TaskPage(HandlingPage):
    model = HandlingTask

    @property
    def url_prefix(self) -> str:
        return "complaints:handlingtask"

    def case_of(self, obj: Model) -> Complaint:
        assert isinstance(obj, HandlingTask)
        return obj.complaint

    def page_context(self, **extra: Any) -> dict[str, Any]:
        return {"task": extra.get("object"), **extra}


class TaskCompleteView(TaskPage):
    form_class = TaskResultForm
    title = gettext_lazy("Report the task done")
    submit_label = gettext_lazy("Report done")
    done = gettext_lazy("Task reported done.")

    def perform(self, obj: Model, data: dict[str, Any]) -> Any:
        assert isinstance(obj, HandlingTask)
        return handling.complete_task(obj, self.request.user, data["result"], data["version"])


class TaskCancelView(TaskPage):
    form_class = HandlingForm
    title = gettext_lazy("Cancel the task")
    submit_label = gettext_lazy("Cancel the task")
    done = gettext_lazy("Task cancelled.")

    def perform(self, obj: Model, data: dict[str, Any]) -> Any:
        assert isinstance(obj, HandlingTask)
        return handling.cancel_task(obj, self.request.user, data["version"])


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
            else handling.referrals_awaiting_result(request.user)
        )
        rows = rows.select_related("category", "region").order_by("-updated", "-pk")[:500]
        context = self.page_context(cases=rows, show_all=show_all)
        return render(request, self.template_name, context)


# --- the panel on the case page ----------------------------------------------------------


def panel_context(user: Any, complaint: Complaint) -> dict[str, Any]:
    answers = handling.answers_for_case(user, complaint)
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
        "task_form": TaskForm(user=user, case=complaint, initial={"version": complaint.version}),
        "note_form": NoteForm(user=user),
        "referral_form": ReferralResultForm(user=user, initial={"version": complaint.version}),
    }


case_panels.register(
    Panel(
        key="handling",
        template_name="complaints/handling_panel.html",
        permission="complaints.view_handlingtask",
        context=panel_context,
    )
)


def case_path(suffix: str) -> str:
    return f"cases/<int:pk>/{suffix}/"


urlpatterns: list[URLPattern] = [
    path(case_path("route"), RouteView.as_view(), name="complaint_route"),
    path(case_path("transfer"), TransferView.as_view(), name="complaint_transfer"),
    path(case_path("object"), ObjectView.as_view(), name="complaint_object"),
    path(case_path("accept"), AcceptView.as_view(), name="complaint_accept"),
    path(case_path("refer"), ReferView.as_view(), name="complaint_refer"),
    path(case_path("extend"), ExtendView.as_view(), name="complaint_extend"),
    path(case_path("referral"), ReferralResultView.as_view(), name="complaint_referral_result"),
    path(case_path("tasks/new"), TaskAddView.as_view(), name="complaint_task_add"),
    path(case_path("notes/new"), NoteAddView.as_view(), name="complaint_note_add"),
    path("tasks/<int:pk>/done/", TaskCompleteView.as_view(), name="task_complete"),
    path("tasks/<int:pk>/cancel/", TaskCancelView.as_view(), name="task_cancel"),
    path("referrals/", ReferralListView.as_view(), name="referral_list"),
]
