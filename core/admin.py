"""Django admin, for superusers only; every change goes through the audited services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from core.audit import record_change, snapshot
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


class SuperuserAdminSite(admin.AdminSite):
    site_header = "CivicDesk"

    def has_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        """Everyone signs in on the CivicDesk page: the admin's own form skips the second factor."""
        next_url = request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index")
        return redirect_to_login(next_url, login_url=reverse("login"))


admin_site = SuperuserAdminSite(name="admin")


class AuditedAdmin(admin.ModelAdmin):
    """Admin writes are recorded like every other write."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        stored = type(obj)._default_manager.filter(pk=obj.pk).first() if change else None
        request._audit_before = snapshot(stored) if stored else None  # type: ignore[attr-defined]
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        record_change(form.instance, getattr(request, "_audit_before", None))

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        before, pk = snapshot(obj), obj.pk
        super().delete_model(request, obj)
        obj.pk = pk
        record_change(obj, before, deleted=True)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


for model in (Region, Sector, LicenceType, Department, Premises, Licence, Responsibility):
    admin_site.register(model, AuditedAdmin)


@admin.register(User, site=admin_site)
class CivicDeskUserAdmin(AuditedAdmin, UserAdmin):
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        (
            "CivicDesk",
            {"fields": ("language", "unlimited_scope", "regions", "departments", "premises")},
        ),
    )
    filter_horizontal = ("groups", "user_permissions", "regions", "departments")
    raw_id_fields = ("premises",)


@admin.register(AuditEntry, site=admin_site)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("seq", "timestamp", "actor_label", "action", "content_type", "object_repr")
    list_filter = ("action", "content_type", "source")
    search_fields = ("object_repr", "actor_label", "request_id")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
