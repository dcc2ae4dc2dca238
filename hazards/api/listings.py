"""`/api/v1/hazard-listings/`: supervision listing (挂牌督办) of major hazards."""

from __future__ import annotations

from typing import Any

from rest_framework import mixins, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter
from rest_framework.serializers import BaseSerializer

from core.api.serializers import ScopedPrimaryKeyRelatedField
from core.api.views import RestrictedReadOnlyModelViewSet
from hazards.choices import ListingLevel
from hazards.filtersets.hazards import HazardListingFilterSet
from hazards.models import Hazard, HazardListing
from hazards.services.listings import list_hazard
from workflow.api import TransitionEndpoint


class HazardListingSerializer(serializers.ModelSerializer):
    hazard_number = serializers.CharField(source="hazard.number", read_only=True)

    class Meta:
        model = HazardListing
        fields = [
            "id",
            "number",
            "hazard",
            "hazard_number",
            "level",
            "office",
            "listed_on",
            "deadline",
            "public_notice",
            "listed_by",
            "state",
            "version",
            "resumption_application",
            "resumption_applied_at",
            "review_note",
            "reviewed_by",
            "reviewed_at",
            "delisted_at",
            "delisted_by",
        ]
        read_only_fields = fields


class ListHazardSerializer(serializers.Serializer):
    hazard = ScopedPrimaryKeyRelatedField(queryset=Hazard.objects.all())
    level = serializers.ChoiceField(choices=ListingLevel.choices)
    office = serializers.CharField(max_length=100)
    deadline = serializers.DateField()
    public_notice = serializers.CharField(required=False, allow_blank=True, default="")
    listed_on = serializers.DateField(required=False, allow_null=True)


class HazardListingViewSet(
    TransitionEndpoint, mixins.CreateModelMixin, RestrictedReadOnlyModelViewSet
):
    """Listings of major hazards (SAWS Order 16 Arts 21–23). Create lists a hazard;
    transitions: apply_to_resume (the unit, starts the 10-day review clock), review,
    refuse_resumption, delist. While live the premises counts as suspended."""

    model = HazardListing
    serializer_class = HazardListingSerializer
    filterset_class = HazardListingFilterSet
    ordering_fields = ["listed_on", "deadline", "number", "state"]
    select_related = ("hazard",)

    def get_serializer_class(self) -> type[BaseSerializer]:
        return ListHazardSerializer if self.action == "create" else HazardListingSerializer

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        incoming = ListHazardSerializer(data=request.data, context=self.get_serializer_context())
        incoming.is_valid(raise_exception=True)
        listing = list_hazard(user=request.user, **incoming.validated_data)
        return Response(HazardListingSerializer(listing).data, status=status.HTTP_201_CREATED)


def register(router: BaseRouter) -> None:
    """Add this feature's viewsets to the /api/v1/ router."""
    router.register("hazard-listings", HazardListingViewSet, basename="hazardlisting")
