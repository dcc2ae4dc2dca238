"""Deriving a premises' three responsibility assignments (DESIGN.md §5).

territorial: the premises' grid (its township and county follow from the region tree);
regulator: departments of the premises' jurisdiction regulating its sector or a parent sector,
           the lead being the one whose lead sectors include it (or the only one);
licensing: for each licence, the department that issued it, or else the one of the
           jurisdiction that issues that licence type.
Derived rows that no longer apply are ended (valid_until), not deleted, so history stays.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from core.choices import ResponsibilityKind
from core.models import Department, Premises, Responsibility


@dataclass(frozen=True)
class Assignment:
    kind: str
    region_id: int | None = None
    department_id: int | None = None
    licence_id: int | None = None
    is_lead: bool = False


def jurisdiction_departments(premises: Premises) -> Q:
    """Departments whose region is the premises' region or one above it."""
    return Q(region__code__in=premises.region.path.strip("/").split("/"))


def regulator_assignments(premises: Premises) -> list[Assignment]:
    sector_codes = premises.sector.path.strip("/").split("/")
    regulators = (
        Department.objects.filter(
            jurisdiction_departments(premises), sectors__code__in=sector_codes
        )
        .distinct()
        .order_by("pk")
    )
    leads = set(
        Department.objects.filter(
            pk__in=[d.pk for d in regulators], lead_sectors__code__in=sector_codes
        ).values_list("pk", flat=True)
    )
    if not leads and len(regulators) == 1:
        leads = {regulators[0].pk}
    return [
        Assignment(ResponsibilityKind.REGULATOR, department_id=d.pk, is_lead=d.pk in leads)
        for d in regulators
    ]


def licensing_assignments(premises: Premises) -> list[Assignment]:
    assignments = []
    for licence in premises.licences.select_related("licence_type"):
        issuer_id = licence.issued_by_id or (
            Department.objects.filter(
                jurisdiction_departments(premises), licence_types=licence.licence_type
            )
            .order_by("-region__depth", "pk")
            .values_list("pk", flat=True)
            .first()
        )
        if issuer_id:
            assignments.append(
                Assignment(
                    ResponsibilityKind.LICENSING, department_id=issuer_id, licence_id=licence.pk
                )
            )
    return assignments


def derived_assignments(premises: Premises) -> set[Assignment]:
    territorial = Assignment(
        ResponsibilityKind.TERRITORIAL, region_id=premises.region_id, is_lead=True
    )
    return {territorial, *regulator_assignments(premises), *licensing_assignments(premises)}


def _assignment_of(row: Responsibility) -> Assignment:
    return Assignment(row.kind, row.region_id, row.department_id, row.licence_id, row.is_lead)


@transaction.atomic
def derive_responsibilities(premises: Premises, today: datetime.date | None = None) -> None:
    today = today or timezone.localdate()
    wanted = derived_assignments(premises)
    current = {
        _assignment_of(row): row
        for row in Responsibility.objects.current(today).filter(premises=premises, derived=True)
    }
    stale = [row for assignment, row in current.items() if assignment not in wanted]
    # A row that began today never applied for a whole day: it goes; older ones are ended.
    Responsibility.objects.filter(pk__in=[r.pk for r in stale if r.valid_from >= today]).delete()
    Responsibility.objects.filter(pk__in=[r.pk for r in stale if r.valid_from < today]).update(
        valid_until=today - datetime.timedelta(days=1)
    )
    Responsibility.objects.bulk_create(
        Responsibility(
            premises=premises,
            kind=a.kind,
            region_id=a.region_id,
            department_id=a.department_id,
            licence_id=a.licence_id,
            is_lead=a.is_lead,
            derived=True,
            valid_from=today,
        )
        for a in wanted - set(current)
    )


def lead_regulator_of(premises: Premises) -> Department | None:
    """The current lead sector regulator: where a hazard found at the premises is routed
    (DESIGN.md §5; None sends it to the safety committee office's shared-duty queue)."""
    row = _regulators().filter(premises=premises).select_related("department").first()
    return row.department if row is not None else None


def lead_regulator_ids(premises_ids: Collection[int]) -> dict[int, int]:
    """`lead_regulator_of` for many premises in one query: premises id → department id (a
    premises without a current regulator is left out)."""
    rows = (
        _regulators().filter(premises_id__in=premises_ids).order_by("premises_id", "-is_lead", "pk")
    )
    found: dict[int, int] = {}
    for premises_id, department_id in rows.values_list("premises_id", "department_id"):
        found.setdefault(premises_id, department_id)
    return found


def _regulators() -> QuerySet[Responsibility]:
    """Current regulator rows, the lead first."""
    current = Responsibility.objects.current().filter(
        kind=ResponsibilityKind.REGULATOR, department__isnull=False
    )
    return current.order_by("-is_lead", "pk")
