"""Enforcement pages under /safety/enforcement/: list (filters, export), detail with the issue,
lift and cancel buttons and the PDF, drafting from a premises or a hazard, editing a draft;
and the premises page's enforcement panel. Every change goes through
hazards.services.enforcement, which the API calls too."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import URLPattern, path
from django.utils.translation import gettext as _

from core.choices import PremisesStatus
from core.models import Premises, User
from core.pdf import pdf_response, render_pdf
from core.views.generic import (
    REFUSALS,
    ObjectDetailView,
    ObjectEditView,
    ObjectHistoryView,
    ObjectListView,
    RestrictedView,
    refusal_text,
)
from core.views.presentation import DetailRow, detail_row
from hazards.choices import EnforcementKind, EnforcementState
from hazards.filtersets.enforcement import EnforcementActionFilterSet
from hazards.forms.enforcement import DraftEditForm, EnforcementActionForm, LiftForm
from hazards.models import EnforcementAction
from hazards.services import enforcement as service
from hazards.tables.enforcement import EnforcementActionTable
from workflow.calendar import local_date
from workflow.engine import available_transitions
from workflow.views import transition_path

PANEL_ROWS = 20


def state_colour(state: str) -> str:
    return str(EnforcementState.colour_of(state))


def state_label(state: str) -> str:
    """StatefulModel.state carries no choices: the label comes from EnforcementState."""
    return str(EnforcementState(state).label) if state in EnforcementState.values else state


class EnforcementPages:
    """Pages of this model live in the `hazards` namespace."""

    model: type[Model] = EnforcementAction

    @property
    def url_prefix(self) -> str:
        return "hazards:enforcementaction"


class EnforcementActionListView(EnforcementPages, ObjectListView):
    table_class = EnforcementActionTable
    filterset_class = EnforcementActionFilterSet
    select_related = ("premises", "region", "department")


class EnforcementActionDetailView(EnforcementPages, ObjectDetailView):
    template_name = "hazards/enforcementaction_detail.html"
    select_related = ("premises", "hazard", "region", "department", "issued_by", "lifted_by")
    detail_fields = (
        "number",
        "kind",
        "state",
        "premises",
        "hazard",
        "department",
        "facts",
        "legal_basis",
        "requirements",
        "deadline",
        "effective_until",
        "amount",
        "issued_by",
        "issued_at",
        "lifted_by",
        "lifted_at",
        "lift_reason",
        "created_by",
        "created",
    )

    def get_rows(self, obj: Model) -> list[DetailRow]:
        assert isinstance(obj, EnforcementAction)
        rows = []
        for name in self.detail_fields:
            row = detail_row(obj, name, self.user)
            if name == "state":
                row = DetailRow(row.label, text=state_label(obj.state))
            rows.append(row)
        return rows

    def extra_context(self, obj: Model) -> dict[str, Any]:
        assert isinstance(obj, EnforcementAction)
        user = self.user
        may_change = user.has_perm("hazards.change_enforcementaction")
        # By name: the page asks `"issue" in transitions` and reads a step's confirm text.
        steps = available_transitions(obj, user) if may_change else []
        names = {t.name: t for t in steps}
        return {
            "may_change": may_change and obj.state == EnforcementState.DRAFT,
            "transitions": names,
            "problems": service.issue_problems(obj) if "issue" in names else [],
            "lift_form": LiftForm(initial={"version": obj.version}),
            "is_liftable": obj.kind in service.LIFTABLE_KINDS,
            "state_colour": EnforcementState.colour_of(obj.state),
            "state_label": state_label(obj.state),
        }


class EnforcementActionPDFSelect:
    select_related: tuple[str, ...] = ("premises", "hazard", "region", "department__region")


class EnforcementActionAddView(EnforcementPages, ObjectEditView):
    """Draft a document: `?premises=<id>` or `?hazard=<id>` prefill it."""

    form_class = EnforcementActionForm

    def required_action(self) -> str:
        return "add"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = self.get_form(self.model())
        if not form.is_valid():
            return self.render_form(form)
        data = form.cleaned_data
        try:
            action = service.draft_action(
                user=self.user,
                premises=data["premises"],
                kind=data["kind"],
                facts=data["facts"],
                legal_basis=data.get("legal_basis") or "",
                requirements=data.get("requirements") or "",
                hazard=data.get("hazard"),
                deadline=data.get("deadline"),
                effective_until=data.get("effective_until"),
                amount=data.get("amount"),
            )
        except REFUSALS as error:
            form.add_error(None, refusal_text(error))
            return self.render_form(form)
        messages.success(request, _("Drafted %(object)s.") % {"object": action})
        return redirect(action.get_absolute_url())


class EnforcementActionEditView(EnforcementPages, ObjectEditView):
    """Edit a draft (an issued document is lifted, never edited)."""

    form_class = DraftEditForm

    def get_instance(self) -> Model:
        action = self.get_object("change")
        if action.state != EnforcementState.DRAFT:  # type: ignore[attr-defined]
            raise PermissionDenied(_("Only a draft can be edited."))
        return action

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        action = self.get_instance()
        form = self.get_form(action)
        if not form.is_valid():
            return self.render_form(form)
        data = {name: form.cleaned_data.get(name) for name in service.DRAFT_FIELDS}
        try:
            saved = service.update_draft(request.user, action, data, form.cleaned_data["version"])  # type: ignore[arg-type]
        except REFUSALS as error:
            form.add_error(None, refusal_text(error))
            return self.render_form(form)
        messages.success(request, _("Saved %(object)s.") % {"object": saved})
        return redirect(saved.get_absolute_url())


class EnforcementActionHistoryView(EnforcementPages, ObjectHistoryView):
    pass


class EnforcementActionPDFView(EnforcementPages, EnforcementActionPDFSelect, RestrictedView):
    """The document as issued (a draft carries a DRAFT mark)."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        obj = self.get_object()
        assert isinstance(obj, EnforcementAction)
        pdf = render_pdf(pdf_template(obj), document_context(obj))
        return pdf_response(pdf, f"{obj.number} {obj.get_kind_display()}")


