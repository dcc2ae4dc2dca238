"""The directory's pages: short declarations on top of the generic views.

Delete and history pages need no declaration unless they differ: core.urls serves the generic
ObjectDeleteView and ObjectHistoryView with the model.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from django.utils.translation import gettext_lazy as _
from django_tables2 import RequestConfig

from core import filtersets, forms, tables
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
from core.panels import premises_panels
from core.views.generic import ObjectDeleteView, ObjectDetailView, ObjectEditView, ObjectListView

# Regions


class RegionListView(ObjectListView):
    model = Region
    table_class = tables.RegionTable
    filterset_class = filtersets.RegionFilterSet
    select_related = ("parent",)


class RegionDetailView(ObjectDetailView):
    model = Region
    detail_fields = forms.RegionForm.Meta.fields
    select_related = ("parent",)


class RegionEditView(ObjectEditView):
    model = Region
    form_class = forms.RegionForm


# Sectors


class SectorListView(ObjectListView):
    model = Sector
    table_class = tables.SectorTable
    filterset_class = filtersets.SectorFilterSet
    select_related = ("parent",)


class SectorDetailView(ObjectDetailView):
    model = Sector
    detail_fields = forms.SectorForm.Meta.fields


class SectorEditView(ObjectEditView):
    model = Sector
    form_class = forms.SectorForm


# Licence types


class LicenceTypeListView(ObjectListView):
    model = LicenceType
    table_class = tables.LicenceTypeTable
    filterset_class = filtersets.LicenceTypeFilterSet


class LicenceTypeDetailView(ObjectDetailView):
    model = LicenceType
    detail_fields = forms.LicenceTypeForm.Meta.fields


class LicenceTypeEditView(ObjectEditView):
    model = LicenceType
    form_class = forms.LicenceTypeForm


# Departments


class DepartmentListView(ObjectListView):
    model = Department
    table_class = tables.DepartmentTable
    filterset_class = filtersets.DepartmentFilterSet
    select_related = ("region", "superior")
    prefetch_related = ("sectors",)


class DepartmentDetailView(ObjectDetailView):
    model = Department
    detail_fields = forms.DepartmentForm.Meta.fields


class DepartmentEditView(ObjectEditView):
    model = Department
    form_class = forms.DepartmentForm


# Premises, with their licences and responsibility assignments


class PremisesListView(ObjectListView):
    model = Premises
    table_class = tables.PremisesTable
    filterset_class = filtersets.PremisesFilterSet
    select_related = ("sector", "region")


class PremisesDetailView(ObjectDetailView):
    model = Premises
    template_name = "core/premises_detail.html"
    select_related = ("sector", "region")
    detail_fields = forms.PremisesForm.Meta.fields

    def extra_context(self, obj: Model) -> dict[str, Any]:
        user = self.request.user
        licences = (
            Licence.objects.restrict(user, "view")
            .filter(premises=obj.pk)
            .select_related("licence_type", "issued_by", "premises")
        )
        assignments = (
            Responsibility.objects.restrict(user, "view")
            .current()
            .filter(premises=obj)
            .select_related("region", "department", "licence__licence_type")
        )
        return {
            "licence_table": self.inline_table(tables.LicenceTable, licences, ("premises",)),
            "responsibility_table": self.inline_table(tables.ResponsibilityTable, assignments),
            "may_add_licence": user.has_perm("core.add_licence"),
            "panels": premises_panels.render(self.request, obj),
        }

    def inline_table(self, table_class: type, rows: Any, exclude: tuple[str, ...] = ()) -> Any:
        table = table_class(rows, request=self.request, exclude=exclude, orderable=False)
        RequestConfig(self.request, paginate=False).configure(table)
        return table


class PremisesEditView(ObjectEditView):
    model = Premises
    form_class = forms.PremisesForm


# Licences: listed on their premises' page, edited through the generic views


class LicenceListView(ObjectListView):
    model = Licence
    table_class = tables.LicenceTable
    filterset_class = filtersets.LicenceFilterSet
    select_related = ("licence_type", "issued_by", "premises")


class LicenceDetailView(ObjectDetailView):
    model = Licence
    detail_fields = forms.LicenceForm.Meta.fields


class LicenceEditView(ObjectEditView):
    model = Licence
    form_class = forms.LicenceForm


class LicenceDeleteView(ObjectDeleteView):
    model = Licence

    def success_url(self, obj: Model) -> str:
        # A licence is managed from its premises' page: go back there.
        return obj.premises.get_absolute_url()  # type: ignore[attr-defined]


# Users: no delete page; a user who leaves is deactivated so their audit trail keeps its actor


class UserListView(ObjectListView):
    model = User
    table_class = tables.UserTable
    filterset_class = filtersets.UserFilterSet
    prefetch_related = ("groups", "regions")


class UserDetailView(ObjectDetailView):
    model = User
    detail_fields = (*forms.UserForm.Meta.fields, "last_login")
    detail_labels = {"groups": _("Roles")}


class UserEditView(ObjectEditView):
    model = User

    @property
    def form_class(self) -> type:  # type: ignore[override]
        return forms.UserForm if "pk" in self.kwargs else forms.UserCreateForm


# Audit log, for auditors: read-only


class AuditEntryListView(ObjectListView):
    model = AuditEntry
    table_class = tables.AuditEntryTable
    filterset_class = filtersets.AuditEntryFilterSet
    select_related = ("content_type", "actor")
