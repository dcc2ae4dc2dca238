"""Campaign pages, grid assignments, "my inspections today" and the random draw."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _

from core.models import Premises, User
from core.views.generic import (
    REFUSALS,
    ObjectDetailView,
    ObjectEditView,
    ObjectHistoryView,
    ObjectListView,
    RestrictedView,
    refusal_text,
)
from hazards.filtersets.campaigns import CampaignFilterSet
from hazards.forms.campaigns import AssignmentForm, CampaignForm, DrawForm
from hazards.models import Campaign, CampaignAssignment, Inspection
from hazards.services import campaigns as service
from hazards.tables.campaigns import CampaignTable


class CampaignPages:
    model: type[Model] = Campaign
    url_prefix = "hazards:campaign"


class CampaignListView(CampaignPages, ObjectListView):
    table_class = CampaignTable
    filterset_class = CampaignFilterSet
    select_related = ("region", "organiser")
    prefetch_related = ("sectors",)


class CampaignDetailView(CampaignPages, ObjectDetailView):
    template_name = "hazards/campaign_detail.html"
    detail_fields = CampaignForm.Meta.fields
    select_related = ("region", "organiser")

    def extra_context(self, obj: Any) -> dict[str, Any]:
        user = self.user
        return {
            "assignments": CampaignAssignment.objects.restrict(user, "view")
            .filter(campaign=obj)
            .select_related("grid", "inspector"),
            "assignment_form": AssignmentForm(user=user, campaign=obj)
            if user.has_perm("hazards.add_campaignassignment")
            else None,
            "target_count": service.campaign_targets(obj)
            .filter(pk__in=_visible_premises(user))
            .count(),
            "inspection_count": Inspection.objects.restrict(user, "view")
            .filter(campaign=obj)
            .count(),
        }


def _visible_premises(user: User) -> Any:
    return Premises.objects.restrict(user, "view").values("pk")


class CampaignEditView(CampaignPages, ObjectEditView):
    form_class = CampaignForm


class CampaignHistoryView(CampaignPages, ObjectHistoryView):
    pass


class CampaignAssignView(CampaignPages, RestrictedView):
    """Assign an inspector to a grid of the campaign (POST from the detail page)."""

    action = "change"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        campaign = cast(Campaign, self.get_object())
        if not request.user.has_perm("hazards.add_campaignassignment"):
            raise PermissionDenied
        form = AssignmentForm(request.POST, user=self.user, campaign=campaign)
        if not form.is_valid():
            messages.error(request, _("Choose a grid of the campaign and an inspector."))
            return redirect(campaign.get_absolute_url())
        try:
            service.assign_inspector(user=self.user, campaign=campaign, **form.cleaned_data)
        except REFUSALS as error:
            messages.error(request, refusal_text(error))
        else:
            messages.success(request, _("Inspector assigned."))
        return redirect(campaign.get_absolute_url())


class CampaignUnassignView(CampaignPages, RestrictedView):
    action = "change"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        campaign = cast(Campaign, self.get_object())
        assignment = get_object_or_404(
            CampaignAssignment.objects.restrict(request.user, "view"),
            pk=kwargs["assignment"],
            campaign=campaign,
        )
        service.remove_assignment(user=self.user, assignment=assignment)
        messages.success(request, _("Assignment removed."))
        return redirect(campaign.get_absolute_url())


class InspectionsTodayView(RestrictedView):
    """A grid inspector's day: premises due, campaign targets, inspections planned today."""

    model = Inspection
    action = "add"
    template_name = "hazards/inspections_today.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        today = service.today()
        context = {"today": today, "work": service.inspections_today(self.user, today)}
        return render(request, self.template_name, context)


class UnannouncedDrawView(RestrictedView):
    """双随机: draw premises and inspectors at random; the seed is recorded for re-checking."""

    model = Campaign
    action = "add"
    template_name = "hazards/campaign_draw.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.render_page(DrawForm(user=self.user))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = DrawForm(request.POST, user=self.user)
        if not form.is_valid():
            return self.render_page(form)
        try:
            draw = service.unannounced_draw(user=self.user, **form.cleaned_data)
        except REFUSALS as error:
            form.add_error(None, refusal_text(error))
            return self.render_page(form)
        messages.success(
            request,
            _("Drawn with seed %(seed)s; the inspections are planned.") % {"seed": draw.seed},
        )
        return self.render_page(DrawForm(user=self.user), draw=draw)

    def render_page(self, form: DrawForm, **extra: Any) -> HttpResponse:
        return render(self.request, self.template_name, {"form": form, **extra})


urlpatterns: list[URLPattern] = [
    path("campaigns/", CampaignListView.as_view(), name="campaign_list"),
    path("campaigns/add/", CampaignEditView.as_view(), name="campaign_add"),
    path("campaigns/<int:pk>/", CampaignDetailView.as_view(), name="campaign_detail"),
    path("campaigns/<int:pk>/edit/", CampaignEditView.as_view(), name="campaign_edit"),
    path("campaigns/<int:pk>/history/", CampaignHistoryView.as_view(), name="campaign_history"),
    path("campaigns/<int:pk>/assign/", CampaignAssignView.as_view(), name="campaign_assign"),
    path(
        "campaigns/<int:pk>/assignments/<int:assignment>/remove/",
        CampaignUnassignView.as_view(),
        name="campaign_unassign",
    ),
    path("inspections/today/", InspectionsTodayView.as_view(), name="inspections_today"),
    path("inspections/draw/", UnannouncedDrawView.as_view(), name="unannounced_draw"),
]
