"""Filters of the complaint list, its exports and the complaints API (one definition for all three).

Every filter reads the matter only: nothing here joins the complainant's identity, so a filter
cannot be used to find out who complained.
"""

from __future__ import annotations

import django_filters
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.choices import Channel, ComplaintState
from complaints.models import BacklogCase, Category, Complaint
from core.filtersets import SearchFilterSet, SubtreeFilter, visible
from core.models import Department, Region
from workflow.choices import ClockState
from workflow.models import Clock


def late_clocks() -> QuerySet[Clock]:
    """Running clocks of each complaint (OuterRef) whose deadline has passed: any statutory step
    (routing, notice, handling, a review opinion) overdue makes the complaint overdue."""
    content_type = ContentType.objects.get_for_model(Complaint)
    return Clock.objects.filter(
        content_type=content_type,
        object_id=OuterRef("pk"),
        state=ClockState.RUNNING,
        due__lt=timezone.now(),
    )


def overdue(queryset: QuerySet[Complaint]) -> QuerySet[Complaint]:
    return queryset.filter(Exists(late_clocks()))


class ComplaintFilterSet(SearchFilterSet):
    search_fields = ("number", "title")
    # distinct=False: state and channel are columns of the row itself.
    state = django_filters.MultipleChoiceFilter(
        choices=ComplaintState.choices, label=_("State"), distinct=False
    )
    channel = django_filters.MultipleChoiceFilter(
        choices=Channel.choices, label=_("Channel"), distinct=False
    )
    category = SubtreeFilter(
        queryset=visible(Category), path_lookup="category", label=_("Category")
    )
    region = SubtreeFilter(queryset=visible(Region), path_lookup="region", label=_("Region"))
    department = django_filters.ModelChoiceFilter(
        queryset=visible(Department), label=_("Lead unit")
    )
    received_after = django_filters.DateFilter(
        field_name="received_at", lookup_expr="date__gte", label=_("Received from")
    )
    received_before = django_filters.DateFilter(
        field_name="received_at", lookup_expr="date__lte", label=_("Received until")
    )
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Overdue"))
    repeated = django_filters.BooleanFilter(method="filter_repeated", label=_("Brought again"))
    backlog = django_filters.BooleanFilter(method="filter_backlog", label=_("Backlog case"))

    class Meta:
        model = Complaint
        fields = [
            "q", "state", "channel", "category", "region", "department", "received_after",
            "received_before", "overdue", "repeated", "backlog",
        ]  # fmt: skip

    def filter_overdue(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        late = Exists(late_clocks())
        return queryset.filter(late) if value else queryset.filter(~late)

    def filter_repeated(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        return queryset.filter(repeat_count__gt=0) if value else queryset.filter(repeat_count=0)

    def filter_backlog(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        backlog = Exists(BacklogCase.objects.filter(complaint_id=OuterRef("pk")))
        return queryset.filter(backlog) if value else queryset.filter(~backlog)
