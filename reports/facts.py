"""How hazards, cases and risk points add up into the rollup tables (see reports.rollups).

Definitions the dashboard's figures rest on:
- a hazard counts in the month it was found (its cohort); "rectified" = rectification reported,
  verified or closed; the rectification rate of a period = rectified / found of that period;
- a case counts in the month it was received; the rate counts are those of the rates page
  (complaints.services.rates), so both pages give the same figures;
- overdue = open work whose deadline has passed (a hazard awaiting rectification past its
  rectify-by; a case with a running statutory clock past its due).
"""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    Count,
    DateField,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import (
    Cast,
    Coalesce,
    ExtractHour,
    ExtractMinute,
    TruncDate,
    TruncMonth,
)
from django.utils import timezone

from complaints.choices import OPEN_STATES
from complaints.models import Complaint
from complaints.services.rates import complaint_facts, count_expressions
from hazards.choices import HazardGrade, HazardState
from hazards.filtersets.hazards import AWAITING_RECTIFICATION
from hazards.models import Hazard, RiskPoint
from reports.models import SLOT_MINUTES, ComplaintMonth, HazardMonth, OpenDeadline, RiskColourCount
from reports.rollups import Fact, register
from workflow.calendar import local_zone
from workflow.choices import ClockState
from workflow.models import Clock

HAZARD_RECTIFY = "hazard.rectify"
CASE_OVERDUE = "complaint.case"
CASE_ROUTE = "complaint.route"
CASE_HANDLE = "complaint.handle"

RECTIFIED_STATES = (HazardState.RECTIFIED, HazardState.VERIFIED, HazardState.CLOSED)


def local_day(field: str) -> Any:
    return TruncDate(field, tzinfo=local_zone())


def local_slot(field: str) -> Any:
    """The field's local time of day in slots of SLOT_MINUTES (0 from midnight)."""
    hour = Cast(ExtractHour(field, tzinfo=local_zone()), IntegerField())
    minute = Cast(ExtractMinute(field, tzinfo=local_zone()), IntegerField())
    return Cast((hour * 60 + minute) / SLOT_MINUTES, IntegerField())


def local_month(field: str) -> Any:
    """The first day of the field's month, in the configured time zone."""
    return TruncMonth(field, tzinfo=local_zone(), output_field=DateField())


def id_or_zero(field: str) -> Any:
    return Coalesce(F(field), Value(0))


def _count(condition: Q | None = None) -> Count:
    return Count("pk", filter=condition) if condition is not None else Count("pk")


HAZARD_PLACE = {
    "region_id": F("region_id"),
    "department_id": id_or_zero("department_id"),
}

HAZARD_MONTH = Fact(
    table=HazardMonth,
    source=Hazard,
    keys={
        "month": local_month("found_at"),
        **HAZARD_PLACE,
        "sector_id": F("premises__sector_id"),
        "grade": F("grade"),
    },
    measures={
        "found": _count(),
        "rectified": _count(Q(state__in=RECTIFIED_STATES)),
        "closed": _count(Q(state=HazardState.CLOSED)),
        "major_open": _count(Q(grade=HazardGrade.MAJOR) & ~Q(state=HazardState.CLOSED)),
    },
)


def hazards_due_between(start: Any, end: Any) -> QuerySet:
    return Hazard.objects.filter(
        state__in=AWAITING_RECTIFICATION, rectify_by__gte=start, rectify_by__lt=end
    )


def cases_due_between(start: Any, end: Any) -> QuerySet:
    """Cases with a running statutory clock due in the range (the clocks' (state, due) index)."""
    due = Clock.objects.filter(
        content_type=ContentType.objects.get_for_model(Complaint),
        state=ClockState.RUNNING,
        due__gte=start,
        due__lt=end,
    ).values("object_id")
    return Complaint.objects.filter(pk__in=due)


