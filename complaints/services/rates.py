"""Complaint rates (DESIGN.md §6), computed from the raw callback answers and the clocks.

Each complaint counts once, by its latest callback (a second call after an unanswered one replaces
it): response rate = reached / called; resolution rate = solved / reached; satisfaction rate
= satisfied (and "basically satisfied" where the formula says so) / graded; their weighted
score by the `RateFormula` version in force (weights 30/35/35 by default). Beside them:
on-time acceptance (routed within the 15 days of Art. 22), on-time completion (answered within
the handling limit, Art. 34 or the 12345 limit), first-contact resolution (solved with no
transfer and no repeat), repeat rate and transfers per complaint.

Every figure is a ratio of two whole counts, added up per group in the database, so a group
can be rolled up (grid → township) by adding counts, and each rate is exact: a Fraction,
rounded once to two decimals for display. A ratio with nothing to divide by is None ("—").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any, cast

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth, TruncQuarter
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from complaints.choices import HANDLING_CLOCKS, REGISTER_ROUTE, Satisfaction
from complaints.models import Callback, Category, Complaint, RateFormula
from complaints.services.backlog import rule_in_force
from core.models import Department, Region, User
from core.scoping import scope_of
from workflow.calendar import local_date
from workflow.choices import ClockState
from workflow.models import Clock

GROUPINGS = {
    "unit": gettext_lazy("Lead unit"),
    "category": gettext_lazy("Category"),
    "region": gettext_lazy("Region"),
    "period": gettext_lazy("Period"),
}
PERIODS = {"month": gettext_lazy("Month"), "quarter": gettext_lazy("Quarter")}
HUNDRED = Fraction(100)
CENT = Decimal("0.01")


@dataclass
class Counts:
    """The whole numbers every rate of a group is made of (additive, so groups roll up)."""

    cases: int = 0
    called: int = 0
    contacted: int = 0
    solved: int = 0
    graded: int = 0
    satisfied: int = 0
    basically_satisfied: int = 0
    first_contact: int = 0
    acceptance_due: int = 0
    accepted_on_time: int = 0
    completion_due: int = 0
    completed_on_time: int = 0
    repeated: int = 0
    transfers: int = 0

    def add(self, other: Counts) -> None:
        for name in self.names():
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @classmethod
    def names(cls) -> list[str]:
        return [f.name for f in fields(cls)]


def ratio(numerator: int, denominator: int) -> Fraction | None:
    return Fraction(numerator, denominator) if denominator else None


def as_decimal(value: Fraction | None) -> Decimal | None:
    """Round once, half up, to two decimals (the exact value is the Fraction)."""
    if value is None:
        return None
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class RateRow:
    key: Any
    label: str
    counts: Counts
    formula: RateFormula | None

    def percent(self, numerator: int, denominator: int) -> Fraction | None:
        value = ratio(numerator, denominator)
        return None if value is None else value * HUNDRED

    @property
    def satisfied_count(self) -> int:
        counts, formula = self.counts, self.formula
        basically = formula is None or formula.basically_counts_as_satisfied
        return counts.satisfied + (counts.basically_satisfied if basically else 0)

    def exact(self) -> dict[str, Fraction | None]:
        c = self.counts
        figures = {
            "response_rate": self.percent(c.contacted, c.called),
            "resolution_rate": self.percent(c.solved, c.contacted),
            "satisfaction_rate": self.percent(self.satisfied_count, c.graded),
            "on_time_acceptance": self.percent(c.accepted_on_time, c.acceptance_due),
            "on_time_completion": self.percent(c.completed_on_time, c.completion_due),
            "first_contact_resolution": self.percent(c.first_contact, c.contacted),
            "repeat_rate": self.percent(c.repeated, c.cases),
            "transfers_per_case": ratio(c.transfers, c.cases),
        }
        figures["composite"] = composite(figures, self.formula)
        return figures

    def figures(self) -> dict[str, Decimal | None]:
        return {name: as_decimal(value) for name, value in self.exact().items()}


def composite(figures: dict[str, Fraction | None], formula: RateFormula | None) -> Fraction | None:
    """The formula's weighted mean of the three rates; None while one of them is undefined."""
    if formula is None:
        return None
    parts = [
        (Fraction(formula.response_weight), figures["response_rate"]),
        (Fraction(formula.resolution_weight), figures["resolution_rate"]),
        (Fraction(formula.satisfaction_weight), figures["satisfaction_rate"]),
    ]
    total = sum(weight for weight, _rate in parts)
    if not total or any(rate is None for _weight, rate in parts):
        return None
    return sum(weight * rate for weight, rate in parts if rate is not None) / total


