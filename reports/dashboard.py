"""The leader dashboard's figures, read from the rollup tables (never a scan of the records).

Every figure is for the user's scope — the rows whose place is in the user's regions or whose
unit is one of the user's units (the statistical home of a hazard or a case; a unit that only
assists on a case, or an enterprise officer's own premises, are not counted here) — optionally
narrowed to one `area` (a township and what lies under it). Flows (found, received, ...) are
for the records that came in during `period`; overdue is now, whatever the period.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any, ClassVar

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from complaints.choices import BacklogState
from complaints.models import BacklogCase, RateFormula
from complaints.services.backlog import rule_in_force
from complaints.services.rates import Counts, RateRow, as_decimal
from core.choices import RegionLevel
from core.models import Region, User
from core.scoping import Scope, scope_of, within_paths
from hazards.choices import ListingState
from hazards.models import HazardListing
from reports import facts
from reports.deadlines import SlotMark
from reports.models import ComplaintMonth, HazardMonth, OpenDeadline, RiskColourCount, Rollup
from reports.rollups import Fact
from workflow.calendar import local_zone
from workflow.choices import SupervisionState
from workflow.models import SupervisionNotice


@dataclass(frozen=True)
class Period:
    """Whole calendar months: `start` is the first day of a month, `end` (inclusive) any day
    after it (today, for a period still running). The rollups count by month."""

    start: dt.date
    end: dt.date  # inclusive

    def __post_init__(self) -> None:
        if self.start.day != 1 or self.end < self.start:
            raise ValueError(f"A period runs from the first of a month: {self.start}–{self.end}")

    @property
    def months_filter(self) -> dict[str, Any]:
        return {"month__range": (self.start, self.end)}

    @classmethod
    def year_to_date(cls, today: dt.date) -> Period:
        return cls(dt.date(today.year, 1, 1), today)

    @classmethod
    def current(cls, kind: str, today: dt.date) -> Period:
        """This month, quarter or year, up to and including today."""
        if kind == "month":
            return cls(today.replace(day=1), today)
        if kind == "quarter":
            return cls(dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1), today)
        return cls.year_to_date(today)

    @classmethod
    def month_of(cls, first: dt.date) -> Period:
        return cls(first, (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1))

    def months(self) -> list[dt.date]:
        first, months = self.start.replace(day=1), []
        while first <= self.end:
            months.append(first)
            first = (first + dt.timedelta(days=32)).replace(day=1)
        return months


@dataclass(frozen=True)
class Viewpoint:
    """Whose figures: the user's scope, narrowed to `area` if given."""

    scope: Scope
    area: Region | None = None

    @classmethod
    def of(cls, user: User | None, area: Region | None = None) -> Viewpoint:
        """No user: the whole of `area` (a report the worker files for a region)."""
        if user is None:
            assert area is not None, "a viewpoint without a user needs an area"
            return cls(Scope(unlimited=True), area)
        return cls(scope_of(user), area)

    @property
    def has_places(self) -> bool:
        return self.scope.unlimited or bool(self.scope.region_paths or self.scope.department_ids)

    def where(self) -> Q:
        """The rollup rows of this viewpoint, by their area and unit columns."""
        where = Q()
        if not self.scope.unlimited:
            where = Q(region_id__in=self.scope_areas)
            if self.scope.department_ids:
                where |= Q(department_id__in=self.scope.department_ids)
        if self.area is not None:
            where &= Q(region_id__in=self.areas_in_area)
        return where

    @cached_property
    def area_region_ids(self) -> list[int]:
        """Every region in the chosen area (for the records themselves)."""
        assert self.area is not None
        return list(
            Region.objects.filter(path__startswith=self.area.path).values_list("pk", flat=True)
        )

    @cached_property
    def scope_areas(self) -> list[int]:
        """The rollups' areas within the user's regions: a county user's list is its townships
        and itself, not its several hundred villages and grids."""
        return _areas_within(self.scope.region_paths)

    @cached_property
    def areas_in_area(self) -> list[int]:
        assert self.area is not None
        return _areas_within((self.area.path,))

    def rows(self, table: type[Rollup]) -> QuerySet:
        if not self.has_places:
            return table._default_manager.none()
        return table._default_manager.filter(self.where())