def pdf_template(action: EnforcementAction) -> str:
    return f"hazards/pdf/{action.kind}.html"


def document_context(action: EnforcementAction) -> dict[str, Any]:
    department = action.department
    extra: dict[str, Any] = {}
    if action.kind == EnforcementKind.POWER_CUT_NOTICE:
        extra["suspension"] = service.refused_suspension(action.premises_id)
    if action.kind == EnforcementKind.CLOSURE_REQUEST:
        on = local_date(action.issued_at) if action.issued_at else None
        extra["counter"] = service.penalty_counter(action.premises, on)
        if department is not None:
            # Art. 113: the request goes to the local government of the regulator's level.
            extra["government"] = f"{department.region.name}人民政府"
    return {
        **extra,
        "action": action,
        "authority": department.name if department is not None else str(action.region),
        "document_title": DOCUMENT_TITLES.get(action.kind, action.get_kind_display()),
        "number": action.number,
        "addressee": action.premises.name,
        "premises": action.premises,
        "is_draft": action.state == EnforcementState.DRAFT,
        "issued_on": action.issued_at,
    }


# The document titles as printed (Chinese official documents; not UI text).
DOCUMENT_TITLES: dict[str, str] = {
    EnforcementKind.RECTIFICATION_ORDER: "责令限期整改指令书",
    EnforcementKind.IMMEDIATE_REMOVAL: "现场处理措施决定书（责令立即排除、撤出人员）",
    EnforcementKind.SUSPENSION: "责令暂时停产停业决定书",
    EnforcementKind.SEALING: "查封扣押决定书",
    EnforcementKind.POWER_CUT_NOTICE: "停止供电措施告知书",
    EnforcementKind.WARNING: "行政处罚决定书（警告）",
    EnforcementKind.FINE: "行政处罚决定书",
    EnforcementKind.CONFISCATION: "行政处罚决定书（没收违法所得）",
    EnforcementKind.PENALTY_SUSPENSION: "行政处罚决定书（责令停产停业整顿）",
    EnforcementKind.LICENCE_REVOCATION: "行政处罚决定书（暂扣或者吊销证照）",
    EnforcementKind.CLOSURE_REQUEST: "提请关闭生产经营单位的函",
    EnforcementKind.HEARING_NOTICE: "行政处罚听证告知书",
}


# The premises page's panel


def enforcement_panel(user: User, premises: Premises) -> dict[str, Any]:
    """History of the premises' documents, its status and the Art. 113 penalty counter."""
    visible = EnforcementAction.objects.restrict(user, "view").filter(premises=premises)
    actions = visible.select_related("issued_by").order_by("-created", "-pk")[:PANEL_ROWS]
    rows = [
        {"action": a, "state_label": state_label(a.state), "colour": state_colour(a.state)}
        for a in actions
    ]
    counter = service.penalty_counter(premises, documents=visible)
    return {
        "enforcement_actions": [row["action"] for row in rows],
        "enforcement_rows": rows,
        "enforcement_total": visible.count(),
        "premises_status": premises.status,
        "premises_status_label": PremisesStatus(premises.status).label,
        "premises_status_colour": PremisesStatus.colour_of(premises.status),
        "penalty_counter": counter,
        "closure_requested": visible.filter(
            kind=EnforcementKind.CLOSURE_REQUEST, state=EnforcementState.ISSUED
        ).exists(),
        "may_draft_enforcement": user.has_perm("hazards.add_enforcementaction"),
    }


urlpatterns: list[URLPattern] = [
    path("enforcement/", EnforcementActionListView.as_view(), name="enforcementaction_list"),
    path("enforcement/add/", EnforcementActionAddView.as_view(), name="enforcementaction_add"),
    path(
        "enforcement/<int:pk>/",
        EnforcementActionDetailView.as_view(),
        name="enforcementaction_detail",
    ),
    path(
        "enforcement/<int:pk>/edit/",
        EnforcementActionEditView.as_view(),
        name="enforcementaction_edit",
    ),
    path(
        "enforcement/<int:pk>/history/",
        EnforcementActionHistoryView.as_view(),
        name="enforcementaction_history",
    ),
    path(
        "enforcement/<int:pk>/pdf/",
        EnforcementActionPDFView.as_view(),
        name="enforcementaction_pdf",
    ),
    transition_path("enforcement", EnforcementAction, "enforcementaction_transition"),
]
