"""The rates of a small, hand-counted set of complaints: every figure worked out on paper first.

    complaint  state     latest callback                   other
    A     replied   reached, solved, satisfied        —
    B     replied   (unreached, then) reached, unsolved, unsatisfied
    C     replied   reached, solved, basically        one transfer
    D     received  —                                 brought twice more (repeat_count 2)
    E     replied   —                                 —
    F     received  —                                 received 2026-01-02, never routed

Routing clock: A, B, C, E met on time, F running long past due, D running not yet due →
on-time acceptance 4/5. Handling clock: A, B, C, E met on time → 4/4.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from complaints.choices import ComplaintState
from complaints.models import Complaint, RateFormula
from complaints.services.callbacks import record_callback
from complaints.services.rates import rates
from complaints.tests.factories import ComplaintWorld, advance, complaint_world, file_complaint
from testing.world import make_user

D = Decimal


@pytest.fixture
def cw(world) -> ComplaintWorld:  # type: ignore[no-untyped-def]
    cw = complaint_world(world)
    clerk = cw.user("clerk")
    a, b, c, _e = (
        advance(file_complaint(cw).complaint, cw, ComplaintState.REPLIED) for _ in "abce"
    )
    record_callback(a, clerk, contacted=True, solved=True, satisfaction="satisfied")
    record_callback(b, clerk, contacted=False)
    record_callback(b, clerk, contacted=True, solved=False, satisfaction="unsatisfied")
    record_callback(c, clerk, contacted=True, solved=True, satisfaction="basically_satisfied")
    Complaint.objects.filter(pk=c.pk).update(transfer_count=1)
    d = file_complaint(cw).complaint
    Complaint.objects.filter(pk=d.pk).update(repeat_count=2)
    january = dt.datetime(2026, 1, 2, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
    file_complaint(cw, received_at=january)
    return cw


HAND_COUNTED = {
    "response_rate": D("100.00"),  # 3 reached / 3 called
    "resolution_rate": D("66.67"),  # 2 solved / 3 reached
    "satisfaction_rate": D("66.67"),  # (1 satisfied + 1 basically) / 3 graded
    # (30 × 100 + 35 × 200/3 + 35 × 200/3) / 100 = 23000/300 = 76.666…
    "composite": D("76.67"),
    "on_time_acceptance": D("80.00"),  # 4 / 5
    "on_time_completion": D("100.00"),  # 4 / 4
    "first_contact_resolution": D("33.33"),  # A only (C was transferred) / 3 reached
    "repeat_rate": D("16.67"),  # D / 6 complaints
    "transfers_per_case": D("0.17"),  # 1 transfer / 6 complaints
}


def test_rates_match_the_hand_count(cw):
    report = rates(cw.user("supervisor"), group_by="unit")
    assert report.total.counts.cases == 6
    assert report.total.figures() == HAND_COUNTED
    assert report.formula is not None and report.formula.version == 1


def test_grouped_by_unit_the_rows_add_up_and_unrouted_complaints_have_their_own_row(cw):
    report = rates(cw.user("supervisor"), group_by="unit")
    by_label = {row.label: row for row in report.rows}
    assert set(by_label) == {str(cw.unit), "Not yet routed"}
    unit, unrouted = by_label[str(cw.unit)], by_label["Not yet routed"]
    assert (unit.counts.cases, unrouted.counts.cases) == (4, 2)
    assert unit.figures()["repeat_rate"] == D("0.00")
    # Nothing to divide by is "no figure", never zero or an error.
    assert unrouted.figures()["response_rate"] is None
    assert unrouted.figures()["composite"] is None
    assert unrouted.figures()["on_time_acceptance"] == D("0.00")  # F: 0 of 1


def test_a_later_formula_version_that_does_not_count_basically_satisfied(cw):
    RateFormula.objects.create(
        version=2, effective_from=dt.date(2026, 1, 1), response_weight=D(30),
        resolution_weight=D(35), satisfaction_weight=D(35),
        basically_counts_as_satisfied=False, source="测试 2026",
    )  # fmt: skip
    report = rates(cw.user("supervisor"))
    figures = report.total.figures()
    assert report.formula is not None and report.formula.version == 2
    assert figures["satisfaction_rate"] == D("33.33")
    # (30 × 100 + 35 × 200/3 + 35 × 100/3) / 100 = 65 exactly
    assert figures["composite"] == D("65.00")


def test_grouped_by_month_and_by_quarter(cw):
    today = timezone.localdate()
    monthly = rates(cw.user("supervisor"), group_by="period").rows
    months = {row.label: row.counts.cases for row in monthly}
    assert months["2026-01"] == 1 and sum(months.values()) == 6
    assert months[f"{today.year}-{today.month:02d}"] == 5 or today.month == 1
    quarters = rates(cw.user("supervisor"), group_by="period", period="quarter").rows
    assert quarters[0].label == "2026 Q1" and quarters[0].counts.cases >= 1


def test_grouped_by_region_rolls_grids_up_to_townships_for_a_county_user(cw):
    [row] = rates(cw.user("supervisor"), group_by="region").rows
    assert (row.key, row.label, row.counts.cases) == (cw.world.township_a.code, "甲镇", 6)


def test_rates_are_scoped_and_need_the_permission(cw):
    report = rates(cw.user("clerk_b"))
    assert report.total.counts.cases == 0 and report.rows == []
    assert all(value is None for value in report.total.figures().values())
    with pytest.raises(PermissionDenied):
        rates(make_user("nobody", None, regions=[cw.world.county]))


def test_a_date_range_limits_the_complaints(cw):
    report = rates(cw.user("supervisor"), start=dt.date(2026, 1, 1), end=dt.date(2026, 1, 31))
    assert report.total.counts.cases == 1
