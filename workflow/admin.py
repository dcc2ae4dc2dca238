"""Administrators keep the rule sets and the calendar here; every change is audited."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from core.admin import AuditedAdmin, admin_site
from workflow.clocks import recount_provisional
from workflow.models import CalendarDay, CalendarYear, ClockRule, PeriodicJob, RuleSet


class ClockRuleInline(admin.TabularInline):
    model = ClockRule
    extra = 0


@admin.register(RuleSet, site=admin_site)
class RuleSetAdmin(AuditedAdmin):
    list_display = ["code", "version", "name", "jurisdiction", "effective_from", "effective_until"]
    list_filter = ["code"]
    inlines = [ClockRuleInline]


class CalendarAdmin(AuditedAdmin):
    """Entering holidays recounts the provisional deadlines they affect at once."""

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        recount_provisional()


@admin.register(CalendarYear, site=admin_site)
class CalendarYearAdmin(CalendarAdmin):
    list_display = ["year", "source"]


@admin.register(CalendarDay, site=admin_site)
class CalendarDayAdmin(CalendarAdmin):
    list_display = ["date", "is_working_day", "name"]
    date_hierarchy = "date"


@admin.register(PeriodicJob, site=admin_site)
class PeriodicJobAdmin(admin.ModelAdmin):
    list_display = ["name", "next_run_at", "last_run_at", "last_result"]
