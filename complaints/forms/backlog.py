"""Backlog cases (积案): the list's filters (page, ledger export and API), the plan and the
resolution forms."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.choices import BacklogReason, BacklogState
from complaints.models import BacklogCase
from complaints.services.backlog import leader_choices
from core.filtersets import SearchFilterSet, SubtreeFilter, visible
from core.forms import DateInput, style_for_bootstrap
from core.models import Department, Region, User


class BacklogCaseFilterSet(SearchFilterSet):
    search_fields = ("complaint__number", "complaint__title", "plan")
    state = django_filters.ChoiceFilter(choices=BacklogState.choices, label=_("State"))
    reason = django_filters.ChoiceFilter(choices=BacklogReason.choices, label=_("Reason"))
    region = SubtreeFilter(queryset=visible(Region), path_lookup="region", label=_("Region"))
    department = django_filters.ModelChoiceFilter(
        queryset=visible(Department), label=_("Lead unit")
    )
    mine = django_filters.BooleanFilter(method="filter_mine", label=_("I am responsible"))
    late = django_filters.BooleanFilter(method="filter_late", label=_("Past the target date"))
    no_plan = django_filters.BooleanFilter(method="filter_no_plan", label=_("Without a plan"))

    class Meta:
        model = BacklogCase
        fields = ["q", "state", "reason", "region", "department", "mine", "late", "no_plan"]

    def filter_mine(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        user = getattr(self.request, "user", None)
        if value is None or user is None:
            return queryset
        mine = Q(responsible_leader=user)
        return queryset.filter(mine) if value else queryset.exclude(mine)

    def filter_late(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        late = Q(state=BacklogState.OPEN, target_date__lt=timezone.localdate())
        return queryset.filter(late) if value else queryset.exclude(late)

    def filter_no_plan(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        unplanned = Q(state=BacklogState.OPEN, target_date__isnull=True)
        return queryset.filter(unplanned) if value else queryset.exclude(unplanned)


class BacklogPlanForm(forms.Form):
    responsible_leader: forms.ModelChoiceField[User] = forms.ModelChoiceField(
        queryset=None,
        label=_("Responsible leader"),  # type: ignore[arg-type]
    )
    plan = forms.CharField(label=_("Resolution plan"), widget=forms.Textarea(attrs={"rows": 4}))
    target_date = forms.DateField(label=_("Target date"), widget=DateInput())

    def __init__(self, *args: Any, user: User, backlog: BacklogCase, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "responsible_leader": backlog.responsible_leader_id,
                "plan": backlog.plan,
                "target_date": backlog.target_date,
            },
        )
        super().__init__(*args, **kwargs)
        leader = self.fields["responsible_leader"]
        assert isinstance(leader, forms.ModelChoiceField)
        leader.queryset = leader_choices(user, backlog)
        style_for_bootstrap(self)


class BacklogResolveForm(forms.Form):
    resolution = forms.CharField(
        label=_("How it was resolved"), widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_for_bootstrap(self)
