"""Risk point pages (风险分级管控, DESIGN.md §5): list, detail, add/edit through the scoring
service, the score preview, a region's colour summary, and the premises page's panel."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from core.models import Premises, Region, User
from core.views.generic import (
    REFUSALS,
    ObjectDetailView,
    ObjectEditView,
    ObjectHistoryView,
    ObjectListView,
    RestrictedView,
    refusal_text,
)
from hazards.choices import OPEN_HAZARD_STATES, RISK_ORDER, HazardState, RiskColour
from hazards.filtersets.risk import RiskPointFilterSet
from hazards.forms.risk import RiskPointForm, RiskPreviewForm
from hazards.models import Hazard, RiskBand, RiskPoint
from hazards.services.risk import (
    INPUT_FIELDS,
    SEVERE_FIRST,
    RiskInputError,
    assess_risk_point,
    band_set_in_force,
    child_colour_summaries,
    colour_for,
    region_colour_summary,
    score,
)
from hazards.tables.risk import RiskPointTable


def with_state_labels(hazards: list[Hazard]) -> list[Hazard]:
    """`state` has no choices on the model (the machine owns the states): label it here."""
    for hazard in hazards:
        hazard.state_label = HazardState(hazard.state).label  # type: ignore[attr-defined]
    return hazards


class SafetyPage(RestrictedView):
    """Pages of the safety area live under the `hazards` namespace."""

    @property
    def url_prefix(self) -> str:
        return f"hazards:{self.model._meta.model_name}"


class RiskPointListView(SafetyPage, ObjectListView):
    model = RiskPoint
    table_class = RiskPointTable
    filterset_class = RiskPointFilterSet
    select_related = ("premises", "region", "band_set")


DETAIL_FIELDS = (
    "premises",
    "region",
    "department",
    "name",
    "location",
    "hazard_factors",
    "controls",
    "method",
    "likelihood",
    "exposure",
    "consequence",
    "severity",
    "score",
    "band_set",
    "assessed_colour",
    "live_colour",
    "assessed_at",
    "assessed_by",
)


class RiskPointDetailView(SafetyPage, ObjectDetailView):
    model = RiskPoint
    template_name = "hazards/risk_point_detail.html"
    detail_fields = DETAIL_FIELDS
    select_related = ("premises", "region", "department", "band_set", "assessed_by")

    def extra_context(self, obj: Model) -> dict[str, Any]:
        assert isinstance(obj, RiskPoint)
        open_hazards = with_state_labels(
            list(
                Hazard.objects.restrict(self.request.user, "view")
                .filter(risk_point=obj, state__in=OPEN_HAZARD_STATES)
                .order_by("-found_at", "-pk")
            )
        )
        return {
            "open_hazards": open_hazards,
            "bands": sorted(
                RiskBand.objects.filter(band_set=obj.band_set_id),
                key=lambda band: RISK_ORDER[band.colour],
                reverse=True,
            ),
            "colour_class": RiskColour.colour_of,
        }


class RiskPointEditView(SafetyPage, ObjectEditView):
    """The form validates; `assess_risk_point` scores, colours, saves and audits."""

    model = RiskPoint
    form_class = RiskPointForm
    template_name = "hazards/risk_point_edit.html"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        instance = self.get_instance()
        assert isinstance(instance, RiskPoint)
        form = self.get_form(instance)
        if not form.is_valid():
            return self.render_form(form)
        is_new = instance.pk is None
        data = form.cleaned_data
        try:
            saved = assess_risk_point(
                user=self.user,
                premises=data["premises"],
                name=data["name"],
                method=data["method"],
                inputs=form.inputs(),
                location=data["location"],
                hazard_factors=data["hazard_factors"],
                controls=data["controls"],
                risk_point=None if is_new else instance,
            )
        except RiskInputError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
            return self.render_form(form)
        except REFUSALS as error:
            form.add_error(None, refusal_text(error))
            return self.render_form(form)
        message = _("Created %(object)s.") if is_new else _("Saved %(object)s.")
        messages.success(request, message % {"object": saved})
        return redirect(self.return_url(saved.get_absolute_url()))

    def page_context(self, **extra: Any) -> dict[str, Any]:
        form = extra.get("form")
        preview = preview_from(form.data if form is not None and form.is_bound else None, form)
        return super().page_context(preview=preview, **extra)


class RiskPointHistoryView(SafetyPage, ObjectHistoryView):
    model = RiskPoint


def preview_from(data: Any, form: Any) -> dict[str, Any]:
    """Score and colour of the inputs shown on the form, or the reason there is none."""
    if data is None:
        instance = getattr(form, "instance", None)
        if instance is None or instance.pk is None:
            return {}
        data = {"method": instance.method, **{n: getattr(instance, n) for n in INPUT_FIELDS}}
    method = data.get("method")
    if not method:
        return {}
    inputs = {name: data.get(name) for name in INPUT_FIELDS}
    try:
        value = score(method, inputs)
        band_set = band_set_in_force(method)
        colour = colour_for(value, band_set)
    except RiskInputError as error:
        return {"problem": error.message}
    return {
        "score": value.quantize(Decimal("0.01")),
        "colour": colour,
        "colour_label": RiskColour(colour).label,
        "colour_class": RiskColour.colour_of(colour),
        "band_set": band_set,
    }


class RiskPreviewView(SafetyPage):
    """The score and colour fragment the form fetches (htmx) whenever an input changes."""

    model = RiskPoint

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = RiskPreviewForm(request.GET)
        preview = preview_from(form.data, None) if form.is_valid() else {}
        return render(request, "hazards/risk_score.html", {"preview": preview})


def drill_down_url(region: Region, colour: str | None = None) -> str:
    query: dict[str, Any] = {"region": region.pk}
    if colour:
        query["colour"] = colour
    return f"{reverse('hazards:riskpoint_list')}?{urlencode(query)}"


def default_region(user: User) -> Region | None:
    """The top of the user's territory, else the top of the tree."""
    own = user.regions.order_by("depth", "code").first()
    if own is not None:
        return own
    return Region.objects.filter(parent__isnull=True).order_by("code").first()


