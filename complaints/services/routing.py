"""Which unit a matter goes to: by category and region (DESIGN.md §6).

An explicit route (CategoryRoute) for the category or its nearest ancestor, in the region or
its nearest ancestor, wins. Otherwise a category tied to a sector goes to the department
that leads on that sector in the region's jurisdiction, as for premises
(core.responsibilities). None means the desk decides.
"""

from __future__ import annotations

from collections.abc import Collection

from django.db.models import Q

from complaints.models import Category, CategoryRoute
from core.models import Department, Region


def _codes(path: str) -> list[str]:
    return path.strip("/").split("/")


def route_for(
    category: Category, region: Region, excluding: Collection[int] = ()
) -> Department | None:
    """The unit to send the matter to, never one of `excluding` (the units complained about:
    Letters and Visits Regulations 2022, Arts 30 and 46); the next best route stands in."""
    return explicit_route(category, region, excluding) or sector_regulator(
        category, region, excluding
    )


def explicit_route(
    category: Category, region: Region, excluding: Collection[int] = ()
) -> Department | None:
    routes = (
        CategoryRoute.objects.filter(
            category__code__in=_codes(category.path), region__code__in=_codes(region.path)
        )
        .exclude(department_id__in=excluding)
        .select_related("department", "category", "region")
    )
    best = max(routes, key=lambda r: (r.category.depth, r.region.depth), default=None)
    return best.department if best is not None else None


def sector_regulator(
    category: Category, region: Region, excluding: Collection[int] = ()
) -> Department | None:
    node: Category | None = category
    while node is not None and node.sector_id is None:
        node = node.parent  # type: ignore[assignment]
    if node is None or node.sector is None:
        return None
    sector_codes = _codes(node.sector.path)
    in_jurisdiction = Department.objects.filter(region__code__in=_codes(region.path)).exclude(
        pk__in=excluding
    )
    leads = in_jurisdiction.filter(lead_sectors__code__in=sector_codes)
    regulators = in_jurisdiction.filter(Q(sectors__code__in=sector_codes))
    # The nearest level of government first (a township office before the county bureau).
    for rows in (leads, regulators):
        found = rows.distinct().order_by("-region__depth", "pk").first()
        if found is not None:
            return found
    return None
