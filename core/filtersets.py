"""Filters shared by the list pages, the exports and the API (one definition each)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from core.choices import AuditAction, PremisesStatus, RegionLevel
from core.models import (
    AuditEntry,
    Department,
    Licence,
    LicenceType,
    Premises,
    Region,
    Responsibility,
    Sector,
    User,
)


def visible(model: Any) -> Any:
    """Choice lists offer only what the requesting user may see."""

    def queryset(request: Any) -> QuerySet:
        user = getattr(request, "user", None)
        return model.objects.restrict(user, "view")

    return queryset


class SearchFilterSet(django_filters.FilterSet):
    """Adds `q`, a case-insensitive search over the model's `search_fields`."""

    search_fields: tuple[str, ...] = ()
    q = django_filters.CharFilter(method="search", label=_("Search"))

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        condition = Q()
        for field in self.search_fields:
            condition |= Q(**{f"{field}__icontains": value})
        return queryset.filter(condition)


@extend_schema_field(OpenApiTypes.INT)  # the id of the tree node
class SubtreeFilter(django_filters.ModelChoiceFilter):
    """A tree node chosen in a filter matches rows under it too (grid → township → county)."""

    def __init__(self, *args: Any, path_lookup: str, **kwargs: Any) -> None:
        self.path_lookup = path_lookup
        super().__init__(*args, **kwargs)

    def get_queryset(self, request: Any) -> QuerySet:
        # A filter only narrows a list restrict() has already scoped, so any node of the tree is
        # a valid narrowing: a dashboard figure links staff whose scope is a unit to the
        # township its rows lie in, a township they could not pick from their own regions.
        return super().get_queryset(request).model._default_manager.all()

    def filter(self, qs: QuerySet, value: Any) -> QuerySet:
        if not value:
            return qs
        # Ids resolved first (the tree tables are small): a grid then filters by equality and
        # the (region, status, name) index serves the page in order, instead of a join + sort.
        subtree = list(
            type(value).objects.filter(path__startswith=value.path).values_list("pk", flat=True)
        )
        return qs.filter(**{f"{self.path_lookup}__in": subtree})


class RegionFilterSet(SearchFilterSet):
    search_fields = ("name", "code")
    level = django_filters.ChoiceFilter(choices=RegionLevel.choices, label=_("Level"))
    parent = SubtreeFilter(queryset=visible(Region), path_lookup="parent", label=_("Within"))

    class Meta:
        model = Region
        fields = ["q", "level", "parent"]


class SectorFilterSet(SearchFilterSet):
    search_fields = ("name", "code")

    class Meta:
        model = Sector
        fields = ["q", "parent"]


class LicenceTypeFilterSet(SearchFilterSet):
    search_fields = ("name", "code")

    class Meta:
        model = LicenceType
        fields = ["q"]


class DepartmentFilterSet(SearchFilterSet):
    search_fields = ("name", "code")
    region = SubtreeFilter(queryset=visible(Region), path_lookup="region", label=_("Region"))
    sector = django_filters.ModelChoiceFilter(
        queryset=visible(Sector), field_name="sectors", label=_("Regulates sector")
    )

    class Meta:
        model = Department
        fields = ["q", "region", "sector", "supervises_all"]


class PremisesFilterSet(SearchFilterSet):
    search_fields = ("name", "credit_code", "address", "contact_name")
    region = SubtreeFilter(queryset=visible(Region), path_lookup="region", label=_("Region"))
    sector = SubtreeFilter(queryset=visible(Sector), path_lookup="sector", label=_("Sector"))
    # distinct=False: status is a column of the row itself, no join can duplicate rows.
    status = django_filters.MultipleChoiceFilter(
        choices=PremisesStatus.choices, label=_("Status"), distinct=False
    )
    credit_code = django_filters.CharFilter(lookup_expr="iexact", label=_("Credit code"))

    class Meta:
        model = Premises
        fields = ["q", "region", "sector", "status", "credit_code"]


class UserFilterSet(SearchFilterSet):
    search_fields = ("username", "first_name", "last_name", "email")
    region = django_filters.ModelChoiceFilter(
        queryset=visible(Region), field_name="regions", label=_("Region")
    )

    class Meta:
        model = User
        fields = ["q", "region", "is_active", "groups"]


def record_types() -> QuerySet[ContentType]:
    """The kinds of record a person looks up in the log: the scoped models, not the
    bookkeeping of the chain or of third-party apps (login attempts, task results)."""
    scoped = [model for model in apps.get_models() if hasattr(model._default_manager, "restrict")]
    return ContentType.objects.filter(
        pk__in=[ContentType.objects.get_for_model(model).pk for model in scoped]
    )


class AuditEntryFilterSet(SearchFilterSet):
    search_fields = ("object_repr", "actor_label", "request_id")
    # Declared with lazy label and choices, so both read in the language of the page.
    action = django_filters.ChoiceFilter(choices=AuditAction.choices, label=_("Action"))
    content_type = django_filters.ModelChoiceFilter(
        queryset=lambda request: record_types(), label=_("object type")
    )
    since = django_filters.DateTimeFilter(
        field_name="timestamp", lookup_expr="gte", label=_("Since")
    )
    until = django_filters.DateTimeFilter(
        field_name="timestamp", lookup_expr="lt", label=_("Until")
    )

    class Meta:
        model = AuditEntry
        fields = ["q", "action", "content_type", "actor", "since", "until"]


class LicenceFilterSet(SearchFilterSet):
    search_fields = ("number", "premises__name")
    premises = django_filters.ModelChoiceFilter(queryset=visible(Premises), label=_("Premises"))
    issued_by = django_filters.ModelChoiceFilter(queryset=visible(Department), label=_("Issued by"))

    class Meta:
        model = Licence
        fields = ["q", "premises", "licence_type", "issued_by"]


class ResponsibilityFilterSet(django_filters.FilterSet):
    premises = django_filters.ModelChoiceFilter(queryset=visible(Premises), label=_("Premises"))
    department = django_filters.ModelChoiceFilter(
        queryset=visible(Department), label=_("Department")
    )
    current = django_filters.BooleanFilter(method="filter_current", label=_("Current only"))

    class Meta:
        model = Responsibility
        fields = ["premises", "kind", "department", "is_lead", "current"]

    def filter_current(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        current = Responsibility.objects.current().values("pk")
        return queryset.filter(pk__in=current) if value else queryset.exclude(pk__in=current)


# What a yes/no filter reads as "either" (the list page's empty choice); anything else that the
# widget cannot read as yes or no is an error, not a silently dropped filter.
EITHER = frozenset({"", "unknown"})


def filter_errors(filterset: django_filters.FilterSet) -> dict[str, list[str]]:
    """The query parameters of `filterset` whose values cannot be read, each with why: the API
    answers them with a 400 naming the parameter, a list page with a message."""
    errors = {name: list(messages) for name, messages in filterset.errors.items()}
    for name, field in filterset.filters.items():
        raw = filterset.data.get(name) if filterset.data is not None else None
        if not isinstance(field, django_filters.BooleanFilter) or raw is None or name in errors:
            continue
        if raw.strip().lower() not in EITHER and filterset.form.cleaned_data.get(name) is None:
            errors[name] = [str(_("Use true or false."))]
    return errors
