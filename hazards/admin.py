"""Admin of the workplace-safety reference data (checklists, risk bands, inspection
frequencies), for superusers; every write is audited like the rest of the admin."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.accounts import signed_in_user
from core.admin import AuditedAdmin, admin_site
from core.audit import record_change, snapshot
from hazards.models import (
    ChecklistItem,
    ChecklistTemplate,
    InspectionFrequency,
    RiskBand,
    RiskBandSet,
)
from hazards.services.checklists import new_version


class AuditedInlineAdmin(AuditedAdmin):
    """Also records each inline row added, changed or deleted (the base records the parent)."""

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        befores = {
            row.pk: snapshot(type(row)._default_manager.get(pk=row.pk))
            for row in formset.queryset
            if row.pk is not None
        }
        super().save_formset(request, form, formset, change)
        for row in formset.new_objects:
            record_change(row, None)
        for row, _changed in formset.changed_objects:
            record_change(row, befores.get(row.pk))
        for row in formset.deleted_objects:
            record_change(row, befores.get(row.pk), deleted=True)


class ChecklistItemInline(admin.TabularInline):
    model = ChecklistItem
    extra = 0
    fields = ("number", "section", "text", "clause", "weight", "major_criterion",
              "major_condition", "major_exceptions", "default_rectify_days")  # fmt: skip


@admin.register(ChecklistTemplate, site=admin_site)
class ChecklistTemplateAdmin(AuditedInlineAdmin):
    list_display = ("code", "version", "name", "sector", "effective_from", "effective_until")
    list_filter = ("sector",)
    search_fields = ("code", "name", "source")
    inlines = (ChecklistItemInline,)
    actions = ("copy_as_new_version",)

    @admin.action(description=gettext_lazy("Copy as a new version in force from tomorrow"))
    def copy_as_new_version(self, request: HttpRequest, queryset: QuerySet) -> None:
        """Edit the copy, not the version inspections already ran (DESIGN.md §4)."""
        tomorrow = timezone.localdate() + datetime.timedelta(days=1)
        for template in queryset:
            try:
                copy = new_version(
                    user=signed_in_user(request), template=template, effective_from=tomorrow
                )
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
            else:
                self.message_user(request, _("Created %(template)s.") % {"template": copy})


class RiskBandInline(admin.TabularInline):
    model = RiskBand
    extra = 0


@admin.register(RiskBandSet, site=admin_site)
class RiskBandSetAdmin(AuditedInlineAdmin):
    list_display = ("name", "method", "version", "effective_from", "effective_until")
    list_filter = ("method",)
    inlines = (RiskBandInline,)


@admin.register(InspectionFrequency, site=admin_site)
class InspectionFrequencyAdmin(AuditedAdmin):
    list_display = ("risk_colour", "interval_days", "source")