FIGURES = (
    ("response_rate", gettext_lazy("Response rate"), "%"),
    ("resolution_rate", gettext_lazy("Resolution rate"), "%"),
    ("satisfaction_rate", gettext_lazy("Satisfaction rate"), "%"),
    ("composite", gettext_lazy("Weighted score"), ""),
    ("on_time_acceptance", gettext_lazy("On-time acceptance"), "%"),
    ("on_time_completion", gettext_lazy("On-time completion"), "%"),
    ("first_contact_resolution", gettext_lazy("First-contact resolution"), "%"),
    ("repeat_rate", gettext_lazy("Repeat rate"), "%"),
    ("transfers_per_case", gettext_lazy("Transfers per case"), ""),
)


@dataclass
class RateReport:
    group_by: str
    period: str
    formula: RateFormula | None
    rows: list[RateRow]
    total: RateRow
    filters: dict[str, Any] = field(default_factory=dict)


def _latest(queryset: QuerySet, column: str) -> Subquery:
    return Subquery(queryset.values(column)[:1])


def complaint_facts(
    complaints: QuerySet[Complaint], now: dt.datetime | None = None
) -> QuerySet[Complaint]:
    """Each complaint with its latest callback's answers and its routing and handling clocks."""
    content_type = ContentType.objects.get_for_model(Complaint)
    latest = Callback.objects.filter(complaint=OuterRef("pk")).order_by("-at", "-id")
    clocks = Clock.objects.filter(content_type=content_type, object_id=OuterRef("pk"))
    routing = clocks.filter(kind=REGISTER_ROUTE).order_by("-started_at", "-id")
    handling = clocks.filter(kind__in=HANDLING_CLOCKS).order_by("-started_at", "-id")
    return complaints.annotate(
        cb_contacted=_latest(latest, "contacted"),
        cb_solved=_latest(latest, "solved"),
        cb_satisfaction=_latest(latest, "satisfaction"),
        route_state=_latest(routing, "state"),
        route_breached=_latest(routing, "breached"),
        route_due=_latest(routing, "due"),
        handle_state=_latest(handling, "state"),
        handle_breached=_latest(handling, "breached"),
        handle_due=_latest(handling, "due"),
    )


def _clock_due(prefix: str, now: dt.datetime) -> Q:
    """A clock that has come to an end: met (early or late), or still running past its due."""
    return Q(**{f"{prefix}_state": ClockState.MET}) | Q(
        **{f"{prefix}_state": ClockState.RUNNING, f"{prefix}_due__lt": now}
    )


def _on_time(prefix: str) -> Q:
    return Q(**{f"{prefix}_state": ClockState.MET, f"{prefix}_breached": False})


def count_expressions(now: dt.datetime) -> dict[str, Any]:
    solved = Q(cb_contacted=True, cb_solved=True)
    return {
        "cases": Count("pk"),
        "called": Count("pk", filter=Q(cb_contacted__isnull=False)),
        "contacted": Count("pk", filter=Q(cb_contacted=True)),
        "solved": Count("pk", filter=solved),
        "graded": Count("pk", filter=Q(cb_contacted=True) & ~Q(cb_satisfaction="")),
        "satisfied": Count("pk", filter=Q(cb_satisfaction=Satisfaction.SATISFIED)),
        "basically_satisfied": Count(
            "pk", filter=Q(cb_satisfaction=Satisfaction.BASICALLY_SATISFIED)
        ),
        "first_contact": Count("pk", filter=solved & Q(transfer_count=0, repeat_count=0)),
        "acceptance_due": Count("pk", filter=_clock_due("route", now)),
        "accepted_on_time": Count("pk", filter=_on_time("route")),
        "completion_due": Count("pk", filter=_clock_due("handle", now)),
        "completed_on_time": Count("pk", filter=_on_time("handle")),
        "repeated": Count("pk", filter=Q(repeat_count__gt=0)),
        "transfers": Coalesce(Sum("transfer_count"), Value(0)),
    }


def group_key(group_by: str, period: str) -> Any:
    if group_by == "unit":
        return F("department_id")
    if group_by == "category":
        return F("category_id")
    if group_by == "region":
        return F("region_id")
    trunc = TruncQuarter if period == "quarter" else TruncMonth
    return trunc("received_at", tzinfo=timezone.get_current_timezone())


