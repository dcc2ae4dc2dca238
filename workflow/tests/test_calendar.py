"""Working-day arithmetic (Civil Code Arts 200–204) on known dates, DESIGN.md §4 examples."""

from __future__ import annotations

import datetime as dt

import pytest

from core.times import deadline_text
from workflow.calendar import deadline_after
from workflow.choices import DayCount
from workflow.errors import CalendarDataMissing
from workflow.models import CalendarDay, CalendarYear
from workflow.tests.conftest import at

pytestmark = pytest.mark.django_db

RECEIVED = at(2026, 1, 30, 10, 30)  # a Friday, two weeks before the Spring Festival


def test_15_day_limit_ends_on_a_make_up_saturday():
    # Day 1 is 01-31; day 15 is Saturday 02-14, a make-up working day in 2026.
    deadline = deadline_after(RECEIVED, 15, DayCount.CALENDAR_DAYS)
    assert deadline.last_day == dt.date(2026, 2, 14)
    assert deadline.due == at(2026, 2, 15, 0, 0)
    assert deadline_text(deadline.due) == "2026-02-14 24:00"
    assert not deadline.provisional


def test_16_day_limit_ending_in_the_spring_festival_moves_past_it():
    # Day 16 is 02-15, inside the holiday (02-15 to 02-23): the period ends on 02-24.
    deadline = deadline_after(RECEIVED, 16, DayCount.CALENDAR_DAYS)
    assert deadline.last_day == dt.date(2026, 2, 24)
    assert deadline_text(deadline.due) == "2026-02-24 24:00"


def test_working_days_skip_the_spring_festival_and_count_the_make_up_saturday():
    # Working days after 01-30: 02-02..06 (5), 02-09..13 (10), Sat 02-14 (11), then the
    # holiday to 02-23, so the 12th working day is 02-24.
    assert deadline_after(RECEIVED, 11, DayCount.WORKING_DAYS).last_day == dt.date(2026, 2, 14)
    assert deadline_after(RECEIVED, 12, DayCount.WORKING_DAYS).last_day == dt.date(2026, 2, 24)


def test_five_working_days_across_a_weekend():
    # Letters and Visits Regs Art. 23 objection window from Monday 2026-03-02.
    deadline = deadline_after(at(2026, 3, 2, 9), 5, DayCount.WORKING_DAYS)
    assert deadline.last_day == dt.date(2026, 3, 9)


def test_day_of_the_event_is_not_counted_even_late_at_night():
    deadline = deadline_after(at(2026, 3, 2, 23, 59), 1, DayCount.CALENDAR_DAYS)
    assert deadline.last_day == dt.date(2026, 3, 3)


def test_hour_limits_are_exact_even_over_a_holiday():
    start = at(2026, 2, 16, 22, 15)  # inside the Spring Festival
    assert deadline_after(start, 2, DayCount.HOURS).due == at(2026, 2, 17, 0, 15)


def test_working_days_in_a_year_without_data_are_a_clear_error():
    with pytest.raises(CalendarDataMissing) as error:
        deadline_after(at(2026, 12, 28, 9), 10, DayCount.WORKING_DAYS)
    assert error.value.year == 2027
    assert error.value.code == "calendar_data_missing"
    assert "2027" in str(error.value.message)


def test_without_data_a_lenient_count_is_marked_provisional():
    deadline = deadline_after(at(2026, 12, 28, 9), 10, DayCount.WORKING_DAYS, strict=False)
    assert deadline.provisional
    assert deadline.last_day == dt.date(2027, 1, 11)  # weekends alone


def test_an_entered_year_and_override_days_supply_missing_data():
    CalendarYear.objects.create(year=2027, source="国办发明电〔2026〕X号")
    CalendarDay.objects.create(date=dt.date(2027, 1, 1), is_working_day=False, name="元旦")
    deadline = deadline_after(at(2026, 12, 30, 9), 2, DayCount.WORKING_DAYS)
    assert not deadline.provisional
    assert deadline.last_day == dt.date(2027, 1, 4)  # 12-31, (01-01 holiday), 01-04


def test_an_override_day_beats_the_package():
    # An administrator records an extra make-up working day on Sunday 2026-03-08.
    CalendarDay.objects.create(date=dt.date(2026, 3, 8), is_working_day=True, name="调休")
    deadline = deadline_after(at(2026, 3, 6, 9), 1, DayCount.CALENDAR_DAYS)
    assert deadline.last_day == dt.date(2026, 3, 7 + 1)