class RiskSummaryView(SafetyPage):
    """A region's risk points by live colour with a row per child region; every count links
    to the filtered list. Counts are within the user's scope (restrict)."""

    model = RiskPoint
    template_name = "hazards/risk_summary.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        wanted = request.GET.get("region", "")
        region = (
            get_object_or_404(Region, pk=wanted) if wanted.isdigit() else default_region(self.user)
        )
        context = self.page_context(region=region, colours=SEVERE_FIRST_CHOICES)
        if region is not None:
            context.update(summary_context(self.user, region))
        return render(request, self.template_name, context)


SEVERE_FIRST_CHOICES = [(colour, RiskColour(colour).label) for colour in SEVERE_FIRST]


def summary_row(region: Region, counts: dict[str, int]) -> dict[str, Any]:
    return {
        "region": region,
        "region_url": f"{reverse('hazards:risk_summary')}?{urlencode({'region': region.pk})}",
        "cells": [
            {"count": counts[colour], "url": drill_down_url(region, colour), "colour": colour}
            for colour in SEVERE_FIRST
        ],
        "total": sum(counts.values()),
        "total_url": drill_down_url(region),
    }


def summary_context(user: User, region: Region) -> dict[str, Any]:
    children = [
        summary_row(child, counts) for child, counts in child_colour_summaries(user, region)
    ]
    return {
        "total_row": summary_row(region, region_colour_summary(user, region)),
        "child_rows": children,
        "ancestors": list(
            Region.objects.filter(code__in=region.path.strip("/").split("/")[:-1]).order_by("depth")
        ),
        "colour_classes": {colour: RiskColour.colour_of(colour) for colour in SEVERE_FIRST},
    }


def risk_panel(user: User, premises: Premises) -> dict[str, Any]:
    """The premises page's card: its risk points with live colours (read through restrict)."""
    points = (
        RiskPoint.objects.restrict(user, "view")
        .filter(premises=premises)
        .select_related("band_set")
        .order_by("name", "pk")
    )
    query = urlencode({"premises": premises.pk})
    return {
        "risk_points": [
            {"point": point, "colour_class": RiskColour.colour_of(point.live_colour)}
            for point in points
        ],
        "may_add_risk_point": user.has_perm("hazards.add_riskpoint"),
        "risk_point_add_url": f"{reverse('hazards:riskpoint_add')}?{query}",
        "risk_list_url": f"{reverse('hazards:riskpoint_list')}?{query}",
    }


urlpatterns: list[URLPattern] = [
    path("risk-points/", RiskPointListView.as_view(), name="riskpoint_list"),
    path("risk-points/add/", RiskPointEditView.as_view(), name="riskpoint_add"),
    path("risk-points/preview/", RiskPreviewView.as_view(), name="riskpoint_preview"),
    path("risk-points/<int:pk>/", RiskPointDetailView.as_view(), name="riskpoint_detail"),
    path("risk-points/<int:pk>/edit/", RiskPointEditView.as_view(), name="riskpoint_edit"),
    path("risk-points/<int:pk>/history/", RiskPointHistoryView.as_view(), name="riskpoint_history"),
    path("risk-summary/", RiskSummaryView.as_view(), name="risk_summary"),
]