# The places a rollup row names (reports.rollups.areas_of): townships and the levels above
# (below a township, the region tree always passes through one).
AREA_LEVELS = (RegionLevel.CITY, RegionLevel.COUNTY, RegionLevel.TOWNSHIP)


def _areas_within(paths: tuple[str, ...]) -> list[int]:
    within = Region.objects.filter(within_paths("path", paths), level__in=AREA_LEVELS)
    return list(within.values_list("pk", flat=True))


def summed(rows: QuerySet, measures: Iterable[str]) -> dict[str, int]:
    totals = rows.aggregate(**{name: Sum(name) for name in measures})
    return {name: int(value or 0) for name, value in totals.items()}


def grouped(rows: QuerySet, by: Iterable[str], measures: Iterable[str]) -> Iterator[dict]:
    by = list(by)
    return iter(rows.values(*by).annotate(**{m: Sum(m) for m in measures}).order_by(*by))


# --- overdue: passed slots from the rollup, the slot under way from the records ---


@dataclass
class OverdueRow:
    KEYS: ClassVar = ("region_id", "department_id", "group_id")

    region_id: int
    department_id: int
    group_id: int
    count: int

    @classmethod
    def of(cls, place: Any, count: int) -> OverdueRow:
        """From anything that gives the keys by name (a row of values, a key's columns)."""
        return cls(place["region_id"], place["department_id"], place["group_id"], count)


# Late deadlines of these kinds count for the period of the case's arrival (their rollup month
# is the month received); the others count now, whatever the month.
ARRIVAL_KINDS = (facts.CASE_ROUTE, facts.CASE_HANDLE)


def overdue_rows(
    view: Viewpoint, deadlines: Iterable[Fact], now: dt.datetime, period: Period
) -> dict[str, list[OverdueRow]]:
    """Open work past its due at `now` by deadline kind, in the viewpoint: the time slots
    before this one from the rollup in one grouped query (reports.deadlines), the slot under
    way from the records."""
    by_kind = {fact.keys["kind"].value: fact for fact in deadlines}
    late: dict[str, list[OverdueRow]] = {kind: [] for kind in by_kind}
    if not view.has_places:
        return late
    mark = SlotMark.at(now)
    arrival = [kind for kind in by_kind if kind in ARRIVAL_KINDS]
    earlier = view.rows(OpenDeadline).filter(
        Q(kind__in=[kind for kind in by_kind if kind not in arrival])
        | Q(kind__in=arrival, **period.months_filter),
        mark.passed(),
    )
    for r in grouped(earlier, ("kind", *OverdueRow.KEYS), ["open"]):
        late[r["kind"]].append(OverdueRow.of(r, r["open"]))
    visible = _row_filter(view)
    at = {name: OpenDeadline.KEYS.index(name) for name in ("month", *OverdueRow.KEYS)}
    areas: dict[int, int] = {}  # region → area, looked up once for all kinds
    for kind in mark.kinds_due_now().intersection(by_kind):
        for key, values in by_kind[kind].rows_due(mark.start, now, areas):
            named = {name: key[at[name]] for name in at}
            row = OverdueRow.of(named, values[0])
            month = _as_date(named["month"])
            counted = kind not in ARRIVAL_KINDS or period.start <= month <= period.end
            if counted and visible(row.region_id, row.department_id):
                late[kind].append(row)
    return late


def _row_filter(view: Viewpoint) -> Any:
    """`view.where()` as a test on a row's region and unit ids (for rows computed in Python)."""
    regions = None if view.scope.unlimited else set(view.scope_areas)
    units = set(view.scope.department_ids)
    area = set(view.areas_in_area) if view.area is not None else None

    def visible(region_id: int, department_id: int) -> bool:
        in_scope = regions is None or region_id in regions or department_id in units
        return in_scope and (area is None or region_id in area)

    return visible


# --- the figures ---


HAZARD_MEASURES = HazardMonth.measures()
COMPLAINT_MEASURES = ComplaintMonth.measures()


def hazard_totals(view: Viewpoint, period: Period) -> dict[str, int]:
    rows = view.rows(HazardMonth).filter(**period.months_filter)
    return summed(rows, HAZARD_MEASURES)


