"""Hazard pages: the list (filters, search, CSV/XLSX), the board by state, the overdue list,
the detail with its timeline, clocks, evidence and actions, the ad hoc report, the governance
plan and interim controls of a major hazard; and the premises page's hazards panel.

Every read goes through `restrict(user, …)`; every change through hazards.services.hazards.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Model, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _

from core.models import Attachment, Premises, User
from core.times import deadline_text
from core.views.generic import (
    REFUSALS,
    ObjectDetailView,
    ObjectListView,
    RestrictedView,
    refusal_text,
)
from hazards.choices import OPEN_HAZARD_STATES, HazardGrade, HazardState, ListingState
from hazards.filtersets.hazards import HazardFilterSet, overdue
from hazards.forms.hazards import GovernancePlanForm, HazardReportForm, InterimControlForm
from hazards.models import GovernancePlan, Hazard, HazardListing, InterimControl
from hazards.services.hazards import (
    lift_interim_control,
    record_interim_control,
    report_hazard,
    save_governance_plan,
)
from hazards.tables.hazards import HazardTable
from workflow.engine import available_transitions
from workflow.models import Clock
from workflow.timeline import TimelineRow
from workflow.timeline import timeline as workflow_timeline
from workflow.views import transition_path


def state_label(obj: Any) -> str:
    """The label of a hazard's or listing's state (`state` is a plain machine column)."""
    choices = HazardState if isinstance(obj, Hazard) else ListingState
    return str(dict(choices.choices).get(obj.state, obj.state))


def labelled[T](rows: list[T]) -> list[T]:
    """Give each row its `state_label` for the templates."""
    for row in rows:
        row.state_label = state_label(row)  # type: ignore[attr-defined]
    return rows


BOARD_ROWS = 20  # cards per column; the count above each column is the full number
LIST_JOINS = ("premises", "region", "department")


class HazardPage(RestrictedView):
    model = Hazard

    @property
    def url_prefix(self) -> str:
        return "hazards:hazard"


class HazardListView(HazardPage, ObjectListView):
    table_class = HazardTable
    filterset_class = HazardFilterSet
    template_name = "hazards/hazard_list.html"
    select_related = LIST_JOINS


class HazardOverdueView(HazardListView):
    """Hazards past their deadline and not yet reported rectified (Work Safety Law Art. 65)."""

    template_name = "hazards/hazard_overdue.html"

    def restricted_queryset(self, action: str | None = None) -> QuerySet:
        return overdue(super().restricted_queryset(action)).order_by("rectify_by", "pk")


@dataclass
class BoardColumn:
    state: str
    label: str
    colour: str
    count: int
    hazards: list[Hazard]


class HazardBoardView(HazardPage):
    """Columns by state for the user's scope: counts, and the newest cards of each column."""

    template_name = "hazards/hazard_board.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        rows = self.restricted_queryset()
        counts = dict(
            rows.order_by().values_list("state").annotate(n=Count("pk")).values_list("state", "n")
        )
        columns = [
            BoardColumn(
                state,
                str(label),
                HazardState.colour_of(state),
                counts.get(state, 0),
                self.cards(rows, state) if counts.get(state) else [],
            )
            for state, label in HazardState.choices
        ]
        context = self.page_context(
            columns=columns, overdue=overdue(rows).count(), total=sum(counts.values())
        )
        return render(request, self.template_name, context)

    def cards(self, rows: QuerySet, state: str) -> list[Hazard]:
        # Soonest deadline first: what needs chasing is at the top of each column.
        column = rows.filter(state=state).select_related("premises")
        return labelled(list(column.order_by("rectify_by", "-found_at", "-pk")[:BOARD_ROWS]))


TIMELINE_NOTES = (
    "grade",
    "rectify_by",
    "rectification_note",
    "verification_note",
    "rectification_measures",
)


def timeline(obj: Model) -> list[TimelineRow]:
    """The record's audit entries, oldest first, as steps of its loop."""
    return workflow_timeline(obj, states=dict(HazardState.choices), notes=TIMELINE_NOTES)


def clocks_of(obj: Model) -> list[dict[str, Any]]:
    rows = (
        Clock.objects.filter(
            content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
            object_id=obj.pk,
        )
        .select_related("rule")
        .order_by("started_at", "pk")
    )
    return [{"clock": clock, "due": deadline_text(clock.due)} for clock in rows]


class HazardDetailView(HazardPage, ObjectDetailView):
    template_name = "hazards/hazard_detail.html"
    select_related = ("premises", "region", "department", "found_by", "checklist_item")
    detail_fields = (
        "number",
        "premises",
        "source",
        "grade",
        "grade_reason",
        "location",
        "description",
        "found_at",
        "found_by",
        "rectify_by",
        "rectification_measures",
        "rectification_note",
        "rectified_by",
        "verification_note",
        "verified_by",
        "closed_at",
        "region",
        "department",
        "checklist_item",
        "risk_point",
        "complaint_reference",
    )

    def extra_context(self, obj: Model) -> dict[str, Any]:
        assert isinstance(obj, Hazard)
        user = self.user
        transitions = available_transitions(obj, user)
        return {
            "hazard": obj,
            "transitions": transitions,
            "timeline": timeline(obj),
            "clocks": clocks_of(obj),
            "evidence": Attachment.objects.of(obj).order_by("uploaded_at", "pk"),
            "plan": GovernancePlan.objects.restrict(user, "view").filter(hazard=obj).first(),
            "controls": InterimControl.objects.restrict(user, "view").filter(hazard=obj),
            "listings": labelled(
                list(HazardListing.objects.restrict(user, "view").filter(hazard=obj))
            ),
            "state_label": state_label(obj),
            "is_major": obj.grade == HazardGrade.MAJOR,
            "is_open": obj.state != HazardState.CLOSED,
            "may_plan": user.has_perm("hazards.add_governanceplan")
            or user.has_perm("hazards.change_governanceplan"),
            "may_control": user.has_perm("hazards.add_interimcontrol"),
            "may_list": user.has_perm("hazards.add_hazardlisting"),
            "control_form": InterimControlForm(),
        }


