"""Enterprise self-service: the safety officer's home page over their own
premises, and the quarterly and annual hazard statistics (SAWS Order 16 Art. 14) generated
from the ledger and signed by the principal."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import F, Model, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exports import XLSX_TYPE, xlsx_file
from core.models import Premises, User
from core.pdf import pdf_response, render_pdf, safe_filename
from core.views.generic import (
    REFUSALS,
    ObjectDetailView,
    ObjectHistoryView,
    ObjectListView,
    refusal_text,
)
from core.views.presentation import detail_rows
from hazards.choices import (
    OPEN_HAZARD_STATES,
    EnforcementState,
    InspectionKind,
    PeriodKind,
)
from hazards.filtersets.enterprise import EnterpriseStatisticsFilterSet
from hazards.forms.enterprise import GenerateStatisticsForm, SignStatisticsForm, last_quarter
from hazards.models import EnforcementAction, EnterpriseStatistics, Hazard, Inspection
from hazards.services.statistics import (
    generate_statistics,
    period_of,
    sign_statistics,
    statistics_deadline,
)
from hazards.tables.enterprise import EnterpriseStatisticsTable, period_label
from hazards.views.risk import SafetyPage, with_state_labels

HOME_ROWS = 20


def own_premises(user: User) -> QuerySet[Premises]:
    """The premises the user is assigned to as the enterprise's safety officer."""
    assigned = user.premises.values("pk")
    return Premises.objects.restrict(user, "view").filter(pk__in=assigned).order_by("name", "pk")


def due_periods(user: User, premises: list[Premises]) -> list[dict[str, Any]]:
    """The periods being reported now: last quarter, and last year while January lasts."""
    today = timezone.localdate()
    year, quarter = last_quarter(today)
    periods = [period_of(PeriodKind.QUARTER, year, quarter)]
    if today.month == 1:
        periods.append(period_of(PeriodKind.YEAR, today.year - 1))
    existing = {
        (row.premises_id, row.period_kind, row.year, row.quarter): row
        for row in EnterpriseStatistics.objects.restrict(user, "view").filter(premises__in=premises)
    }
    return [
        {
            "premises": place,
            "period": period,
            "label": f"{period.year} Q{period.quarter}" if period.quarter else str(period.year),
            "due": statistics_deadline(period),
            "statistics": existing.get((place.pk, period.kind, period.year, period.quarter)),
        }
        for place in premises
        for period in periods
    ]


class EnterpriseHomeView(SafetyPage):
    """Only the officer's own premises: everything is read through restrict() and then
    limited to the premises assigned to them, so a regulator with a wider scope sees their
    assigned premises only here too."""

    model = Hazard
    template_name = "hazards/enterprise_home.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = self.user
        premises = list(own_premises(user))
        context = self.page_context(
            premises_list=premises,
            open_hazards=self.open_hazards(premises),
            orders=self.orders(premises),
            self_inspections=self.self_inspections(premises),
            statistics=EnterpriseStatistics.objects.restrict(user, "view")
            .filter(premises__in=premises)
            .select_related("premises")[:HOME_ROWS],
            due=due_periods(user, premises),
            now=timezone.now(),
            may_generate=user.has_perm("hazards.add_enterprisestatistics"),
        )
        return render(request, self.template_name, context)

    def open_hazards(self, premises: list[Premises]) -> list[Hazard]:
        hazards = list(
            Hazard.objects.restrict(self.request.user, "view")
            .filter(premises__in=premises, state__in=OPEN_HAZARD_STATES)
            .select_related("premises")
            .order_by(F("rectify_by").asc(nulls_last=True), "-found_at", "-pk")
        )
        return with_state_labels(hazards)

    def orders(self, premises: list[Premises]) -> QuerySet[EnforcementAction]:
        # Drafts are the regulator's work in progress: only documents issued to the unit.
        return (
            EnforcementAction.objects.restrict(self.request.user, "view")
            .filter(
                premises__in=premises,
                state__in=[EnforcementState.ISSUED, EnforcementState.LIFTED],
            )
            .select_related("premises")
            .order_by("-issued_at", "-pk")[:HOME_ROWS]
        )

    def self_inspections(self, premises: list[Premises]) -> QuerySet[Inspection]:
        return (
            Inspection.objects.restrict(self.request.user, "view")
            .filter(premises__in=premises, kind=InspectionKind.SELF)
            .select_related("premises", "template")
            .order_by(F("started_at").desc(nulls_last=True), "-pk")[:HOME_ROWS]
        )


class EnterpriseStatisticsListView(SafetyPage, ObjectListView):
    model = EnterpriseStatistics
    table_class = EnterpriseStatisticsTable
    filterset_class = EnterpriseStatisticsFilterSet
    select_related = ("premises",)


class EnterpriseStatisticsDetailView(SafetyPage, ObjectDetailView):
    model = EnterpriseStatistics
    template_name = "hazards/enterprise_statistics_detail.html"
    select_related = ("premises", "region", "department")
    detail_fields = (
        "premises",
        "period_kind",
        "year",
        "quarter",
        "due_on",
        "due_provisional",
        "generated_at",
        "inspections",
        "hazards_found",
        "major_found",
        "rectified",
        "open_at_end",
        "major_open_at_end",
        "principal_name",
        "signed_at",
    )

    def page_context(self, **extra: Any) -> dict[str, Any]:
        context = super().page_context(**extra)
        # Statistics change only by regenerating or signing: no generic edit page.
        context["may_sign"] = context["may_change"]
        context["may_change"] = False
        return context

    def extra_context(self, obj: Model) -> dict[str, Any]:
        assert isinstance(obj, EnterpriseStatistics)
        return {
            "period": period_label(obj),
            "sign_form": SignStatisticsForm(),
            "may_regenerate": self.may("add") and obj.signed_at is None,
        }


