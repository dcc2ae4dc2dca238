"""Backlog case (积案) pages: the list, which is also the ledger (CSV/XLSX, matter only), and
the page where a unit leader or supervisor sets the plan and records the resolution.

Nothing here reads the complainant's identity: the list, the page and the ledger are the same
for everyone who may see the backlog case (Letters and Visits Regulations 2022, Arts 30, 46).
"""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from complaints.choices import HANDLING_CLOCKS, BacklogReason, BacklogState
from complaints.forms.backlog import BacklogCaseFilterSet, BacklogPlanForm, BacklogResolveForm
from complaints.models import BacklogCase, Complaint
from complaints.panels import complaint_panels
from complaints.services.backlog import plan_backlog, resolve_backlog
from core.accounts import signed_in_user
from core.exports import export_response
from core.models import User
from core.panels import Panel
from core.tables import ChoiceBadgeColumn, DirectoryTable
from core.views.generic import ObjectDetailView, ObjectListView, RestrictedView
from workflow.clocks import due_text
from workflow.models import Clock


class BacklogCaseTable(DirectoryTable):
    """The backlog list; all its columns (the hidden ones too) make the ledger's columns."""

    number = tables.Column(
        accessor="complaint__number", verbose_name=gettext_lazy("Case number"),
        linkify=("complaints:backlogcase_detail", [tables.A("pk")]),
    )  # fmt: skip
    title = tables.Column(accessor="complaint__title", verbose_name=gettext_lazy("Matter"))
    category = tables.Column(accessor="complaint__category", visible=False)
    received_at = tables.DateTimeColumn(
        accessor="complaint__received_at", format="Y-m-d H:i", visible=False,
        verbose_name=gettext_lazy("Received"),
    )  # fmt: skip
    reason = ChoiceBadgeColumn(choices=BacklogReason)
    state = ChoiceBadgeColumn(choices=BacklogState)
    region = tables.Column(order_by=("region__path",))
    department = tables.Column(order_by=("department__name",))
    responsible_leader = tables.Column()
    target_date = tables.DateColumn(format="Y-m-d")
    designated_at = tables.DateTimeColumn(format="Y-m-d H:i")
    repeat_count = tables.Column(
        accessor="complaint__repeat_count", verbose_name=gettext_lazy("Repeats")
    )
    plan = tables.Column(visible=False)
    resolved_at = tables.DateTimeColumn(format="Y-m-d H:i", visible=False)
    resolution = tables.Column(visible=False)

    class Meta(DirectoryTable.Meta):
        model = BacklogCase
        fields = (
            "number", "title", "category", "received_at", "reason", "state", "region",
            "department", "responsible_leader", "target_date", "designated_at", "repeat_count",
            "plan", "resolved_at", "resolution",
        )  # fmt: skip
        order_by = ("state", "target_date")


class BacklogPage(RestrictedView):
    model = BacklogCase

    @property
    def url_prefix(self) -> str:
        return "complaints:backlogcase"


class BacklogCaseListView(BacklogPage, ObjectListView):
    table_class = BacklogCaseTable
    filterset_class = BacklogCaseFilterSet
    template_name = "complaints/backlogcase_list.html"
    select_related = (
        "complaint", "complaint__category", "region", "department", "responsible_leader",
    )  # fmt: skip

    def export(self, export_format: str, table: Any) -> HttpResponseBase:
        # 积案台账: the ledger is the filtered list, every column, no identity.
        return export_response(
            export_format, table, table.data.data, "backlog-ledger", _("Backlog ledger")
        )


def handling_clock(complaint: Complaint) -> Clock | None:
    return (
        Clock.objects.filter(
            content_type=ContentType.objects.get_for_model(Complaint),
            object_id=complaint.pk,
            kind__in=HANDLING_CLOCKS,
        )
        .select_related("rule")
        .order_by("-started_at", "-id")
        .first()
    )


class BacklogCaseDetailView(BacklogPage, ObjectDetailView):
    """GET shows the complaint, its handling deadline and the forms; POST `action=plan|resolve`."""

    template_name = "complaints/backlogcase_detail.html"
    select_related = (
        "complaint", "complaint__category", "rule", "region", "department", "responsible_leader",
    )  # fmt: skip

    def extra_context(self, obj: Model) -> dict[str, Any]:
        assert isinstance(obj, BacklogCase)
        clock = handling_clock(obj.complaint)
        user = signed_in_user(self.request)
        may_change = (
            obj.state == BacklogState.OPEN
            and BacklogCase.objects.restrict(user, "change").filter(pk=obj.pk).exists()
        )
        return {
            "clock": clock,
            "clock_due": due_text(clock) if clock is not None else "",
            "may_plan": may_change,
            "plan_form": BacklogPlanForm(user=user, backlog=obj) if may_change else None,
            "resolve_form": BacklogResolveForm() if may_change else None,
        }

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not self.may("change"):
            raise PermissionDenied
        backlog = self.get_object()
        assert isinstance(backlog, BacklogCase)
        action = request.POST.get("action")
        if action == "resolve":
            return self.resolve(backlog)
        return self.plan(backlog)

    def plan(self, backlog: BacklogCase) -> HttpResponse:
        form = BacklogPlanForm(
            self.request.POST, user=signed_in_user(self.request), backlog=backlog
        )
        if form.is_valid():
            try:
                plan_backlog(backlog, signed_in_user(self.request), **form.cleaned_data)
            except (ValidationError, PermissionDenied) as error:
                add_errors(form, error)
            else:
                messages.success(self.request, _("The plan is saved."))
                return redirect(detail_url(backlog))
        return self.render_with(backlog, plan_form=form)

    def resolve(self, backlog: BacklogCase) -> HttpResponse:
        form = BacklogResolveForm(self.request.POST)
        if form.is_valid():
            try:
                resolve_backlog(backlog, signed_in_user(self.request), **form.cleaned_data)
            except (ValidationError, PermissionDenied) as error:
                add_errors(form, error)
            else:
                messages.success(self.request, _("The backlog case is resolved."))
                return redirect(detail_url(backlog))
        return self.render_with(backlog, resolve_form=form)

    def render_with(self, backlog: BacklogCase, **forms: Any) -> HttpResponse:
        context = self.page_context(object=backlog, **self.extra_context(backlog))
        context.update(forms)
        return render(self.request, self.template_name, context, status=400)


def add_errors(form: Any, error: ValidationError | PermissionDenied) -> None:
    """A service's refusal onto the form: field errors on their fields, the rest on top."""
    if isinstance(error, PermissionDenied):
        form.add_error(None, str(error))
        return
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return
    form.add_error(None, error.messages)


def detail_url(backlog: BacklogCase) -> str:
    return reverse("complaints:backlogcase_detail", args=[backlog.pk])


def backlog_panel(user: User, complaint: Complaint) -> dict[str, Any]:
    """The complaint page's backlog section: whether (and why) the complaint is a backlog case."""
    backlog = BacklogCase.objects.restrict(user, "view").filter(complaint=complaint).first()
    return {"backlog": backlog}


complaint_panels.register(
    Panel(
        key="backlog",
        template_name="complaints/backlog_panel.html",
        permission="complaints.view_backlogcase",
        context=backlog_panel,
    )
)

urlpatterns: list[URLPattern] = [
    path("backlog/", BacklogCaseListView.as_view(), name="backlogcase_list"),
    path("backlog/<int:pk>/", BacklogCaseDetailView.as_view(), name="backlogcase_detail"),
]
