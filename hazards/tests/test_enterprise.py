"""Enterprise hazard statistics (SAWS Order 16 Art. 14): figures generated from a known ledger,
due dates (moved off rest days), the principal's signature freezing the figures."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from core.audit import audit_context
from core.models import AuditEntry, Premises
from hazards.choices import HazardGrade, HazardState, InspectionKind, InspectionState, PeriodKind
from hazards.models import ChecklistTemplate, EnterpriseStatistics, Inspection
from hazards.services.statistics import (
    StatisticsError,
    draft_due_statistics,
    due_on,
    generate_statistics,
    period_of,
    periods_to_file,
    sign_statistics,
)
from hazards.tests.test_risk import make_hazard
from testing.world import World
from workflow.calendar import local_zone
from workflow.worker import periodic_jobs

pytestmark = pytest.mark.django_db


def at(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=local_zone())


def make_template(world: World) -> ChecklistTemplate:
    template, _created = ChecklistTemplate.objects.get_or_create(
        code="test-school",
        version=1,
        defaults={
            "name": "学校安全检查表",
            "sector": world.sector,
            "source": "test",
            "effective_from": dt.date(2020, 1, 1),
        },
    )
    return template


def make_inspection(
    world: World,
    premises: Premises,
    completed_at: dt.datetime | None,
    *,
    kind: str = InspectionKind.SELF,
    state: str = InspectionState.COMPLETED,
) -> Inspection:
    inspection = Inspection(
        template=make_template(world),
        premises=premises,
        kind=kind,
        state=state,
        inspector=world.user("enterprise"),
        started_at=completed_at or timezone.now(),
        completed_at=completed_at,
    )
    inspection.take_place_from_premises()
    inspection.save()
    return inspection


@pytest.fixture
def ledger(world: World) -> None:
    """Premises A's ledger around the first quarter of 2026 (and noise at premises B)."""
    a, b = world.premises_a, world.premises_b
    make_inspection(world, a, at(2026, 1, 20))
    make_inspection(world, a, at(2026, 3, 31, 23, 30), kind=InspectionKind.ROUTINE)
    make_inspection(world, a, at(2026, 4, 1, 0, 0))  # the next quarter
    make_inspection(world, a, None, state=InspectionState.IN_PROGRESS)
    make_inspection(world, b, at(2026, 2, 1))
    closed = HazardState.CLOSED
    # found and closed in the quarter
    make_hazard(world, a, found_at=at(2026, 1, 5), state=closed, closed_at=at(2026, 1, 9))
    # major, found in the quarter, still open
    make_hazard(world, a, grade=HazardGrade.MAJOR, found_at=at(2026, 2, 3))
    # found in the quarter's last minutes, closed in the next quarter: open at the end
    make_hazard(world, a, found_at=at(2026, 3, 31, 23, 59), state=closed, closed_at=at(2026, 4, 2))
    # found the quarter before, closed in it: rectified, not found
    make_hazard(world, a, found_at=at(2025, 12, 1), state=closed, closed_at=at(2026, 3, 1))
    # found the quarter before, still open: open at the end
    make_hazard(world, a, found_at=at(2025, 11, 1))
    # found after the quarter
    make_hazard(world, a, grade=HazardGrade.MAJOR, found_at=at(2026, 4, 1, 0, 0))
    # another premises
    make_hazard(world, b, grade=HazardGrade.MAJOR, found_at=at(2026, 2, 3))


def generate_q1(world: World, persona: str = "enterprise") -> EnterpriseStatistics:
    return generate_statistics(
        user=world.user(persona),
        premises=world.premises_a,
        kind=PeriodKind.QUARTER,
        year=2026,
        quarter=1,
    )


def figures(statistics: EnterpriseStatistics) -> tuple[int, ...]:
    return (
        statistics.inspections,
        statistics.hazards_found,
        statistics.major_found,
        statistics.rectified,
        statistics.open_at_end,
        statistics.major_open_at_end,
    )


def test_quarter_figures_come_from_the_ledger(world, ledger):
    with audit_context(actor=world.user("enterprise")):
        statistics = generate_q1(world)
    # inspections 2, found 3 (1 major), closed in the quarter 2, open at the end 3 (1 major)
    assert figures(statistics) == (2, 3, 1, 2, 3, 1)
    assert statistics.region_id == world.premises_a.region_id
    entry = AuditEntry.objects.get(content_type__model="enterprisestatistics")
    assert entry.action == "create" and entry.actor == world.user("enterprise")


def test_year_figures_cover_the_whole_year(world, ledger):
    statistics = generate_statistics(
        user=world.user("enterprise"),
        premises=world.premises_a,
        kind=PeriodKind.YEAR,
        year=2025,
    )
    # 2025: two hazards found (Nov, Dec), none closed in 2025, both open on 31 December.
    assert figures(statistics) == (0, 2, 0, 0, 2, 0)
    assert (statistics.quarter, statistics.due_on) == (0, dt.date(2026, 2, 2))


def test_regenerating_an_unsigned_period_updates_it(world, ledger):
    first = generate_q1(world)
    make_hazard(world, world.premises_a, found_at=at(2026, 3, 15))
    second = generate_q1(world)
    assert second.pk == first.pk
    assert second.hazards_found == first.hazards_found + 1
    assert EnterpriseStatistics.objects.count() == 1