STATISTICS_FIGURES = ("inspections", "hazards_found", "major_found", "rectified", "open_at_end",
                      "major_open_at_end")  # fmt: skip


class EnterpriseStatisticsDocumentView(SafetyPage):
    """The statistics as the form filed with the regulator (SAWS Order 16 Art. 14): a PDF to
    print and sign, or a workbook. Unsigned figures are marked as a draft."""

    model = EnterpriseStatistics

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if kwargs["fmt"] not in ("pdf", "xlsx"):
            raise Http404
        statistics = self.get_object()
        assert isinstance(statistics, EnterpriseStatistics)
        rows = [
            (row.label, row.text or ", ".join(link.text for link in row.links))
            for row in detail_rows(statistics, ("premises", *STATISTICS_FIGURES), self.user)
        ]
        title = _("Hazard investigation and governance statistics")
        name = f"{statistics.premises.name} {period_label(statistics)} {title}"
        if kwargs["fmt"] == "xlsx":
            lines = [[str(title), period_label(statistics)], *(list(row) for row in rows)]
            return FileResponse(
                xlsx_file(lines, str(title)), as_attachment=True,
                filename=safe_filename(name, suffix=".xlsx"), content_type=XLSX_TYPE,
            )  # fmt: skip
        context = {
            "statistics": statistics,
            "rows": rows,
            "document_title": title,
            "period": period_label(statistics),
            "is_draft": statistics.signed_at is None,
        }
        pdf = render_pdf("hazards/pdf/enterprise_statistics.html", context)
        return pdf_response(pdf, name, inline=False)


class EnterpriseStatisticsHistoryView(SafetyPage, ObjectHistoryView):
    model = EnterpriseStatistics

    def page_context(self, **extra: Any) -> dict[str, Any]:
        # No generic edit page to link to (see the detail view).
        return {**super().page_context(**extra), "may_change": False}


class EnterpriseStatisticsGenerateView(SafetyPage):
    """Generate (or regenerate, while unsigned) a period's statistics from the ledger."""

    model = EnterpriseStatistics
    action = "add"
    template_name = "hazards/enterprise_statistics_generate.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        initial = {key: value for key, value in request.GET.items()}
        return self.render_form(GenerateStatisticsForm(initial=initial, user=self.user))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        form = GenerateStatisticsForm(request.POST, user=self.user)
        if not form.is_valid():
            return self.render_form(form)
        data = form.cleaned_data
        try:
            statistics = generate_statistics(
                user=self.user,
                premises=data["premises"],
                kind=data["period_kind"],
                year=data["year"],
                quarter=data["quarter"] or 0,
            )
        except REFUSALS as error:
            form.add_error(None, refusal_text(error))
            return self.render_form(form)
        messages.success(request, _("Generated the statistics from the ledger."))
        return redirect(self.url_for("detail", statistics))

    def render_form(self, form: GenerateStatisticsForm) -> HttpResponse:
        return render(self.request, self.template_name, self.page_context(form=form))


class EnterpriseStatisticsSignView(SafetyPage):
    """The principal signs: name and time recorded, the figures frozen."""

    model = EnterpriseStatistics
    action = "change"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        statistics = self.get_object("change")
        assert isinstance(statistics, EnterpriseStatistics)
        form = SignStatisticsForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Enter the principal's name to sign."))
            return redirect(self.url_for("detail", statistics))
        try:
            sign_statistics(
                user=self.user,
                statistics=statistics,
                principal_name=form.cleaned_data["principal_name"],
            )
        except REFUSALS as error:
            messages.error(request, refusal_text(error))
            return redirect(self.url_for("detail", statistics))
        messages.success(request, _("Signed; the figures are now frozen."))
        return redirect(self.url_for("detail", statistics))


urlpatterns: list[URLPattern] = [
    path("enterprise/", EnterpriseHomeView.as_view(), name="enterprise_home"),
    path(
        "enterprise-statistics/",
        EnterpriseStatisticsListView.as_view(),
        name="enterprisestatistics_list",
    ),
    path(
        "enterprise-statistics/add/",
        EnterpriseStatisticsGenerateView.as_view(),
        name="enterprisestatistics_add",
    ),
    path(
        "enterprise-statistics/<int:pk>/",
        EnterpriseStatisticsDetailView.as_view(),
        name="enterprisestatistics_detail",
    ),
    path(
        "enterprise-statistics/<int:pk>/sign/",
        EnterpriseStatisticsSignView.as_view(),
        name="enterprisestatistics_sign",
    ),
    path(
        "enterprise-statistics/<int:pk>/document.<str:fmt>",
        EnterpriseStatisticsDocumentView.as_view(),
        name="enterprisestatistics_document",
    ),
    path(
        "enterprise-statistics/<int:pk>/history/",
        EnterpriseStatisticsHistoryView.as_view(),
        name="enterprisestatistics_history",
    ),
]
