"""`/api/v1/categories/` and the routing configuration: categories with their questions (read
by everyone holding the view permission, written by administrators), routes, questions and
answer options; `GET categories/{id}/route/?region=` answers which unit a matter goes to."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from complaints.models import AttributeOption, Category, CategoryAttribute, CategoryRoute
from complaints.views.categories import explain_route
from core.api.serializers import ScopedPrimaryKeyRelatedField, ValidatedModelSerializer
from core.api.views import RestrictedModelViewSet
from core.models import Department, Region, User


class AttributeOptionSerializer(ValidatedModelSerializer):
    attribute = ScopedPrimaryKeyRelatedField(queryset=CategoryAttribute.objects.all())

    class Meta:
        model = AttributeOption
        fields = ["id", "attribute", "key", "name"]


class NestedOptionSerializer(serializers.ModelSerializer):
    class Meta:
        model = AttributeOption
        fields = ["id", "key", "name"]


class CategoryAttributeSerializer(ValidatedModelSerializer):
    category = ScopedPrimaryKeyRelatedField(queryset=Category.objects.all())
    options = NestedOptionSerializer(many=True, read_only=True)

    class Meta:
        model = CategoryAttribute
        fields = ["id", "category", "code", "description", "datatype", "required", "order",
                  "options"]  # fmt: skip


class NestedAttributeSerializer(serializers.ModelSerializer):
    options = NestedOptionSerializer(many=True, read_only=True)

    class Meta:
        model = CategoryAttribute
        fields = ["id", "code", "description", "datatype", "required", "order", "options"]


class CategorySerializer(ValidatedModelSerializer):
    parent = ScopedPrimaryKeyRelatedField(
        queryset=Category.objects.all(), required=False, allow_null=True
    )
    attributes = NestedAttributeSerializer(many=True, read_only=True)

    class Meta:
        model = Category
        fields = ["id", "code", "name", "parent", "path", "depth", "description", "sector",
                  "hotline_limit", "keywords", "public", "published", "attributes"]  # fmt: skip
        read_only_fields = ["path", "depth"]


class CategoryRouteSerializer(ValidatedModelSerializer):
    category = ScopedPrimaryKeyRelatedField(queryset=Category.objects.all())
    region = ScopedPrimaryKeyRelatedField(queryset=Region.objects.all())
    department = ScopedPrimaryKeyRelatedField(queryset=Department.objects.all())

    class Meta:
        model = CategoryRoute
        fields = ["id", "category", "region", "department"]


class RouteAnswerSerializer(serializers.Serializer):
    """Where a matter of the category at the region goes (department null: the desk decides)."""

    category = serializers.IntegerField()
    region = serializers.IntegerField()
    department = serializers.IntegerField(allow_null=True)
    department_name = serializers.CharField(allow_null=True)
    route = serializers.IntegerField(allow_null=True, help_text="The explicit route applied.")
    by_sector = serializers.BooleanField(help_text="Found as the sector's lead regulator.")


def options_prefetch(user: User, lookup: str = "options") -> Prefetch:
    return Prefetch(lookup, queryset=AttributeOption.objects.restrict(user, "view"))


class CategoryViewSet(RestrictedModelViewSet):
    """Matter categories (a tree by `path`), each with the questions asked on intake."""

    model = Category
    serializer_class = CategorySerializer
    ordering_fields = ["path", "code", "name"]
    filterset_fields = ["parent", "public", "hotline_limit", "sector"]

    def prefetch(self, queryset: QuerySet) -> QuerySet:
        user = self.request.user
        questions = CategoryAttribute.objects.restrict(user, "view").prefetch_related(
            options_prefetch(user)
        )
        return queryset.prefetch_related(Prefetch("attributes", queryset=questions))

    @extend_schema(
        parameters=[OpenApiParameter("region", int, required=True)],
        responses={200: RouteAnswerSerializer},
    )
    @action(detail=True, methods=["get"])
    def route(self, request: Request, pk: Any = None) -> Response:
        """The unit a matter of this category at `region` is routed to (null: the desk)."""
        category = self.get_object()
        region_id = request.query_params.get("region", "")
        region = (
            Region.objects.restrict(request.user, "view").filter(pk=region_id).first()
            if region_id.isdigit()
            else None
        )
        if region is None:
            raise ValidationError({"region": ["Give the id of a region you may see."]})
        answer = explain_route(category, region)
        unit = answer.department
        return Response(
            {
                "category": category.pk,
                "region": region.pk,
                "department": unit.pk if unit else None,
                "department_name": str(unit) if unit else None,
                "route": answer.route.pk if answer.route else None,
                "by_sector": answer.by_sector,
            }
        )


class CategoryRouteViewSet(RestrictedModelViewSet):
    """Explicit routes: matters of a category (and below) in a region (and below) go to a unit."""

    model = CategoryRoute
    serializer_class = CategoryRouteSerializer
    ordering_fields = ["category", "region", "department"]
    filterset_fields = ["category", "region", "department"]


class CategoryAttributeViewSet(RestrictedModelViewSet):
    """The questions a category asks (Open311 service-definition attributes)."""

    model = CategoryAttribute
    serializer_class = CategoryAttributeSerializer
    ordering_fields = ["category", "order", "code"]
    filterset_fields = ["category", "datatype", "required"]

    def prefetch(self, queryset: QuerySet) -> QuerySet:
        return queryset.prefetch_related(options_prefetch(self.request.user))


class AttributeOptionViewSet(RestrictedModelViewSet):
    """Answer options of list questions."""

    model = AttributeOption
    serializer_class = AttributeOptionSerializer
    ordering_fields = ["attribute", "key"]
    filterset_fields = ["attribute"]


def register(router: BaseRouter) -> None:
    router.register("categories", CategoryViewSet, basename="category")
    router.register("category-routes", CategoryRouteViewSet, basename="categoryroute")
    router.register("category-questions", CategoryAttributeViewSet, basename="categoryattribute")
    router.register("answer-options", AttributeOptionViewSet, basename="attributeoption")
