"""`/api/v1/reception-days/`, `reception-appointments/` and `reception-records/`: leader
reception days, the complaints booked on them and the record of each day (scoped by region).

Booking, marking and recording go through `complaints.services.reception`, as on the pages:
capacity, one booking of a complaint a day and the instruction notes hold for both.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from complaints.choices import AppointmentState
from complaints.models import Complaint, ReceptionAppointment, ReceptionDay, ReceptionRecord
from complaints.services import reception
from core.api.serializers import ScopedPrimaryKeyRelatedField, ValidatedModelSerializer
from core.api.views import RestrictedModelViewSet, RestrictedReadOnlyModelViewSet


class ReceptionDaySerializer(ValidatedModelSerializer):
    taken = serializers.IntegerField(read_only=True, help_text="Places booked.")

    class Meta:
        model = ReceptionDay
        fields = ["id", "leader", "region", "day", "starts", "ends", "place", "capacity",
                  "cancelled", "taken"]  # fmt: skip

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        starts = attrs.get("starts", getattr(self.instance, "starts", None))
        ends = attrs.get("ends", getattr(self.instance, "ends", None))
        if starts and ends and ends <= starts:
            raise ValidationError({"ends": ["The day ends after it starts."]})
        return attrs


class ReceptionDayViewSet(RestrictedModelViewSet):
    """Reception days by region: government leaders schedule them; `taken` counts the places
    booked (received and missed included, cancelled not)."""

    model = ReceptionDay
    serializer_class = ReceptionDaySerializer
    ordering_fields = ["day", "starts", "region", "leader"]
    filterset_fields = ["leader", "region", "day", "cancelled"]

    def prefetch(self, queryset: QuerySet) -> QuerySet:
        holding = Q(appointments__state__in=reception.HOLDING_A_PLACE)
        return queryset.annotate(taken=Count("appointments", filter=holding))

    def perform_create(self, serializer: Any) -> None:
        super().perform_create(serializer)
        serializer.instance.taken = 0


class AppointmentSerializer(serializers.ModelSerializer):
    number = serializers.CharField(source="complaint.number", read_only=True)

    class Meta:
        model = ReceptionAppointment
        fields = ["id", "day", "complaint", "number", "at", "state"]
        read_only_fields = ["state"]


class BookingSerializer(serializers.Serializer):
    day = ScopedPrimaryKeyRelatedField(queryset=ReceptionDay.objects.all())
    complaint = ScopedPrimaryKeyRelatedField(queryset=Complaint.objects.all())
    at = serializers.TimeField()


class MarkSerializer(serializers.Serializer):
    state = serializers.ChoiceField(
        choices=[(s, AppointmentState(s).label) for s in reception.MARKS]
    )


class ReceptionAppointmentViewSet(mixins.CreateModelMixin, RestrictedReadOnlyModelViewSet):
    """Complaints booked on reception days. Create books (the desk): the day's hours and capacity
    hold and a complaint is booked once a day. `POST …/{id}/mark/` records received, missed or
    cancelled."""

    model = ReceptionAppointment
    serializer_class = AppointmentSerializer
    ordering_fields = ["day", "at", "state"]
    filterset_fields = ["day", "complaint", "state"]
    select_related = ("complaint",)

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        if self.action == "create":
            return BookingSerializer
        if self.action == "mark":
            return MarkSerializer
        return AppointmentSerializer

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        incoming = BookingSerializer(data=request.data, context=self.get_serializer_context())
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        booked = reception.book(data["day"], data["complaint"], data["at"], request.user)
        return Response(AppointmentSerializer(booked).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def mark(self, request: Request, pk: Any = None) -> Response:
        """Received, missed (did not come) or cancelled."""
        appointment = self.get_object()
        incoming = MarkSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        marked = reception.mark(appointment, incoming.validated_data["state"], request.user)
        return Response(AppointmentSerializer(marked).data)

    def scope_action(self) -> str:
        return "change" if self.action == "mark" else super().scope_action()


class ReceptionRecordSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReceptionRecord
        fields = ["id", "day", "summary", "instructions", "complaints", "recorded_by",
                  "recorded_at"]  # fmt: skip
        read_only_fields = ["complaints", "recorded_by", "recorded_at"]


class RecordInputSerializer(serializers.Serializer):
    day = ScopedPrimaryKeyRelatedField(queryset=ReceptionDay.objects.all())
    summary = serializers.CharField()
    instructions = serializers.CharField(required=False, allow_blank=True, default="")


class ReceptionRecordViewSet(mixins.CreateModelMixin, RestrictedReadOnlyModelViewSet):
    """The record of a reception day, linked to the complaints received. Create (or post again to
    rewrite) with the summary and the leader's instructions; each complaint received gets the
    instructions as an internal note."""

    model = ReceptionRecord
    serializer_class = ReceptionRecordSerializer
    ordering_fields = ["day", "recorded_at"]
    filterset_fields = ["day"]

    def prefetch(self, queryset: QuerySet) -> QuerySet:
        return queryset.prefetch_related("complaints")

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        return RecordInputSerializer if self.action == "create" else ReceptionRecordSerializer

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        incoming = RecordInputSerializer(data=request.data, context=self.get_serializer_context())
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        record = reception.save_record(
            data["day"], request.user, data["summary"], data["instructions"]
        )
        return Response(ReceptionRecordSerializer(record).data, status=status.HTTP_201_CREATED)


def register(router: BaseRouter) -> None:
    router.register("reception-days", ReceptionDayViewSet, basename="receptionday")
    router.register(
        "reception-appointments", ReceptionAppointmentViewSet, basename="receptionappointment"
    )
    router.register("reception-records", ReceptionRecordViewSet, basename="receptionrecord")
