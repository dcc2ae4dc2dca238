"""Supervision listing (挂牌督办) pages: list, detail with its actions, and listing a hazard."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _

from core.views.generic import (
    REFUSALS,
    ObjectDetailView,
    ObjectListView,
    RestrictedView,
    refusal_text,
)
from hazards.filtersets.hazards import HazardListingFilterSet
from hazards.forms.listings import HazardListingForm
from hazards.models import HazardListing
from hazards.services.listings import list_hazard
from hazards.tables.hazards import HazardListingTable
from hazards.views.hazards import clocks_of, state_label
from workflow.engine import available_transitions
from workflow.views import transition_path


class ListingPage(RestrictedView):
    model = HazardListing

    @property
    def url_prefix(self) -> str:
        return "hazards:hazardlisting"


class HazardListingListView(ListingPage, ObjectListView):
    table_class = HazardListingTable
    filterset_class = HazardListingFilterSet
    template_name = "hazards/listing_list.html"
    select_related = ("hazard",)


class HazardListingDetailView(ListingPage, ObjectDetailView):
    template_name = "hazards/listing_detail.html"
    select_related = ("hazard", "hazard__premises", "listed_by", "reviewed_by")
    detail_fields = (
        "number",
        "hazard",
        "level",
        "office",
        "listed_on",
        "deadline",
        "public_notice",
        "listed_by",
        "resumption_application",
        "resumption_applied_at",
        "review_note",
        "reviewed_by",
        "reviewed_at",
        "delisted_at",
        "delisted_by",
    )

    def extra_context(self, obj: Model) -> dict[str, Any]:
        return {
            "transitions": available_transitions(obj, self.user),
            "clocks": clocks_of(obj),
            "state_label": state_label(obj),
        }


class HazardListingAddView(ListingPage):
    action = "add"
    template_name = "hazards/listing_add.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        initial = {key: value for key, value in request.GET.items()}
        return self.render_form(HazardListingForm(initial=initial, user=self.user))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = HazardListingForm(request.POST, user=self.user)
        if not form.is_valid():
            return self.render_form(form)
        try:
            listing = list_hazard(user=self.user, **form.cleaned_data)
        except REFUSALS as error:
            form.add_error(None, refusal_text(error))
            return self.render_form(form)
        messages.success(request, _("Listed %(listing)s.") % {"listing": listing})
        return redirect(listing.get_absolute_url())

    def render_form(self, form: HazardListingForm) -> HttpResponse:
        return render(self.request, self.template_name, self.page_context(form=form))


urlpatterns: list[URLPattern] = [
    path("listings/", HazardListingListView.as_view(), name="hazardlisting_list"),
    path("listings/add/", HazardListingAddView.as_view(), name="hazardlisting_add"),
    path("listings/<int:pk>/", HazardListingDetailView.as_view(), name="hazardlisting_detail"),
    transition_path("listings", HazardListing, "hazardlisting_transition"),
]
