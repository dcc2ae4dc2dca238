"""The rates page: the figures of complaints.services.rates by unit, category, region or period,
with the formula version they were computed by. Its URL is listed with the callbacks' pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path

from complaints.forms.callbacks import RatesForm
from complaints.models import Callback
from complaints.services.rates import FIGURES, GROUPINGS, RateReport, RateRow, rates
from core.accounts import signed_in_user
from core.views.generic import RestrictedView


def row_cells(row: RateRow) -> list[tuple[str, Any]]:
    """(figure name, value or None) in the page's column order."""
    figures = row.figures()
    return [(name, figures[name]) for name, _label, _unit in FIGURES]


class RatesView(RestrictedView):
    """Needs complaints.view_callback: the rates are made of the callbacks' answers."""

    model = Callback
    template_name = "complaints/rates.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = RatesForm(request.GET or None, user=signed_in_user(request))
        report: RateReport | None = None
        options: dict[str, Any] = {"group_by": "unit", "period": "month"}
        if form.is_bound and form.is_valid():
            options = form.cleaned_data
        if not form.is_bound or form.is_valid():
            report = rates(signed_in_user(request), **options)
        context = {
            "form": form,
            "report": report,
            "figures": FIGURES,
            "grouping_label": GROUPINGS[options["group_by"]],
            "rows": [(row, row_cells(row)) for row in report.rows] if report else [],
            "total": (report.total, row_cells(report.total)) if report else None,
        }
        return render(request, self.template_name, context, status=200 if report else 400)


urlpatterns: list[URLPattern] = [path("rates/", RatesView.as_view(), name="rates")]