@pytest.mark.parametrize(
    ("kind", "year", "quarter", "due"),
    [
        # SAWS Order 16 Art. 14: by the 15th day of the month after the quarter.
        (PeriodKind.QUARTER, 2026, 1, dt.date(2026, 4, 15)),
        (PeriodKind.QUARTER, 2026, 3, dt.date(2026, 10, 15)),
        (PeriodKind.QUARTER, 2025, 4, dt.date(2026, 1, 15)),
        # 2023-07-15 is a Saturday: the next working day (Civil Code Art. 203).
        (PeriodKind.QUARTER, 2023, 2, dt.date(2023, 7, 17)),
        # Annual by 31 January; 2026-01-31 is a Saturday.
        (PeriodKind.YEAR, 2025, 0, dt.date(2026, 2, 2)),
        # 2025-01-31 falls in the Spring Festival holiday (28 January – 4 February).
        (PeriodKind.YEAR, 2024, 0, dt.date(2025, 2, 5)),
        (PeriodKind.YEAR, 2022, 0, dt.date(2023, 1, 31)),
    ],
)
def test_due_dates(kind, year, quarter, due):
    assert due_on(period_of(kind, year, quarter)) == due


def test_a_quarter_must_be_one_to_four():
    with pytest.raises(StatisticsError):
        period_of(PeriodKind.QUARTER, 2026, 5)


def test_signing_records_the_principal_and_freezes_the_figures(world, ledger):
    statistics = generate_q1(world)
    signed = sign_statistics(
        user=world.user("enterprise"), statistics=statistics, principal_name=" 王校长 "
    )
    assert signed.principal_name == "王校长"
    assert signed.signed_at is not None
    entry = AuditEntry.objects.filter(object_id=str(statistics.pk), action="update").get()
    assert set(entry.changes) == {"principal_name", "signed_at"}

    make_hazard(world, world.premises_a, grade=HazardGrade.MAJOR, found_at=at(2026, 3, 1))
    with pytest.raises(StatisticsError) as refused:
        generate_q1(world)
    assert "signed by 王校长" in refused.value.messages[0]
    assert refused.value.code == "signed"
    statistics.refresh_from_db()
    assert figures(statistics) == (2, 3, 1, 2, 3, 1)


def test_a_period_that_has_not_ended_cannot_be_signed(world):
    next_year = timezone.localdate().year + 1
    statistics = generate_statistics(
        user=world.user("enterprise"),
        premises=world.premises_a,
        kind=PeriodKind.YEAR,
        year=next_year,
    )
    with pytest.raises(StatisticsError) as refused:
        sign_statistics(user=world.user("enterprise"), statistics=statistics, principal_name="王")
    assert f"ends on {next_year}-12-31" in refused.value.messages[0]
    statistics.refresh_from_db()
    assert statistics.signed_at is None


def test_signing_twice_or_without_a_name_is_refused(world, ledger):
    statistics = generate_q1(world)
    with pytest.raises(StatisticsError):
        sign_statistics(user=world.user("enterprise"), statistics=statistics, principal_name=" ")
    sign_statistics(user=world.user("enterprise"), statistics=statistics, principal_name="王")
    with pytest.raises(StatisticsError) as refused:
        sign_statistics(user=world.user("enterprise"), statistics=statistics, principal_name="李")
    assert refused.value.code == "signed"


def test_statistics_of_premises_outside_the_scope_are_refused(world, ledger):
    with pytest.raises(PermissionDenied):
        generate_q1(world, persona="township_b")
    assert not EnterpriseStatistics.objects.exists()


@pytest.mark.parametrize(
    ("today", "periods"),
    [
        (dt.date(2026, 4, 2), {(PeriodKind.QUARTER, 2026, 1)}),
        (dt.date(2026, 4, 16), set()),  # Q1's due day (15 April) has passed
        (dt.date(2027, 1, 10), {(PeriodKind.QUARTER, 2026, 4), (PeriodKind.YEAR, 2026, 0)}),
        (dt.date(2027, 1, 25), {(PeriodKind.YEAR, 2026, 0)}),  # Q4 was due 15 January
    ],
)
def test_the_periods_being_filed(today, periods):
    assert {(p.kind, p.year, p.quarter) for p in periods_to_file(today)} == periods


def test_the_worker_drafts_each_officers_enterprise_once(world, ledger):
    """Premises A has an officer account, premises B none: only A gets a draft, with the
    ledger's figures, and a second run (or a signed period) drafts nothing more."""
    with audit_context(source="worker"):
        assert draft_due_statistics(dt.date(2026, 4, 2)) == 1
    drafted = EnterpriseStatistics.objects.get()
    assert drafted.premises == world.premises_a and drafted.signed_at is None
    assert (drafted.period_kind, drafted.year, drafted.quarter) == (PeriodKind.QUARTER, 2026, 1)
    assert figures(drafted) == figures(generate_q1(world))
    assert AuditEntry.objects.filter(source="worker", object_id=str(drafted.pk)).exists()
    sign_statistics(user=world.user("enterprise"), statistics=drafted, principal_name="王")
    assert draft_due_statistics(dt.date(2026, 4, 3)) == 0
    assert EnterpriseStatistics.objects.count() == 1


def test_the_worker_runs_the_drafting_nightly(world, ledger, monkeypatch):
    nightly = {spec.name: spec for spec in periodic_jobs()}["hazards.draft_enterprise_statistics"]
    assert nightly.daily_at_hour is not None
    monkeypatch.setattr(timezone, "now", lambda: at(2026, 4, 2, 2, 0))
    nightly.run()
    drafted = EnterpriseStatistics.objects.get()
    assert (drafted.premises, drafted.quarter) == (world.premises_a, 1)