# Overdue counts look at deadlines only, whatever the month the work came in: `month` is the
# due month so that a deadline's rows do not multiply by arrival months.
HAZARD_DEADLINES = Fact(
    table=OpenDeadline,
    source=Hazard,
    prepare=lambda hazards: hazards.filter(
        state__in=AWAITING_RECTIFICATION, rectify_by__isnull=False
    ),
    keys={
        "kind": Value(HAZARD_RECTIFY),
        "due_day": local_day("rectify_by"),
        "due_slot": local_slot("rectify_by"),
        "month": local_month("rectify_by"),
        **HAZARD_PLACE,
        "group_id": F("premises__sector_id"),
    },
    measures={"open": _count()},
    due="rectify_by",
    due_between=hazards_due_between,
)


CASE_PLACE = {
    "region_id": id_or_zero("region_id"),
    "department_id": id_or_zero("department_id"),
}


def with_case_facts(cases: QuerySet) -> QuerySet:
    return complaint_facts(cases)


def _rate_counts() -> dict[str, Any]:
    """The rates page's counts, less the two that depend on the time of asking (a clock still
    running past its due): those come from the open deadlines."""
    counts = count_expressions(timezone.now())
    for moving in ("acceptance_due", "completion_due"):
        counts.pop(moving)
    return counts


COMPLAINT_MONTH = Fact(
    table=ComplaintMonth,
    source=Complaint,
    prepare=with_case_facts,
    keys={
        "month": local_month("received_at"),
        **CASE_PLACE,
        "category_id": id_or_zero("category_id"),
    },
    measures={
        **_rate_counts(),
        "accepted": _count(Q(accepted_at__isnull=False)),
        "concluded": _count(~Q(state__in=OPEN_STATES)),
        "route_met": _count(Q(route_state=ClockState.MET)),
        "handle_met": _count(Q(handle_state=ClockState.MET)),
    },
)


def _case_deadline_keys(kind: str, due: str, by_arrival: bool) -> dict[str, Any]:
    """`by_arrival`: keyed by the month received, for the on-time rates of a period."""
    return {
        "kind": Value(kind),
        "due_day": local_day(due),
        "due_slot": local_slot(due),
        "month": local_month("received_at" if by_arrival else due),
        **CASE_PLACE,
        "group_id": id_or_zero("category_id"),
    }


def running_clocks() -> QuerySet[Clock]:
    return Clock.objects.filter(
        content_type=ContentType.objects.get_for_model(Complaint),
        object_id=OuterRef("pk"),
        state=ClockState.RUNNING,
    )


def with_next_due(cases: QuerySet) -> QuerySet:
    """Each case's earliest running statutory clock: past it, the case is overdue."""
    earliest = running_clocks().order_by("due").values("due")[:1]
    return cases.annotate(next_due=Subquery(earliest)).filter(next_due__isnull=False)


CASE_DEADLINES = Fact(
    table=OpenDeadline,
    source=Complaint,
    prepare=with_next_due,
    keys=_case_deadline_keys(CASE_OVERDUE, "next_due", by_arrival=False),
    measures={"open": _count()},
    due="next_due",
    due_between=cases_due_between,
)

ROUTE_DEADLINES = Fact(
    table=OpenDeadline,
    source=Complaint,
    prepare=lambda cases: with_case_facts(cases).filter(route_state=ClockState.RUNNING),
    keys=_case_deadline_keys(CASE_ROUTE, "route_due", by_arrival=True),
    measures={"open": _count()},
    due="route_due",
    due_between=cases_due_between,
)

HANDLE_DEADLINES = Fact(
    table=OpenDeadline,
    source=Complaint,
    prepare=lambda cases: with_case_facts(cases).filter(handle_state=ClockState.RUNNING),
    keys=_case_deadline_keys(CASE_HANDLE, "handle_due", by_arrival=True),
    measures={"open": _count()},
    due="handle_due",
    due_between=cases_due_between,
)

RISK_COLOURS = Fact(
    table=RiskColourCount,
    source=RiskPoint,
    keys={
        "region_id": F("region_id"),
        "department_id": id_or_zero("department_id"),
        "sector_id": F("premises__sector_id"),
        "colour": F("live_colour"),
    },
    measures={"points": _count()},
)

DEADLINE_FACTS = (HAZARD_DEADLINES, CASE_DEADLINES, ROUTE_DEADLINES, HANDLE_DEADLINES)


def register_all() -> None:
    register(HAZARD_MONTH, COMPLAINT_MONTH, RISK_COLOURS, *DEADLINE_FACTS)
