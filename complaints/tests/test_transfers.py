"""Transfers between units: recorded with their reason, counted, refused to the unit
complained about; the new unit accepts afresh (its own objection window and 60 days)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from complaints.choices import (
    HANDLE_CLOCK,
    REMIT_OBJECTION,
    ComplaintState,
    TaskRole,
    TaskState,
    TransferKind,
)
from complaints.models import Complaint, HandlingTask, Transfer
from complaints.services import handling
from complaints.tests.factories import ComplaintWorld, complaint_world, file_complaint
from core.models import AuditEntry
from testing.world import World
from workflow.choices import ClockState
from workflow.clocks import open_clocks
from workflow.errors import MissingFields, PreconditionFailed, TransitionForbidden, VersionConflict

pytestmark = pytest.mark.django_db


@pytest.fixture
def cw(world: World) -> ComplaintWorld:
    return complaint_world(world)


def accepted(cw: ComplaintWorld) -> Complaint:
    complaint = file_complaint(cw).complaint
    complaint = handling.route(complaint, cw.user("clerk"), cw.unit, "摘要", "")
    return handling.accept(complaint, cw.user("handler"))


def test_transfer_moves_the_complaint_counts_it_and_the_new_unit_accepts_afresh(
    cw: ComplaintWorld,
) -> None:
    complaint = accepted(cw)
    old_clock = open_clocks(complaint, (HANDLE_CLOCK,)).get()
    moved = handling.transfer(complaint, cw.user("clerk"), cw.other_unit, "涉及供水管网，属水务局")
    assert (moved.state, moved.department, moved.handler, moved.transfer_count) == (
        ComplaintState.ASSIGNED,
        cw.other_unit,
        None,
        1,
    )
    move = Transfer.objects.get(complaint=complaint, kind=TransferKind.TRANSFER)
    assert (move.from_department, move.to_department, move.reason, move.by) == (
        cw.unit,
        cw.other_unit,
        "涉及供水管网，属水务局",
        cw.user("clerk"),
    )
    # The old unit's 60 days fell away (stopped, not met); the new unit has its own window.
    old_clock.refresh_from_db()
    assert old_clock.state == ClockState.STOPPED
    assert open_clocks(moved, (REMIT_OBJECTION,)).exists()
    assert not open_clocks(moved, (HANDLE_CLOCK,)).exists()
    again = handling.accept(moved, cw.user("assistant"))
    assert open_clocks(again, (HANDLE_CLOCK,)).get().started_at == again.accepted_at


def test_each_transfer_and_objection_is_counted(cw: ComplaintWorld) -> None:
    complaint = accepted(cw)
    complaint = handling.transfer(complaint, cw.user("clerk"), cw.other_unit, "改交水务局")
    complaint = handling.object_to_remit(complaint, cw.user("assistant"), "不属水务局职责")
    complaint = handling.route(complaint, cw.user("clerk"), cw.unit, "摘要", "退回住建局")
    assert complaint.transfer_count == 2
    kinds = list(Transfer.objects.filter(complaint=complaint).values_list("kind", flat=True))
    assert kinds == ["route", "transfer", "objection", "route"]


def test_transfer_to_the_unit_complained_about_is_refused_and_writes_nothing(
    cw: ComplaintWorld,
) -> None:
    complaint = accepted(cw)
    entries = AuditEntry.objects.count()
    with pytest.raises(PreconditionFailed, match="the one complained about"):
        handling.transfer(complaint, cw.user("clerk"), cw.respondent_unit, "转城管局")
    stored = Complaint.objects.get(pk=complaint.pk)
    assert (stored.state, stored.department, stored.transfer_count) == (
        ComplaintState.HANDLING,
        cw.unit,
        0,
    )
    assert not Transfer.objects.filter(complaint=complaint, kind=TransferKind.TRANSFER).exists()
    assert AuditEntry.objects.count() == entries


def test_transfer_needs_a_reason_and_another_unit(cw: ComplaintWorld) -> None:
    complaint = accepted(cw)
    with pytest.raises(MissingFields):
        handling.transfer(complaint, cw.user("clerk"), cw.other_unit, "  ")
    with pytest.raises(PreconditionFailed, match="already with this unit"):
        handling.transfer(complaint, cw.user("clerk"), cw.unit, "同一单位")


def test_only_the_desk_transfers(cw: ComplaintWorld) -> None:
    complaint = accepted(cw)
    with pytest.raises(TransitionForbidden):
        handling.transfer(complaint, cw.user("leader"), cw.other_unit, "想转走")


def test_a_stale_form_cannot_transfer(cw: ComplaintWorld) -> None:
    complaint = accepted(cw)

    with pytest.raises(VersionConflict):
        handling.transfer(complaint, cw.user("clerk"), cw.other_unit, "改交", complaint.version - 1)


def test_transfer_cancels_the_old_lead_task_and_keeps_the_assisting_one(
    cw: ComplaintWorld,
) -> None:
    complaint = accepted(cw)
    soon = timezone.now() + timedelta(days=5)
    lead = handling.assign_task(complaint, cw.user("leader"), cw.unit, TaskRole.LEAD, "牵头", soon)
    helper = handling.assign_task(
        complaint, cw.user("leader"), cw.other_unit, TaskRole.ASSISTING, "协助", soon
    )
    handling.transfer(
        Complaint.objects.get(pk=complaint.pk), cw.user("clerk"), cw.other_unit, "改交"
    )
    assert HandlingTask.objects.get(pk=lead.pk).state == TaskState.CANCELLED
    assert HandlingTask.objects.get(pk=helper.pk).state == TaskState.OPEN
