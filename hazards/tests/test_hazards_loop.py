"""The closed loop of DESIGN.md §5, end to end through the services and the machine."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.attachments import store_attachment
from core.models import AuditEntry, User
from hazards.choices import HazardGrade, HazardSource, HazardState, InterimControlKind
from hazards.models import ChecklistItem, ChecklistTemplate, Hazard
from hazards.services.hazards import (
    record_interim_control,
    report_hazard,
    save_governance_plan,
    transition_hazard,
)
from hazards.services.risk import assess_risk_point
from testing.world import World, make_user
from workflow.choices import ClockState
from workflow.clocks import open_clocks
from workflow.errors import MissingAttachments, PreconditionFailed, VersionConflict
from workflow.models import Clock

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def evidence(hazard: Hazard, user: User) -> None:
    upload = SimpleUploadedFile("after.png", PNG, content_type="image/png")
    store_attachment(subject=hazard, upload=upload, kind="evidence", user=user)


def in_days(days: int) -> dt.datetime:
    return timezone.now() + dt.timedelta(days=days)


@pytest.fixture
def inspectors(world: World) -> tuple[User, User]:
    return (
        make_user("inspector_1", "grid_inspector", regions=[world.grid_a]),
        make_user("inspector_2", "grid_inspector", regions=[world.grid_a]),
    )


def general_hazard(world: World, by: User) -> Hazard:
    return report_hazard(
        user=by,
        premises=world.premises_a,
        title="消防通道堵塞",
        source=HazardSource.INSPECTION,
        rectify_by=in_days(7),
    )


def rectified(world: World, hazard: Hazard) -> Hazard:
    officer = world.user("enterprise")
    evidence(hazard, officer)
    return transition_hazard("rectify", hazard, officer, {"rectification_note": "已清理"})


def test_general_hazard_goes_round_the_loop_and_closes(world, inspectors):
    first, second = inspectors
    hazard = general_hazard(world, first)
    hazard = rectified(world, hazard)
    assert hazard.state == HazardState.RECTIFIED
    assert hazard.rectified_by == world.user("enterprise")
    assert Clock.objects.get(object_id=hazard.pk, kind="hazards.rectify").state == ClockState.MET
    hazard = transition_hazard("verify", hazard, second, {"verification_note": "现场复查通过"})
    hazard = transition_hazard("close", hazard, second)
    assert hazard.state == HazardState.CLOSED
    assert hazard.closed_by == second
    # The audit log shows every step: created, rectified, verified, closed.
    steps = AuditEntry.objects.filter(
        content_type__model="hazard", object_id=str(hazard.pk)
    ).count()
    assert steps == 4


def test_rectified_needs_evidence_and_a_report(world, inspectors):
    hazard = general_hazard(world, inspectors[0])
    officer = world.user("enterprise")
    with pytest.raises(MissingAttachments):
        transition_hazard("rectify", hazard, officer, {"rectification_note": "已清理"})
    evidence(hazard, officer)
    with pytest.raises(PreconditionFailed):
        transition_hazard("rectify", hazard, officer, {})
    assert Hazard.objects.get(pk=hazard.pk).state == HazardState.RECTIFYING


def test_the_rectifier_cannot_verify(world, inspectors):
    first, _second = inspectors
    hazard = general_hazard(world, first)
    evidence(hazard, first)
    hazard = transition_hazard("rectify", hazard, first, {"rectification_note": "已整改"})
    with pytest.raises(PreconditionFailed, match="cannot verify"):
        transition_hazard("verify", hazard, first)
    assert Hazard.objects.get(pk=hazard.pk).state == HazardState.RECTIFIED


def test_the_enterprise_officer_cannot_verify(world, inspectors):
    hazard = rectified(world, general_hazard(world, inspectors[0]))
    officer = world.user("enterprise")
    officer.is_superuser = True  # even with every role, the enterprise never verifies itself
    officer.save()
    officer = User.objects.get(pk=officer.pk)
    with pytest.raises(PreconditionFailed):
        transition_hazard("verify", hazard, officer)


def test_rejected_verification_goes_back_with_a_new_deadline(world, inspectors):
    hazard = rectified(world, general_hazard(world, inspectors[0]))
    with pytest.raises(PreconditionFailed):
        transition_hazard("reject", hazard, inspectors[1], {"rectify_by": in_days(3)})
    new_due = in_days(3)
    hazard = transition_hazard(
        "reject",
        hazard,
        inspectors[1],
        {"verification_note": "照片不清晰", "rectify_by": new_due},
    )
    assert hazard.state == HazardState.RECTIFYING
    clock = open_clocks(hazard, ("hazards.rectify",)).get()
    assert clock.due == new_due


def test_major_hazard_needs_its_plan_before_rectification(world, inspectors):
    inspector = inspectors[0]
    hazard = report_hazard(
        user=inspector,
        premises=world.premises_a,
        title="教学楼承重墙开裂",
        source=HazardSource.AD_HOC,
        grade=HazardGrade.MAJOR,
        rectify_by=in_days(30),
    )
    assert hazard.state == HazardState.GRADED
    with pytest.raises(PreconditionFailed, match="governance plan"):
        transition_hazard("start_rectifying", hazard, inspector)
    record_interim_control(user=inspector, hazard=hazard, kind=InterimControlKind.WORKERS_WITHDRAWN)
    save_governance_plan(
        user=world.user("enterprise"),
        hazard=hazard,
        goals_and_tasks="加固",
        methods_and_measures="钢结构加固",
        funds_and_materials="50万元",
        responsible_body_and_people="校长",
        deadline=timezone.localdate() + dt.timedelta(days=30),
        deadline_requirements="30日内完成",
        safety_and_emergency="停用教学楼",
    )
    hazard = transition_hazard("start_rectifying", hazard, inspector)
    assert hazard.state == HazardState.RECTIFYING
    assert open_clocks(hazard, ("hazards.rectify",)).count() == 1
    assert hazard.controls.count() == 1


def test_general_hazard_has_no_plan(world, inspectors):
    hazard = general_hazard(world, inspectors[0])
    with pytest.raises(ValidationError):
        save_governance_plan(user=world.user("enterprise"), hazard=hazard, goals_and_tasks="x")


def test_a_major_criterion_forces_major_and_cannot_be_graded_down(world, inspectors):
    template = ChecklistTemplate.objects.create(
        code="t-school",
        name="学校",
        sector=world.sector,
        source="GB",
        effective_from=dt.date(2024, 1, 1),
    )
    item = ChecklistItem.objects.create(
        template=template, number=1, text="疏散楼梯", clause="GB 50016", major_criterion=True
    )
    hazard = report_hazard(
        user=inspectors[0],
        premises=world.premises_a,
        title="疏散楼梯被封",
        source=HazardSource.INSPECTION,
        checklist_item=item,
        grade=HazardGrade.GENERAL,
    )
    assert hazard.grade == HazardGrade.MAJOR
    assert hazard.major_criterion == item
    with pytest.raises(PreconditionFailed, match="criterion"):
        transition_hazard(
            "grade", hazard, inspectors[0], {"grade": "general", "rectify_by": in_days(5)}
        )


def test_grading_sets_the_deadline_clock(world, inspectors):
    hazard = report_hazard(
        user=inspectors[0], premises=world.premises_a, title="配电箱未上锁", source="ad_hoc"
    )
    assert hazard.state == HazardState.REGISTERED
    assert not open_clocks(hazard).exists()
    hazard = transition_hazard(
        "grade", hazard, inspectors[0], {"grade": "general", "rectify_by": in_days(5)}
    )
    hazard = transition_hazard("start_rectifying", hazard, inspectors[0])
    assert open_clocks(hazard, ("hazards.rectify",)).count() == 1


def test_a_stale_version_is_refused(world, inspectors):
    hazard = general_hazard(world, inspectors[0])
    stale = hazard.version
    evidence(hazard, world.user("enterprise"))
    transition_hazard("rectify", hazard, world.user("enterprise"), {"rectification_note": "好"})
    with pytest.raises(VersionConflict, match="changed by someone else"):
        transition_hazard("verify", hazard, inspectors[1], {}, stale)


def test_an_open_hazard_raises_its_risk_point_until_closed(world, inspectors):
    first, second = inspectors
    point = assess_risk_point(
        user=world.user("county"),
        premises=world.premises_a,
        name="配电室",
        method="matrix",
        inputs={"likelihood": 1, "severity": 1},
    )
    assessed = point.live_colour
    hazard = report_hazard(
        user=first,
        premises=world.premises_a,
        title="配电室漏水",
        source=HazardSource.INSPECTION,
        risk_point=point,
        rectify_by=in_days(5),
    )
    point.refresh_from_db()
    assert point.live_colour != assessed
    hazard = rectified(world, hazard)
    hazard = transition_hazard("verify", hazard, second)
    transition_hazard("close", hazard, second)
    point.refresh_from_db()
    assert point.live_colour == assessed
