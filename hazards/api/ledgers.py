"""Ledger imports over the API: POST a file (multipart) to start a job, GET it for progress
and its problems. The job runs in the background worker, as for an upload on the page."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from core.api.views import RestrictedReadOnlyModelViewSet
from core.imports import ImportFileError, check_upload
from core.models import ImportJob, ImportProblem
from hazards.services import ledgers as service

# The job shows this many problems; the `problems` action pages through all of them.
PROBLEMS_SHOWN = 100


class ImportProblemSerializer(serializers.ModelSerializer):
    class Meta:
        model = ImportProblem
        fields = ["row", "column", "message"]
        read_only_fields = fields


class ImportJobSerializer(serializers.ModelSerializer):
    problems = serializers.SerializerMethodField()

    class Meta:
        model = ImportJob
        fields = ["id", "kind", "original_name", "valid_rows_only", "state", "total_rows",
                  "processed_rows", "imported_rows", "failed_rows", "message", "created_by",
                  "created", "finished", "problems"]  # fmt: skip
        read_only_fields = fields

    def get_problems(self, job: ImportJob) -> list[dict[str, Any]]:
        first = ImportProblem.objects.filter(job=job).order_by("row", "pk")[:PROBLEMS_SHOWN]
        return ImportProblemSerializer(first, many=True).data


class ImportJobListSerializer(ImportJobSerializer):
    class Meta(ImportJobSerializer.Meta):
        fields = [name for name in ImportJobSerializer.Meta.fields if name != "problems"]
        read_only_fields = fields


class LedgerUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    valid_rows_only = serializers.BooleanField(default=False)

    def validate_file(self, upload: Any) -> Any:
        try:
            check_upload(upload)
        except ImportFileError as error:
            raise serializers.ValidationError(str(error), code="bad_file") from error
        return upload


class LedgerImportViewSet(RestrictedReadOnlyModelViewSet):
    """Hazard-ledger imports: POST multipart `file` (+ `valid_rows_only`) creates a job (202);
    GET shows its progress and first problems; `problems/` lists every problem, paged."""

    model = ImportJob
    select_related = ("created_by",)
    ordering_fields = ["created", "state"]
    parser_classes = [MultiPartParser, FormParser]

    def get_queryset(self) -> QuerySet:
        return super().get_queryset().filter(kind=service.IMPORT_KIND)

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        if self.action == "list":
            return ImportJobListSerializer
        if self.action == "create":
            return LedgerUploadSerializer
        return ImportJobSerializer

    @extend_schema(request=LedgerUploadSerializer, responses={202: ImportJobSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not request.user.has_perm("hazards.add_hazard"):
            raise PermissionDenied()
        upload = LedgerUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        job = service.create_import_job(
            user=request.user,
            upload=upload.validated_data["file"],
            valid_rows_only=upload.validated_data["valid_rows_only"],
        )
        return Response(ImportJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses={200: ImportProblemSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def problems(self, request: Request, pk: str | None = None) -> Response:
        job = self.get_object()
        rows = ImportProblem.objects.filter(job=job).order_by("row", "pk")
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(ImportProblemSerializer(page, many=True).data)


def register(router: BaseRouter) -> None:
    """Add this feature's viewsets to the /api/v1/ router."""
    router.register("ledger-imports", LedgerImportViewSet, basename="ledgerimport")