class HazardAddView(HazardPage):
    """An ad hoc report; an enterprise officer's report at their own premises is a
    self-report (SAWS Order 16 Art. 8)."""

    action = "add"
    template_name = "hazards/hazard_add.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        initial = {key: value for key, value in request.GET.items()}
        return self.render_form(HazardReportForm(initial=initial, user=self.user))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = HazardReportForm(request.POST, user=self.user)
        if not form.is_valid():
            return self.render_form(form)
        data = form.cleaned_data
        try:
            hazard = report_hazard(
                user=self.user,
                premises=data["premises"],
                title=data["title"],
                source=form.source(),
                description=data["description"],
                location=data["location"],
                grade=data["grade"] or None,
                rectify_by=data["rectify_by"],
            )
        except REFUSALS as error:
            form.add_error(None, refusal_text(error))
            return self.render_form(form)
        messages.success(request, _("Reported %(hazard)s.") % {"hazard": hazard})
        return redirect(hazard.get_absolute_url())

    def render_form(self, form: HazardReportForm) -> HttpResponse:
        return render(self.request, self.template_name, self.page_context(form=form))


class HazardPlanView(HazardPage):
    """The six-part governance plan of a major hazard (SAWS Order 16 Art. 15)."""

    template_name = "hazards/hazard_plan.html"

    def plan_of(self, hazard: Hazard) -> GovernancePlan | None:
        return GovernancePlan.objects.filter(hazard=hazard).first()

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        hazard = self.get_object()
        assert isinstance(hazard, Hazard)
        form = GovernancePlanForm(instance=self.plan_of(hazard))
        return self.render_form(hazard, form)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        hazard = self.get_object()
        assert isinstance(hazard, Hazard)
        form = GovernancePlanForm(request.POST, instance=self.plan_of(hazard))
        if not form.is_valid():
            return self.render_form(hazard, form)
        try:
            save_governance_plan(user=self.user, hazard=hazard, **form.cleaned_data)
        except REFUSALS as error:
            form.add_error(None, refusal_text(error))
            return self.render_form(hazard, form)
        messages.success(request, _("Governance plan saved."))
        return redirect(hazard.get_absolute_url())

    def render_form(self, hazard: Hazard, form: GovernancePlanForm) -> HttpResponse:
        context = self.page_context(object=hazard, form=form)
        return render(self.request, self.template_name, context)


class HazardControlView(HazardPage):
    """POST: record an interim control, or lift one (`lift=<id>`)."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        hazard = self.get_object()
        assert isinstance(hazard, Hazard)
        try:
            if request.POST.get("lift"):
                control = get_object_or_404(
                    InterimControl.objects.restrict(request.user, "view"),
                    pk=request.POST["lift"],
                    hazard=hazard,
                )
                lift_interim_control(user=self.user, control=control)
            else:
                form = InterimControlForm(request.POST)
                if not form.is_valid():
                    messages.error(request, _("Choose the measure taken."))
                    return redirect(hazard.get_absolute_url())
                record_interim_control(user=self.user, hazard=hazard, **form.cleaned_data)
        except REFUSALS as error:
            messages.error(request, refusal_text(error))
        return redirect(hazard.get_absolute_url())


# The premises page's panel


def hazards_panel(user: User, premises: Premises) -> dict[str, Any]:
    """Open hazards at the premises and counts by state, as far as the user may see."""
    rows = Hazard.objects.restrict(user, "view").filter(premises=premises)
    counts = dict(
        rows.order_by().values_list("state").annotate(n=Count("pk")).values_list("state", "n")
    )
    open_rows = rows.filter(state__in=OPEN_HAZARD_STATES).order_by("rectify_by", "-found_at")
    return {
        "premises": premises,
        "open_hazards": labelled(list(open_rows[:20])),
        "open_count": sum(counts.get(state, 0) for state in OPEN_HAZARD_STATES),
        "counts": [
            (label, counts.get(state, 0), HazardState.colour_of(state))
            for state, label in HazardState.choices
            if counts.get(state)
        ],
        "overdue_count": overdue(rows).count(),
        "may_add": user.has_perm("hazards.add_hazard"),
    }


urlpatterns: list[URLPattern] = [
    path("hazards/", HazardListView.as_view(), name="hazard_list"),
    path("hazards/board/", HazardBoardView.as_view(), name="hazard_board"),
    path("hazards/overdue/", HazardOverdueView.as_view(), name="hazard_overdue"),
    path("hazards/add/", HazardAddView.as_view(), name="hazard_add"),
    path("hazards/<int:pk>/", HazardDetailView.as_view(), name="hazard_detail"),
    transition_path("hazards", Hazard, "hazard_transition"),
    path("hazards/<int:pk>/plan/", HazardPlanView.as_view(), name="hazard_plan"),
    path("hazards/<int:pk>/controls/", HazardControlView.as_view(), name="hazard_controls"),
]
