"""Checklist pages: the templates by sector and one template's items, read-only (new
versions are made in the admin or through `hazards.services.checklists.new_version`)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Model, Q, QuerySet
from django.urls import URLPattern, path
from django.utils import timezone

from core.models import Premises, User
from core.views.generic import ObjectDetailView, ObjectHistoryView, ObjectListView
from hazards.filtersets.checklists import ChecklistTemplateFilterSet
from hazards.models import ChecklistTemplate
from hazards.services.checklists import template_for
from hazards.tables.checklists import ChecklistTemplateTable

DETAIL_FIELDS = (
    "code",
    "version",
    "name",
    "sector",
    "source",
    "effective_from",
    "effective_until",
    "pass_mark",
)


class ChecklistPages:
    model: type[Model] = ChecklistTemplate
    url_prefix = "hazards:checklisttemplate"

    def page_context(self, **extra: Any) -> dict[str, Any]:
        # Read-only pages: there is no edit or delete page to link to.
        context = super().page_context(**extra)  # type: ignore[misc]
        context.update(may_change=False, may_delete=False, has_delete_page=False)
        return context


class ChecklistTemplateListView(ChecklistPages, ObjectListView):
    table_class = ChecklistTemplateTable
    filterset_class = ChecklistTemplateFilterSet
    select_related = ("sector",)

    def restricted_queryset(self, action: str | None = None) -> QuerySet:
        return (
            super()
            .restricted_queryset(action)
            .annotate(
                item_count=Count("items"),
                major_count=Count("items", filter=Q(items__major_criterion=True)),
            )
        )


class ChecklistTemplateDetailView(ChecklistPages, ObjectDetailView):
    template_name = "hazards/checklisttemplate_detail.html"
    detail_fields = DETAIL_FIELDS
    select_related = ("sector",)

    def extra_context(self, obj: Model) -> dict[str, Any]:
        items = obj.items.order_by("number")  # type: ignore[attr-defined]
        versions = (
            ChecklistTemplate.objects.restrict(self.request.user, "view")
            .filter(code=obj.code)  # type: ignore[attr-defined]
            .order_by("-version")
        )
        return {
            "items": items,
            "major_count": sum(1 for item in items if item.major_criterion),
            "versions": versions,
        }


class ChecklistTemplateHistoryView(ChecklistPages, ObjectHistoryView):
    pass


def checklists_panel(user: User, premises: Premises) -> dict[str, Any]:
    """The premises page's card: the checklist an inspection there would run today
    (the sector's version in force, or its nearest ancestor sector's)."""
    template = None
    if user.has_perm("hazards.view_checklisttemplate"):
        found = template_for(premises.sector, timezone.localdate())
        visible = ChecklistTemplate.objects.restrict(user, "view")
        template = found if found and visible.filter(pk=found.pk).exists() else None
    return {
        "checklist": template,
        "checklist_items": template.items.count() if template else 0,
        "checklist_majors": template.items.filter(major_criterion=True).count() if template else 0,
    }


urlpatterns: list[URLPattern] = [
    path("checklists/", ChecklistTemplateListView.as_view(), name="checklisttemplate_list"),
    path(
        "checklists/<int:pk>/",
        ChecklistTemplateDetailView.as_view(),
        name="checklisttemplate_detail",
    ),
    path(
        "checklists/<int:pk>/history/",
        ChecklistTemplateHistoryView.as_view(),
        name="checklisttemplate_history",
    ),
]