def grouped_counts(
    complaints: QuerySet[Complaint], group_by: str, period: str, now: dt.datetime
) -> list[tuple[Any, Counts]]:
    rows = (
        complaint_facts(complaints.order_by(), now)
        .annotate(group=group_key(group_by, period))
        .values("group")
        .annotate(**count_expressions(now))
        .order_by("group")
    )
    return [_counts_of(cast(dict[str, Any], row)) for row in rows]


def _counts_of(row: dict[str, Any]) -> tuple[Any, Counts]:
    return row["group"], Counts(**{name: int(row[name] or 0) for name in Counts.names()})


def _roll_up(pairs: Iterable[tuple[Any, Counts]], key_of: Any) -> dict[Any, Counts]:
    merged: dict[Any, Counts] = {}
    for key, counts in pairs:
        merged.setdefault(key_of(key), Counts()).add(counts)
    return merged


def region_level_key(parent: Region | None, top_depth: int, region_ids: Iterable[int]) -> Any:
    """Roll regions up to one level below `parent` (or to depth `top_depth`)."""
    depth = parent.depth + 1 if parent is not None else top_depth
    paths = dict(Region.objects.filter(pk__in=list(region_ids)).values_list("pk", "path"))

    def key_of(region_id: int) -> str:
        codes = paths[region_id].strip("/").split("/")
        return codes[min(depth, len(codes) - 1)]

    return key_of


def labelled(group_by: str, period: str, merged: dict[Any, Counts]) -> list[tuple[Any, str]]:
    """The group keys in display order with their labels."""
    keys = list(merged)
    if group_by == "period":
        return [(key, period_label(key, period)) for key in sorted(keys, key=_sortable)]
    if group_by == "region":
        names = dict(Region.objects.filter(code__in=keys).values_list("code", "name"))
        return [(key, names.get(key, key)) for key in sorted(keys)]
    model = Department if group_by == "unit" else Category
    names = {pk: str(obj) for pk, obj in model.objects.in_bulk([k for k in keys if k]).items()}
    unrouted = _("Not yet routed")
    pairs = [(key, names.get(key, unrouted) if key else unrouted) for key in keys]
    return sorted(pairs, key=lambda pair: pair[1])


def _sortable(key: Any) -> str:
    return "" if key is None else key.isoformat()


def period_label(start: Any, period: str) -> str:
    if start is None:
        return "—"
    day = start.date() if isinstance(start, dt.datetime) else start
    if period == "quarter":
        return f"{day.year} Q{(day.month - 1) // 3 + 1}"
    return f"{day.year}-{day.month:02d}"


def scoped_complaints(
    user: User,
    start: dt.date | None = None,
    end: dt.date | None = None,
    region: Region | None = None,
) -> QuerySet[Complaint]:
    """The complaints the user may see, received between `start` and `end` (inclusive), within
    `region`."""
    if not user.has_perm("complaints.view_callback"):
        raise PermissionDenied(_("You may not see the complaint rates."))
    complaints = Complaint.objects.restrict(user, "view")
    if start is not None:
        complaints = complaints.filter(received_at__date__gte=start)
    if end is not None:
        complaints = complaints.filter(received_at__date__lte=end)
    if region is not None:
        complaints = complaints.filter(region__path__startswith=region.path)
    return complaints


def rates(
    user: User,
    *,
    group_by: str = "unit",
    period: str = "month",
    start: dt.date | None = None,
    end: dt.date | None = None,
    region: Region | None = None,
    now: dt.datetime | None = None,
) -> RateReport:
    """The rates of the complaints in the user's scope, one row per group and a total row."""
    if group_by not in GROUPINGS:
        raise ValueError(f"group_by must be one of {sorted(GROUPINGS)}")
    if period not in PERIODS:
        raise ValueError(f"period must be one of {sorted(PERIODS)}")
    now = now or timezone.now()
    formula = rule_in_force(RateFormula.objects.all(), end or local_date(now), region)
    pairs = grouped_counts(scoped_complaints(user, start, end, region), group_by, period, now)
    merged = _roll_up(pairs, lambda key: key)
    if group_by == "region":
        key_of = region_level_key(region, _top_depth(user), merged.keys())
        merged = _roll_up(merged.items(), key_of)
    total = Counts()
    for counts in merged.values():
        total.add(counts)
    rows = [
        RateRow(key, label, merged[key], formula)
        for key, label in labelled(group_by, period, merged)
    ]
    return RateReport(group_by, period, formula, rows, RateRow(None, _("Total"), total, formula))


def _top_depth(user: User) -> int:
    """One level below the user's widest region (a county user sees townships)."""

    scope = scope_of(user)
    if scope.unlimited or not scope.region_paths:
        return 1
    return min(path.strip("/").count("/") for path in scope.region_paths) + 1