def complaint_totals(view: Viewpoint, period: Period) -> dict[str, int]:
    rows = view.rows(ComplaintMonth).filter(**period.months_filter)
    return summed(rows, COMPLAINT_MEASURES)


def risk_colours(view: Viewpoint) -> dict[str, int]:
    rows = grouped(view.rows(RiskColourCount), ["colour"], ["points"])
    return {row["colour"]: int(row["points"]) for row in rows}


def now_local() -> dt.datetime:
    return timezone.now().astimezone(local_zone())


def rate_counts(totals: dict[str, int], route_late: int, handle_late: int) -> Counts:
    """The rates page's Counts from a period's rollup totals and its clocks running late."""
    values = {name: totals.get(name, 0) for name in Counts.names() if name in totals}
    return Counts(
        **values,
        acceptance_due=totals.get("route_met", 0) + route_late,
        completion_due=totals.get("handle_met", 0) + handle_late,
    )


def late_count(rows: list[OverdueRow]) -> int:
    return sum(row.count for row in rows)


def monthly(view: Viewpoint, table: type[Rollup], period: Period, measures: list[str]) -> dict:
    """Measures per month of the period."""
    rows = (
        view.rows(table)
        .filter(**period.months_filter)
        .values("month")
        .annotate(**{m: Sum(m) for m in measures})
        .order_by("month")
    )
    by_month = {_as_date(row["month"]): row for row in rows}
    return {
        month: {m: int((by_month.get(month) or {}).get(m) or 0) for m in measures}
        for month in period.months()
    }


def _as_date(value: Any) -> dt.date:
    """A date as the database gave it (SQLite's raw SQL gives text)."""
    if isinstance(value, dt.datetime):
        return value.date()
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


# --- breakdowns ---


ABOVE_TOWNSHIPS = (RegionLevel.CITY, RegionLevel.COUNTY)


def area_members(view: Viewpoint) -> list[Region]:
    """The places one level down from where the viewpoint stands: an area's children, or the
    user's own regions, descending while there is only one (a county user sees townships)."""
    if view.area is not None:
        members = [view.area]
    elif view.scope.unlimited or not view.scope.region_paths:
        members = list(Region.objects.filter(depth=0))
    else:
        members = list(Region.objects.filter(path__in=view.scope.region_paths))
    # The rollups know places down to the townships: a township is not split further.
    while (
        len(members) == 1 and members[0].level in ABOVE_TOWNSHIPS and members[0].children.exists()
    ):
        members = list(members[0].children.order_by("code"))
    return sorted(members, key=lambda region: region.code)


def member_of(members: list[Region]) -> dict[int, int]:
    """Region id → the member (by id) it lies under."""
    by_path = sorted(((m.path, m.pk) for m in members), key=lambda pair: -len(pair[0]))
    owner: dict[int, int] = {}
    for region_id, path in Region.objects.values_list("pk", "path"):
        for prefix, member in by_path:
            if path.startswith(prefix):
                owner[region_id] = member
                break
    return owner


@dataclass
class Split:
    """Counts per member of one dimension (a township, a unit, a sector, a category)."""

    counts: dict[int, dict[str, int]] = field(default_factory=dict)

    def add(self, member: int | None, values: dict[str, int]) -> None:
        if member is None:
            return
        into = self.counts.setdefault(member, {})
        for name, value in values.items():
            into[name] = into.get(name, 0) + int(value or 0)

    def get(self, member: int, name: str) -> int:
        return self.counts.get(member, {}).get(name, 0)


def split_rows(rows: QuerySet, column: str, measures: list[str], key_of: Any, split: Split) -> None:
    for row in grouped(rows, [column], measures):
        split.add(key_of(row[column]), {m: row[m] for m in measures})


def split_overdue(rows: list[OverdueRow], column: str, key_of: Any, name: str, split: Split):
    for row in rows:
        split.add(key_of(getattr(row, column)), {name: row.count})


# --- the dashboard ---


