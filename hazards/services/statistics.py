"""The enterprise's hazard statistics (隐患排查治理统计分析), generated from its ledger and signed
by its principal (SAWS Order 16 Art. 14; DESIGN.md §5).

SAWS Order 16 Art. 14: each quarter and each year the unit analyses its hazard investigation
and rectification and reports a written statistical table, signed by its principal, by the
15th day of the next quarter's first month and by 31 January of the next year.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import record_change, snapshot
from core.models import Premises, User
from core.services import save_in_scope
from hazards.choices import HazardGrade, InspectionState, PeriodKind
from hazards.models import EnterpriseStatistics, Hazard, Inspection
from workflow.calendar import (
    Deadline,
    WorkingCalendar,
    end_of_day,
    first_working_day_from,
    local_zone,
)

# SAWS Order 16 Art. 14: quarterly by the 15th day of the month after the quarter,
# annually by 31 January of the next year. Kept here as the rule's data.
QUARTERLY_DUE_DAY = 15
ANNUAL_DUE = (1, 31)  # (month, day) of the following year


class StatisticsError(ValidationError):
    """A statistics operation refused, with a message for the user (form error / HTTP 400)."""


@dataclass(frozen=True)
class Period:
    kind: str
    year: int
    quarter: int  # 0 for the year

    @property
    def first_day(self) -> dt.date:
        month = 1 if self.kind == PeriodKind.YEAR else 3 * (self.quarter - 1) + 1
        return dt.date(self.year, month, 1)

    @property
    def last_day(self) -> dt.date:
        if self.kind == PeriodKind.YEAR:
            return dt.date(self.year, 12, 31)
        after = dt.date(self.year + (self.quarter == 4), (3 * self.quarter) % 12 + 1, 1)
        return after - dt.timedelta(days=1)

    @property
    def starts(self) -> dt.datetime:
        return dt.datetime.combine(self.first_day, dt.time.min, tzinfo=local_zone())

    @property
    def ends(self) -> dt.datetime:
        """24:00 of the last day: counts take rows strictly before it."""
        return end_of_day(self.last_day)


def period_of(kind: str, year: int, quarter: int = 0) -> Period:
    if kind == PeriodKind.YEAR:
        return Period(PeriodKind.YEAR, year, 0)
    if kind != PeriodKind.QUARTER or quarter not in (1, 2, 3, 4):
        raise StatisticsError(_("A quarter is 1, 2, 3 or 4."), code="invalid_period")
    return Period(PeriodKind.QUARTER, year, quarter)


def nominal_due_on(period: Period) -> dt.date:
    """The day SAWS Order 16 Art. 14 names, before any move off a rest day."""
    if period.kind == PeriodKind.YEAR:
        return dt.date(period.year + 1, *ANNUAL_DUE)
    return period.last_day + dt.timedelta(days=QUARTERLY_DUE_DAY)


def statistics_deadline(period: Period) -> Deadline:
    """Civil Code Art. 203 (DESIGN.md §4): a last day on a rest day moves to the next working
    day. Years without calendar data are counted by weekends alone and the day is provisional
    (workflow.calendar) until the year is entered."""
    nominal = nominal_due_on(period)
    calendar = WorkingCalendar.load(nominal, nominal + dt.timedelta(days=40), strict=False)
    day = first_working_day_from(nominal, calendar)
    return Deadline(due=end_of_day(day), last_day=day, provisional=calendar.provisional)


def due_on(period: Period) -> dt.date:
    return statistics_deadline(period).last_day or nominal_due_on(period)


@dataclass(frozen=True)
class Figures:
    inspections: int
    hazards_found: int
    major_found: int
    rectified: int
    open_at_end: int
    major_open_at_end: int


def ledger_figures(premises: Premises, period: Period) -> Figures:
    """The figures of the period, from the premises' inspection and hazard ledgers."""
    starts, ends = period.starts, period.ends
    inspections = Inspection.objects.filter(
        premises=premises,
        state=InspectionState.COMPLETED,
        completed_at__gte=starts,
        completed_at__lt=ends,
    ).count()
    hazards = Hazard.objects.filter(premises=premises)
    found = hazards.filter(found_at__gte=starts, found_at__lt=ends)
    # Closed (销号) in the period counts as rectified; open at the end means found before the
    # end and not closed by then, so regenerating later gives the same figures for the period.
    open_at_end = hazards.filter(found_at__lt=ends).filter(
        Q(closed_at__isnull=True) | Q(closed_at__gte=ends)
    )
    return Figures(
        inspections=inspections,
        hazards_found=found.count(),
        major_found=found.filter(grade=HazardGrade.MAJOR).count(),
        rectified=hazards.filter(closed_at__gte=starts, closed_at__lt=ends).count(),
        open_at_end=open_at_end.count(),
        major_open_at_end=open_at_end.filter(grade=HazardGrade.MAJOR).count(),
    )


