"""Enforcement documents: numbering, the rules of each kind, and the premises status they set
(Work Safety Law Arts 65, 70, 102, 113; Administrative Penalty Law Arts 63–64)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from core.choices import PremisesStatus
from core.models import AuditEntry, DocumentSequence, Premises
from core.scoping import NotFound
from hazards.choices import EnforcementKind as K
from hazards.choices import EnforcementState, HazardGrade, HazardState
from hazards.models import EnforcementAction, Hazard, HazardListing
from hazards.services.enforcement import (
    EnforcementRefused,
    cancel_action,
    draft_action,
    issue_action,
    lift_action,
    penalty_counter,
    premises_status_from_orders,
)
from testing.world import World, make_user
from workflow.calendar import local_date, local_zone
from workflow.clocks import open_clocks
from workflow.errors import InvalidState, PreconditionFailed, TransitionForbidden

pytestmark = pytest.mark.django_db

# Helpers other enforcement test modules use too


def regulator(world: World) -> Any:
    return world.user("department")


def drafter(world: World) -> Any:
    """A colleague of the regulator drafts, so the one who issues is not the drafter (four eyes)."""
    if "drafter" not in world.users:
        world.users["drafter"] = make_user(
            "edu_drafter", "department_staff", departments=[world.department]
        )
    return world.user("drafter")


def draft(world: World, kind: str, premises: Premises | None = None, **fields: Any) -> Any:
    return draft_action(
        user=drafter(world),
        premises=premises or world.premises_a,
        kind=kind,
        facts=fields.pop("facts", "二楼安全出口被货物堵塞，疏散通道不畅。"),
        **fields,
    )


def issued(world: World, kind: str, premises: Premises | None = None, **fields: Any) -> Any:
    return issue_action(regulator(world), draft(world, kind, premises, **fields))


def hearing_notice(world: World, premises: Premises | None = None) -> Any:
    return issued(world, K.HEARING_NOTICE, premises)


def suspension(world: World, premises: Premises | None = None, **fields: Any) -> Any:
    hearing_notice(world, premises)
    until = timezone.localdate() + dt.timedelta(days=30)
    return issued(world, K.SUSPENSION, premises, effective_until=until, **fields)


def major_hazard(world: World, premises: Premises | None = None) -> Hazard:
    premises = premises or world.premises_a
    hazard = Hazard(
        premises=premises,
        number=f"YH-T-{Hazard.objects.count() + 1:06d}",
        source="ad_hoc",
        title="液氨储罐区未设置泄漏报警装置",
        grade=HazardGrade.MAJOR,
        found_at=timezone.now(),
        found_by=regulator(world),
        state=HazardState.GRADED,
    )
    hazard.take_place_from_premises()
    hazard.save()
    return hazard


def fine_issued_on(world: World, day: dt.date, premises: Premises | None = None) -> Any:
    fine = issued(world, K.FINE, premises, amount="20000")
    at = dt.datetime.combine(day, dt.time(10, 0), tzinfo=local_zone())
    EnforcementAction.objects.filter(pk=fine.pk).update(issued_at=at)
    return fine


def status_of(premises: Premises) -> str:
    return Premises.objects.get(pk=premises.pk).status


# Numbering


def test_a_draft_has_a_provisional_number_and_the_default_legal_basis(world):
    order = draft(world, K.RECTIFICATION_ORDER)
    assert order.number == f"DRAFT-{order.pk}"
    assert order.state == EnforcementState.DRAFT
    assert "第六十五条" in order.legal_basis
    assert order.region_id == world.premises_a.region_id
    assert AuditEntry.objects.filter(object_id=str(order.pk), action="create").exists()


def test_issued_documents_are_numbered_gap_free_per_kind_and_year(world):
    deadline = timezone.now() + dt.timedelta(days=10)
    year = local_date(timezone.now()).year
    first = issued(world, K.RECTIFICATION_ORDER, deadline=deadline)
    # a failed issue uses no number
    with pytest.raises(EnforcementRefused):
        issue_action(regulator(world), draft(world, K.RECTIFICATION_ORDER))
    second = issued(world, K.RECTIFICATION_ORDER, deadline=deadline)
    other_kind = hearing_notice(world)
    assert first.number == f"〔{year}〕责改 第1号"
    assert second.number == f"〔{year}〕责改 第2号"
    assert other_kind.number == f"〔{year}〕听证 第1号"
    assert DocumentSequence.objects.get(prefix="责改", year=year).last == 2


def test_issuing_stamps_who_and_when(world):
    order = issued(world, K.IMMEDIATE_REMOVAL)
    assert order.state == EnforcementState.ISSUED
    assert order.issued_by == regulator(world)
    assert order.issued_at is not None


def test_only_a_regulator_issues(world):
    order = draft(world, K.IMMEDIATE_REMOVAL)
    with pytest.raises((PermissionDenied, TransitionForbidden)):
        issue_action(world.user("enterprise"), order)
    with pytest.raises((PermissionDenied, TransitionForbidden)):
        issue_action(world.user("township_a"), order)
    assert EnforcementAction.objects.get(pk=order.pk).state == EnforcementState.DRAFT


def test_a_premises_outside_the_scope_cannot_get_an_order(world):
    admin_a = make_user("regulator_a", "directory_admin", regions=[world.township_a])
    assert draft_action(user=admin_a, premises=world.premises_a, kind=K.FINE, facts="x").pk
    with pytest.raises(NotFound):
        draft_action(user=admin_a, premises=world.premises_b, kind=K.FINE, facts="x")
    assert not EnforcementAction.objects.filter(premises=world.premises_b).exists()


def test_facts_and_legal_basis_are_required_to_issue(world):
    order = draft(world, K.IMMEDIATE_REMOVAL, facts="  ")
    with pytest.raises(EnforcementRefused) as refused:
        issue_action(regulator(world), order)
    assert refused.value.code == "facts_required"


def test_a_cancelled_draft_never_gets_a_number(world):
    order = draft(world, K.SEALING)
    cancelled = cancel_action(regulator(world), order)
    assert cancelled.state == EnforcementState.CANCELLED
    assert cancelled.number.startswith("DRAFT-")
    with pytest.raises(InvalidState):
        issue_action(regulator(world), cancelled)


# Fines and hearings


def test_a_fine_needs_an_amount_above_zero(world):
    with pytest.raises(Exception, match="more than zero"):
        draft(world, K.FINE, amount="0")
    fine = draft(world, K.FINE)
    with pytest.raises(EnforcementRefused) as refused:
        issue_action(regulator(world), fine)
    assert refused.value.code == "amount_required"
    fine = issued(world, K.FINE, amount="30000.5")
    assert fine.amount == Decimal("30000.50")


def test_a_large_fine_needs_a_hearing_notice_first(world):
    fine = draft(world, K.FINE, amount="50000")
    with pytest.raises(EnforcementRefused) as refused:
        issue_action(regulator(world), fine)
    assert refused.value.code == "hearing_notice_required"
    hearing_notice(world)
    assert issue_action(regulator(world), fine).state == EnforcementState.ISSUED


def test_a_suspension_needs_a_hearing_notice_at_the_same_premises(world):
    hearing_notice(world, world.premises_b)
    order = draft(world, K.SUSPENSION, effective_until=timezone.localdate() + dt.timedelta(30))
    with pytest.raises(EnforcementRefused) as refused:
        issue_action(regulator(world), order)
    assert refused.value.code == "hearing_notice_required"


# Suspension and sealing: the premises status follows everywhere


def test_a_suspension_lasts_at_most_six_months(world):
    hearing_notice(world)
    today = local_date(timezone.now())
    too_long = draft(world, K.SUSPENSION, effective_until=today + dt.timedelta(days=200))
    with pytest.raises(EnforcementRefused) as refused:
        issue_action(regulator(world), too_long)
    assert refused.value.code == "term_too_long"
    open_ended = draft(world, K.SUSPENSION)
    with pytest.raises(EnforcementRefused) as refused:
        issue_action(regulator(world), open_ended)
    assert refused.value.code == "term_required"


def test_issuing_a_suspension_suspends_the_premises_and_lifting_restores_it(world):
    order = suspension(world)
    assert status_of(world.premises_a) == PremisesStatus.SUSPENDED
    assert status_of(world.premises_b) == PremisesStatus.OPERATING
    entry = AuditEntry.objects.filter(
        content_type__model="premises", object_id=str(world.premises_a.pk)
    ).latest("seq")
    assert entry.changes["status"] == ["operating", "suspended"]
    lifted = lift_action(regulator(world), order, "隐患已排除，经现场审查同意恢复生产。")
    assert lifted.state == EnforcementState.LIFTED
    assert lifted.lifted_by == regulator(world)
    assert status_of(world.premises_a) == PremisesStatus.OPERATING


def test_lifting_needs_a_reason(world):
    order = suspension(world)
    with pytest.raises(PreconditionFailed):
        lift_action(regulator(world), order, "  ")
    assert status_of(world.premises_a) == PremisesStatus.SUSPENDED


def test_sealing_is_more_severe_than_suspension(world):
    suspended = suspension(world)
    sealing = issued(world, K.SEALING)
    assert status_of(world.premises_a) == PremisesStatus.SEALED
    lift_action(regulator(world), sealing, "设备已整改，解除查封。")
    assert status_of(world.premises_a) == PremisesStatus.SUSPENDED
    lift_action(regulator(world), suspended, "恢复生产。")
    assert status_of(world.premises_a) == PremisesStatus.OPERATING


def test_a_fine_stays_in_force_and_cannot_be_lifted(world):
    fine = issued(world, K.FINE, amount="1000")
    with pytest.raises(PreconditionFailed):
        lift_action(regulator(world), fine, "已缴纳")


def test_a_live_listing_of_a_major_hazard_suspends_until_delisted(world):
    hazard = major_hazard(world)
    listing = HazardListing.objects.create(
        number="GP-T-1", hazard=hazard, level="county", office="测试县安委办",
        listed_on=timezone.localdate(), deadline=timezone.localdate() + dt.timedelta(60),
        listed_by=regulator(world), state="listed",
    )  # fmt: skip
    premises_status_from_orders(world.premises_a)
    assert status_of(world.premises_a) == PremisesStatus.SUSPENDED
    HazardListing.objects.filter(pk=listing.pk).update(state="delisted")
    premises_status_from_orders(world.premises_a)
    assert status_of(world.premises_a) == PremisesStatus.OPERATING


def test_a_closed_premises_stays_closed_when_its_orders_are_lifted(world):
    order = suspension(world)
    Premises.objects.filter(pk=world.premises_a.pk).update(status=PremisesStatus.CLOSED)
    lift_action(regulator(world), order, "政府已决定关闭。")
    assert status_of(world.premises_a) == PremisesStatus.CLOSED


# Power cut (Art. 70)


def test_a_power_cut_notice_needs_a_suspension_in_force(world):
    notice = draft(world, K.POWER_CUT_NOTICE, facts="拒不执行停产决定，继续组织生产。")
    with pytest.raises(EnforcementRefused) as refused:
        issue_action(regulator(world), notice)
    assert refused.value.code == "suspension_required"
    assert EnforcementAction.objects.get(pk=notice.pk).state == EnforcementState.DRAFT


def test_a_power_cut_notice_gives_24_hours_on_the_clock(world):
    suspension(world)
    notice = issued(world, K.POWER_CUT_NOTICE, facts="拒不执行停产决定，继续组织生产。")
    assert notice.deadline == notice.issued_at + dt.timedelta(hours=24)
    clock = open_clocks(notice, ("hazards.power_cut_notice",)).get()
    assert clock.due == notice.issued_at + dt.timedelta(hours=24)
    lift_action(regulator(world), notice, "单位已停产，不再停电。")
    assert not open_clocks(notice, ("hazards.power_cut_notice",)).exists()


def test_a_suspension_lifted_cannot_be_enforced_by_a_power_cut(world):
    order = suspension(world)
    lift_action(regulator(world), order, "恢复生产。")
    with pytest.raises(EnforcementRefused):
        issued(world, K.POWER_CUT_NOTICE)


# Closure request (Art. 113): 3 fines in 180 days or 4 in one year, with a major hazard


def closure_request(world: World) -> Any:
    hearing_notice(world)
    return draft(world, K.CLOSURE_REQUEST, facts="存在重大事故隐患且多次受到行政处罚。")


def test_closure_needs_a_major_hazard(world):
    today = local_date(timezone.now())
    for days in (1, 2, 3):
        fine_issued_on(world, today - dt.timedelta(days=days))
    with pytest.raises(EnforcementRefused) as refused:
        issue_action(regulator(world), closure_request(world))
    assert refused.value.code == "major_hazard_required"


def test_two_fines_in_180_days_are_not_enough_three_are(world):
    major_hazard(world)
    today = local_date(timezone.now())
    fine_issued_on(world, today - dt.timedelta(days=180))  # the boundary day counts
    fine_issued_on(world, today - dt.timedelta(days=10))
    assert penalty_counter(world.premises_a).in_180_days == 2
    with pytest.raises(EnforcementRefused) as refused:
        issue_action(regulator(world), closure_request(world))
    assert refused.value.code == "penalty_counter_not_reached"
    assert "2 / 3" in str(refused.value)
    fine_issued_on(world, today)
    assert penalty_counter(world.premises_a).in_180_days == 3
    request = issue_action(regulator(world), closure_request(world))
    assert request.state == EnforcementState.ISSUED


def test_a_fine_181_days_ago_is_outside_the_180_days(world):
    today = local_date(timezone.now())
    fine_issued_on(world, today - dt.timedelta(days=181))
    count = penalty_counter(world.premises_a)
    assert (count.in_180_days, count.in_one_year) == (0, 1)


def test_three_fines_in_a_year_are_not_enough_four_are(world):
    major_hazard(world)
    today = local_date(timezone.now())
    year_ago = (
        today.replace(year=today.year - 1)
        if (today.month, today.day) != (2, 29)
        else (today.replace(year=today.year - 1, day=28))
    )
    for day in (year_ago, today - dt.timedelta(days=300), today - dt.timedelta(days=200)):
        fine_issued_on(world, day)  # one year to the day counts; none within 180 days
    count = penalty_counter(world.premises_a)
    assert (count.in_180_days, count.in_one_year) == (0, 3)
    assert not count.closure_reached
    fine_issued_on(world, year_ago - dt.timedelta(days=1))  # a year and a day: outside
    assert penalty_counter(world.premises_a).in_one_year == 3
    fine_issued_on(world, today - dt.timedelta(days=250))
    count = penalty_counter(world.premises_a)
    assert count.in_one_year == 4 and count.closure_reached
    assert issue_action(regulator(world), closure_request(world)).state == "issued"


def test_fines_at_another_premises_do_not_count(world):
    today = local_date(timezone.now())
    for days in (1, 2, 3):
        fine_issued_on(world, today - dt.timedelta(days=days), world.premises_b)
    assert penalty_counter(world.premises_a).in_180_days == 0
    assert penalty_counter(world.premises_b).in_180_days == 3