@dataclass
class Dashboard:
    view: Viewpoint
    period: Period
    now: dt.datetime
    hazards: dict[str, int]
    complaints: dict[str, int]
    rates: RateRow
    risk: dict[str, int]
    open_items: dict[str, int]
    members: list[Region]
    hazards_by: dict[str, Split]
    complaints_by: dict[str, Split]
    trend: dict[dt.date, dict[str, int]]

    @property
    def rectification_rate(self) -> Decimal | None:
        """Rectified of the hazards found in the period, in per cent."""
        return as_decimal(self.rates.percent(self.hazards["rectified"], self.hazards["found"]))


HAZARD_SPLIT = ["found", "rectified", "major_open"]
COMPLAINT_SPLIT = ["cases", "accepted_on_time", "completed_on_time", "concluded"]


def _splits(
    view: Viewpoint,
    rows: QuerySet,
    late: list[OverdueRow],
    measures: list[str],
    group_column: str,
    owner: dict[int, int],
) -> dict[str, Split]:
    """The same counts split three ways: by area member, by unit, by sector or category."""
    splits = {"area": Split(), "unit": Split(), "group": Split()}
    ways = (("area", "region_id", owner.get), ("unit", "department_id", _same))
    for name, column, key_of in ways:
        split_rows(rows, column, measures, key_of, splits[name])
        split_overdue(late, column, key_of, "overdue", splits[name])
    split_rows(rows, group_column, measures, _same, splits["group"])
    split_overdue(late, "group_id", _same, "overdue", splits["group"])
    return splits


def _same(value: int) -> int:
    return value


def visible_to(model: Any, user: User | None) -> QuerySet:
    """The user's rows of `model`; every row when there is no user (the area narrows them)."""
    return model.objects.all() if user is None else model.objects.restrict(user, "view")


def open_items(user: User | None, view: Viewpoint) -> dict[str, int]:
    """Small tables, counted directly: listed hazards, backlog cases, supervision notices."""
    listings = visible_to(HazardListing, user).exclude(state=ListingState.DELISTED)
    backlog = visible_to(BacklogCase, user).filter(state=BacklogState.OPEN)
    notices = visible_to(SupervisionNotice, user).exclude(state=SupervisionState.CLOSED)
    if view.area is not None:
        area = view.area_region_ids
        listings = listings.filter(hazard__region_id__in=area)
        backlog = backlog.filter(complaint__region_id__in=area)
        notices = notices.filter(region_id__in=area)
    return {
        "listings": listings.count(),
        "backlog": backlog.count(),
        "supervision": notices.count(),
    }


def build_dashboard(
    user: User | None, period: Period, area: Region | None = None, now: dt.datetime | None = None
) -> Dashboard:
    now = now or timezone.now()
    view = Viewpoint.of(user, area)
    hazard_rows = view.rows(HazardMonth).filter(**period.months_filter)
    case_rows = view.rows(ComplaintMonth).filter(**period.months_filter)
    late = overdue_rows(view, facts.DEADLINE_FACTS, now, period)
    hazard_late, case_late = late[facts.HAZARD_RECTIFY], late[facts.CASE_OVERDUE]
    route_late, handle_late = late[facts.CASE_ROUTE], late[facts.CASE_HANDLE]
    complaints = summed(case_rows, COMPLAINT_MEASURES)
    formula = rule_in_force(RateFormula.objects.all(), period.end, area)
    counts = rate_counts(complaints, late_count(route_late), late_count(handle_late))
    members = area_members(view)
    owner = member_of(members)
    trend = monthly(view, HazardMonth, period, ["found", "rectified"])
    for month, values in monthly(view, ComplaintMonth, period, ["cases", "concluded"]).items():
        trend[month].update(values)
    return Dashboard(
        view=view,
        period=period,
        now=now,
        hazards={**summed(hazard_rows, HAZARD_MEASURES), "overdue": late_count(hazard_late)},
        complaints={**complaints, "overdue": late_count(case_late)},
        rates=RateRow(None, "", counts, formula),
        risk=risk_colours(view),
        open_items=open_items(user, view),
        members=members,
        hazards_by=_splits(view, hazard_rows, hazard_late, HAZARD_SPLIT, "sector_id", owner),
        complaints_by=_splits(view, case_rows, case_late, COMPLAINT_SPLIT, "category_id", owner),
        trend=trend,
    )