def generate_statistics(
    *, user: User, premises: Premises, kind: str, year: int, quarter: int = 0
) -> EnterpriseStatistics:
    """Create or regenerate a period's statistics from the ledger; scope-checked and audited.
    A signed period is frozen: regenerating it is refused."""
    period = period_of(kind, year, quarter)
    with transaction.atomic():
        statistics = _filled_from_ledger(premises, period)

        def save() -> EnterpriseStatistics:
            statistics.save()
            return statistics

        return save_in_scope(user, statistics, save)


def _filled_from_ledger(premises: Premises, period: Period) -> EnterpriseStatistics:
    """The period's statistics row (locked, or a new one) with the ledger's figures; unsaved.
    Call inside a transaction."""
    key = dict(premises=premises, period_kind=period.kind, year=period.year, quarter=period.quarter)
    stored = EnterpriseStatistics.objects.select_for_update().filter(**key).first()
    statistics = stored or EnterpriseStatistics(**key)
    if statistics.signed_at is not None:
        raise StatisticsError(
            _(
                "The statistics for %(period)s were signed by %(principal)s and can no "
                "longer be regenerated."
            )
            % {"period": statistics, "principal": statistics.principal_name},
            code="signed",
        )
    if statistics.pk is None:
        statistics.take_place_from_premises()
    for name, value in ledger_figures(premises, period).__dict__.items():
        setattr(statistics, name, value)
    _set_due(statistics, period)
    statistics.generated_at = timezone.now()
    return statistics


def _set_due(statistics: EnterpriseStatistics, period: Period) -> None:
    deadline = statistics_deadline(period)
    statistics.due_on = deadline.last_day or nominal_due_on(period)
    statistics.due_provisional = deadline.provisional


def recount_provisional_due_dates() -> int:
    """Recount the due days counted without the year's holidays; run, like the clocks' recount,
    when a calendar year is entered. Signed statistics too: signing freezes the figures, not
    the day the law sets. Each change is audited."""
    changed = 0
    waiting = EnterpriseStatistics.objects.filter(due_provisional=True).values_list("pk", flat=True)
    for pk in list(waiting):
        with transaction.atomic():
            statistics = EnterpriseStatistics.objects.select_for_update().get(pk=pk)
            before = snapshot(statistics)
            _set_due(
                statistics, period_of(statistics.period_kind, statistics.year, statistics.quarter)
            )
            if snapshot(statistics) != before:
                statistics.save(update_fields=["due_on", "due_provisional"])
                record_change(statistics, before)
                changed += 1
    return changed


def periods_to_file(today: dt.date) -> list[Period]:
    """The periods whose statistics are being filed now: the last quarter and the last year
    that have ended, each until its due day has passed."""
    quarter = (today.month - 1) // 3  # the last complete quarter, 0 meaning last year's 4th
    ended = [
        Period(PeriodKind.QUARTER, today.year - (quarter == 0), quarter or 4),
        Period(PeriodKind.YEAR, today.year - 1, 0),
    ]
    return [period for period in ended if today <= due_on(period)]


def draft_due_statistics(today: dt.date) -> int:
    """The worker's drafts: each enterprise with an officer account gets the statistics of the
    periods being filed drafted from its ledger, to check and sign by the due day. A period it
    already has (drafted, regenerated or signed) is left alone; returns how many were drafted."""
    drafted = 0
    enterprises = Premises.objects.filter(officers__isnull=False).distinct().order_by("pk")
    for period in periods_to_file(today):
        done = EnterpriseStatistics.objects.filter(
            period_kind=period.kind, year=period.year, quarter=period.quarter
        ).values("premises_id")
        for premises in enterprises.exclude(pk__in=done).iterator(chunk_size=500):
            with transaction.atomic():
                statistics = _filled_from_ledger(premises, period)
                statistics.save()
                record_change(statistics, None)
            drafted += 1
    return drafted


def sign_statistics(
    *, user: User, statistics: EnterpriseStatistics, principal_name: str
) -> EnterpriseStatistics:
    """The principal signs (SAWS Order 16 Art. 14: 主要负责人签字): name and time recorded, the
    figures frozen from then on. A period that has not ended cannot be signed."""
    principal_name = principal_name.strip()
    if not principal_name:
        raise StatisticsError(_("Enter the principal's name."), code="principal_required")
    with transaction.atomic():
        locked = EnterpriseStatistics.objects.select_for_update().get(pk=statistics.pk)
        if locked.signed_at is not None:
            raise StatisticsError(
                _("Already signed by %(principal)s.") % {"principal": locked.principal_name},
                code="signed",
            )
        period = period_of(locked.period_kind, locked.year, locked.quarter)
        if timezone.now() < period.ends:
            raise StatisticsError(
                _("The period ends on %(day)s; sign its statistics after that.")
                % {"day": period.last_day.isoformat()},
                code="period_not_over",
            )
        before = snapshot(locked)
        locked.principal_name = principal_name[:50]
        locked.signed_at = timezone.now()
        locked.save(update_fields=["principal_name", "signed_at"])
        if not EnterpriseStatistics.objects.restrict(user, "change").filter(pk=locked.pk).exists():
            raise StatisticsError(_("You may not sign these statistics."), code="out_of_scope")
        record_change(locked, before)
    statistics.refresh_from_db()
    return statistics
