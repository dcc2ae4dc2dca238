"""The working-day calendar and all deadline arithmetic: the only module that counts days.

Civil Code Arts 200–204 (the general rule; DESIGN.md §4):
- a period in hours starts at the event's time and is exact;
- a period in days does not count the day of the event (Art. 201): day 1 is the next day;
- when the last day is a rest day, the period ends on the first working day after it (Art. 203);
- the last day ends at 24:00 (Art. 203) in the configured time zone.
"N working days" counts only working days: weekends and official holidays are skipped, make-up
working days (调休) are counted.

Holidays come from `chinese-calendar`; the CalendarDay table overrides single dates and, with a
CalendarYear row, supplies a year the package lacks. A year with neither has no data: strict
callers get CalendarDataMissing, clocks get a weekends-only deadline marked provisional and
are recomputed when the year is entered (see docs/decisions/0005-provisional-deadlines.md).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cache

import chinese_calendar

from core.times import deadline_text, local_zone
from workflow.choices import DayCount
from workflow.errors import CalendarDataMissing
from workflow.models import CalendarDay, CalendarYear

ONE_DAY = dt.timedelta(days=1)


@cache
def package_years() -> frozenset[int]:
    """Years the installed `chinese-calendar` release has official data for."""
    years = {day.year for day in chinese_calendar.holidays} | {
        day.year for day in chinese_calendar.workdays
    }
    return frozenset(range(min(years), max(years) + 1))


def local_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone(local_zone()).date()


def end_of_day(day: dt.date) -> dt.datetime:
    """24:00 of `day`, i.e. the first instant of the next day, in the configured zone."""
    return dt.datetime.combine(day + ONE_DAY, dt.time.min, tzinfo=local_zone())


@dataclass
class WorkingCalendar:
    """Working days over a span, read once: the package, the override rows and entered years."""

    overrides: dict[dt.date, bool] = field(default_factory=dict)
    entered_years: frozenset[int] = frozenset()
    strict: bool = True
    missing_years: set[int] = field(default_factory=set)

    @classmethod
    def load(cls, start: dt.date, end: dt.date, *, strict: bool = True) -> WorkingCalendar:
        rows = CalendarDay.objects.filter(date__range=(start, end))
        years = CalendarYear.objects.filter(year__range=(start.year, end.year))
        return cls(
            overrides=dict(rows.values_list("date", "is_working_day")),
            entered_years=frozenset(years.values_list("year", flat=True)),
            strict=strict,
        )

    def has_data(self, year: int) -> bool:
        return year in package_years() or year in self.entered_years

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        if day.year in package_years():
            return chinese_calendar.is_workday(day)
        if day.year not in self.entered_years:
            if self.strict:
                raise CalendarDataMissing(day.year)
            self.missing_years.add(day.year)
        return day.weekday() < 5

    @property
    def provisional(self) -> bool:
        return bool(self.missing_years)


@dataclass(frozen=True)
class Deadline:
    due: dt.datetime
    last_day: dt.date | None = None
    provisional: bool = False

    def __str__(self) -> str:
        return deadline_text(self.due, provisional=self.provisional)


def _calendar_for(start: dt.date, units: int, strict: bool) -> WorkingCalendar:
    # Wide enough for the longest holiday runs after the last counted day.
    span = dt.timedelta(days=2 * units + 40)
    return WorkingCalendar.load(start, start + span, strict=strict)


def first_working_day_from(day: dt.date, calendar: WorkingCalendar) -> dt.date:
    """Civil Code Art. 203: a period whose last day is a rest day ends on the next working day."""
    while not calendar.is_working_day(day):
        day += ONE_DAY
    return day


def add_working_days(day: dt.date, count: int, calendar: WorkingCalendar) -> dt.date:
    """The `count`-th working day after `day` (`day` itself is not counted)."""
    while count > 0:
        day += ONE_DAY
        if calendar.is_working_day(day):
            count -= 1
    return day


def working_days_between(first: dt.date, last: dt.date, calendar: WorkingCalendar) -> int:
    """Working days in (first, last]: how many working days a pause from `first` to `last` ate."""
    count, day = 0, first
    while day < last:
        day += ONE_DAY
        count += calendar.is_working_day(day)
    return count


def deadline_after(start: dt.datetime, length: int, unit: str, *, strict: bool = True) -> Deadline:
    """The deadline of a period of `length` `unit`s triggered at `start`.

    strict=True raises CalendarDataMissing when a day that matters has no calendar data;
    strict=False counts such days by weekends alone and returns a provisional deadline.
    """
    if unit == DayCount.HOURS:
        return Deadline(due=start + dt.timedelta(hours=length))
    event_day = local_date(start)
    calendar = _calendar_for(event_day, length, strict)
    if unit == DayCount.WORKING_DAYS:
        last = add_working_days(event_day, length, calendar)
    else:
        # Art. 201: the day of the event is not counted, so day `length` is event + length.
        last = first_working_day_from(event_day + dt.timedelta(days=length), calendar)
    return Deadline(due=end_of_day(last), last_day=last, provisional=calendar.provisional)


def units_paused(unit: str, paused_at: dt.datetime, resumed_at: dt.datetime) -> int:
    """Days (in the rule's unit) a day-counted clock gains for a pause; 0 for hour clocks."""
    if unit == DayCount.HOURS:
        return 0
    first, last = local_date(paused_at), local_date(resumed_at)
    if unit == DayCount.CALENDAR_DAYS:
        return (last - first).days
    return working_days_between(first, last, _calendar_for(first, (last - first).days, False))
