"""`/api/v1/callbacks/` and `/api/v1/complaint-rates/`.

- callbacks: list and retrieve within the user's scope; create records one through
  complaints.services.callbacks.record_callback, refused (403, `callback_refused`) to anyone
  in a unit handling the complaint;
- complaint-rates: `GET ?group_by=unit|category|region|period&period=month|quarter&start=&end=
  &region=`: the figures of the rates page, exact to two decimals as strings, "null" where
  there is nothing to divide by, with the formula version used.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter
from rest_framework.serializers import BaseSerializer

from complaints.choices import Satisfaction
from complaints.forms.callbacks import CallbackFilterSet, RatesForm
from complaints.models import Callback, Complaint
from complaints.services.callbacks import record_callback
from complaints.services.rates import FIGURES, RateReport, RateRow, rates
from core.api.serializers import ScopedPrimaryKeyRelatedField
from core.api.views import RestrictedReadOnlyModelViewSet, ScopedFiguresMixin


class CallbackSerializer(serializers.ModelSerializer):
    class Meta:
        model = Callback
        fields = [
            "id", "complaint", "source", "called_by", "caller_unit", "at", "contacted", "solved",
            "satisfaction", "note",
        ]  # fmt: skip
        read_only_fields = fields


class CallbackCreateSerializer(serializers.Serializer):
    complaint = ScopedPrimaryKeyRelatedField(queryset=Complaint.objects.all())
    contacted = serializers.BooleanField()
    solved = serializers.BooleanField(required=False, allow_null=True, default=None)
    satisfaction = serializers.ChoiceField(
        choices=Satisfaction.choices, required=False, allow_blank=True, default=""
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")
    at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class CallbackViewSet(mixins.CreateModelMixin, RestrictedReadOnlyModelViewSet):
    """Callbacks (回访): reached? solved? satisfaction grade. Made by someone outside the
    handling unit after the handling limit or once the answer is delivered."""

    model = Callback
    serializer_class = CallbackSerializer
    filterset_class = CallbackFilterSet
    ordering_fields = ["at", "complaint"]

    def get_serializer_class(self) -> type[BaseSerializer]:
        return CallbackCreateSerializer if self.action == "create" else CallbackSerializer

    @extend_schema(request=CallbackCreateSerializer, responses={201: CallbackSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        incoming = CallbackCreateSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        incoming.is_valid(raise_exception=True)
        values = dict(incoming.validated_data)
        complaint = values.pop("complaint")
        callback = record_callback(complaint, request.user, **values)
        return Response(CallbackSerializer(callback).data, status=status.HTTP_201_CREATED)


def row_data(row: RateRow) -> dict[str, Any]:
    figures = row.figures()
    key = row.key.isoformat() if hasattr(row.key, "isoformat") else row.key
    return {
        "key": key,
        "label": row.label,
        "counts": vars(row.counts),
        **{name: None if figures[name] is None else str(figures[name]) for name, *_ in FIGURES},
    }


def report_data(report: RateReport) -> dict[str, Any]:
    formula = report.formula
    return {
        "group_by": report.group_by,
        "period": report.period,
        "formula": None
        if formula is None
        else {
            "id": formula.pk,
            "version": formula.version,
            "source": formula.source,
            "response_weight": str(formula.response_weight),
            "resolution_weight": str(formula.resolution_weight),
            "satisfaction_weight": str(formula.satisfaction_weight),
            "basically_counts_as_satisfied": formula.basically_counts_as_satisfied,
        },
        "rows": [row_data(row) for row in report.rows],
        "total": row_data(report.total),
    }


class RateFormulaSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    version = serializers.IntegerField()
    source = serializers.CharField()
    response_weight = serializers.DecimalField(max_digits=5, decimal_places=2)
    resolution_weight = serializers.DecimalField(max_digits=5, decimal_places=2)
    satisfaction_weight = serializers.DecimalField(max_digits=5, decimal_places=2)
    basically_counts_as_satisfied = serializers.BooleanField()


RATE_ROW = inline_serializer(
    "RateRow",
    {
        # a unit, category or region id, a period's first day, or null for the total
        "key": serializers.JSONField(allow_null=True),
        "label": serializers.CharField(),
        "counts": serializers.DictField(child=serializers.IntegerField()),
        # each figure a decimal string, null while its denominator is zero
        **{name: serializers.CharField(allow_null=True) for name, *_ in FIGURES},
    },
)


class ComplaintRatesSerializer(serializers.Serializer):
    """The report `report_data` answers with, for the schema."""

    group_by = serializers.CharField()
    period = serializers.CharField()
    formula = RateFormulaSerializer(allow_null=True)
    rows = serializers.ListField(child=RATE_ROW)
    total = RATE_ROW


RATE_PARAMETERS = [
    OpenApiParameter("group_by", str, enum=["unit", "category", "region", "period"]),
    OpenApiParameter("period", str, enum=["month", "quarter"]),
    OpenApiParameter("start", OpenApiTypes.DATE, description="received on or after"),
    OpenApiParameter("end", OpenApiTypes.DATE, description="received on or before"),
    OpenApiParameter("region", int, description="within this region (its id)"),
]


class ComplaintRatesViewSet(ScopedFiguresMixin, viewsets.ViewSet):
    """Complaint rates from the raw callback answers and the clocks, by the rate formula in
    force: response, resolution, satisfaction and their weighted score, on-time acceptance and
    completion, first-contact resolution, repeat rate, transfers per complaint; grouped by unit,
    category, region or period, over the complaints in the user's scope."""

    model = Callback

    @extend_schema(
        parameters=RATE_PARAMETERS,
        responses={200: ComplaintRatesSerializer},
    )
    def list(self, request: Request) -> Response:
        form = RatesForm(request.query_params, user=request.user)
        if not form.is_valid():
            body = {"detail": form.errors.get_json_data(), "code": "invalid"}
            return Response(body, status=status.HTTP_400_BAD_REQUEST)
        return Response(report_data(rates(request.user, **form.cleaned_data)))


def register(router: BaseRouter) -> None:
    """Add this feature's viewsets to the /api/v1/ router."""
    router.register("callbacks", CallbackViewSet, basename="callback")
    router.register("complaint-rates", ComplaintRatesViewSet, basename="complaintrates")
