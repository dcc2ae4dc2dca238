"""Unit tasks: the lead unit and assisting units each with their own task and deadline."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from complaints.choices import TaskRole, TaskState
from complaints.models import Complaint, HandlingTask
from complaints.services import handling
from complaints.services.protection import may_see_identity, reveal
from complaints.tests.factories import ComplaintWorld, complaint_world, file_complaint
from testing.world import World
from workflow.errors import InvalidState, PreconditionFailed, TransitionForbidden
from workflow.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def cw(world: World) -> ComplaintWorld:
    return complaint_world(world)


def in_days(days: int) -> dt.datetime:
    return timezone.now() + dt.timedelta(days=days)


def accepted(cw: ComplaintWorld) -> Complaint:
    complaint = file_complaint(cw).complaint
    complaint = handling.route(complaint, cw.user("clerk"), cw.unit, "摘要", "")
    return handling.accept(complaint, cw.user("handler"))


def test_lead_and_assisting_units_each_get_their_own_task_and_deadline(
    cw: ComplaintWorld,
) -> None:
    complaint = accepted(cw)
    lead = handling.assign_task(
        complaint, cw.user("leader"), cw.unit, TaskRole.LEAD, "现场核查并答复", in_days(20)
    )
    helper = handling.assign_task(
        complaint, cw.user("leader"), cw.other_unit, TaskRole.ASSISTING, "提供管网资料", in_days(7)
    )
    assert (lead.state, helper.state) == (TaskState.OPEN, TaskState.OPEN)
    assert helper.due < lead.due
    # The assisting unit is told, by complaint number only.
    told = Notification.objects.get(recipient=cw.user("assistant"), topic="complaint.task")
    assert complaint.number in told.title and "张三" not in told.title


def test_the_assisting_unit_sees_the_complaint_and_identity_only_with_the_permission(
    cw: ComplaintWorld,
) -> None:
    complaint = accepted(cw)
    assistant = cw.user("assistant")
    assert not Complaint.objects.restrict(assistant).filter(pk=complaint.pk).exists()
    handling.assign_task(
        complaint, cw.user("leader"), cw.other_unit, "assisting", "协助", in_days(7)
    )
    assert Complaint.objects.restrict(assistant).filter(pk=complaint.pk).exists()
    assert may_see_identity(assistant, complaint)  # handling staff hold view_complainant
    # The unit complained about sees the complaint, never who complained.
    respondent = cw.user("respondent")
    assert Complaint.objects.restrict(respondent).filter(pk=complaint.pk).exists()
    assert not may_see_identity(respondent, complaint)
    assert reveal(respondent, complaint) == []


def test_a_task_for_the_unit_complained_about_is_refused(cw: ComplaintWorld) -> None:
    complaint = accepted(cw)
    with pytest.raises(PreconditionFailed, match="the one complained about"):
        handling.assign_task(
            complaint, cw.user("leader"), cw.respondent_unit, "assisting", "说明情况", in_days(5)
        )
    assert not HandlingTask.objects.filter(complaint=complaint).exists()


def test_task_rules(cw: ComplaintWorld) -> None:
    complaint = accepted(cw)
    leader = cw.user("leader")
    with pytest.raises(PreconditionFailed, match="lead task goes to"):
        handling.assign_task(complaint, leader, cw.other_unit, "lead", "牵头", in_days(5))
    with pytest.raises(PreconditionFailed, match="in the future"):
        handling.assign_task(complaint, leader, cw.other_unit, "assisting", "协助", in_days(-1))
    with pytest.raises(PreconditionFailed, match="after the case itself"):
        handling.assign_task(complaint, leader, cw.other_unit, "assisting", "协助", in_days(200))
    handling.assign_task(complaint, leader, cw.other_unit, "assisting", "协助", in_days(5))
    with pytest.raises(PreconditionFailed, match="already has an open task"):
        handling.assign_task(complaint, leader, cw.other_unit, "assisting", "再协助", in_days(5))


def test_tasks_wait_for_acceptance(cw: ComplaintWorld) -> None:
    complaint = handling.route(file_complaint(cw).complaint, cw.user("clerk"), cw.unit, "摘要", "")
    with pytest.raises(InvalidState):
        handling.assign_task(complaint, cw.user("leader"), cw.unit, "lead", "牵头", in_days(5))


def test_the_assisting_unit_cannot_hand_out_tasks(cw: ComplaintWorld) -> None:
    complaint = accepted(cw)
    handling.assign_task(
        complaint, cw.user("leader"), cw.other_unit, "assisting", "协助", in_days(5)
    )
    with pytest.raises(TransitionForbidden):
        handling.assign_task(complaint, cw.user("assistant"), cw.unit, "lead", "牵头", in_days(5))


def test_complete_and_cancel(cw: ComplaintWorld) -> None:
    complaint = accepted(cw)
    task = handling.assign_task(
        complaint, cw.user("leader"), cw.other_unit, "assisting", "协助", in_days(5)
    )
    with pytest.raises(PreconditionFailed):
        handling.complete_task(task, cw.user("assistant"), "")
    done = handling.complete_task(task, cw.user("assistant"), "资料已提供")
    assert (done.state, done.result, done.done_by) == (
        TaskState.DONE,
        "资料已提供",
        cw.user("assistant"),
    )
    other = handling.assign_task(complaint, cw.user("leader"), cw.unit, "lead", "牵头", in_days(5))
    with pytest.raises(TransitionForbidden):
        handling.cancel_task(other, cw.user("handler"))
    assert handling.cancel_task(other, cw.user("leader")).state == TaskState.CANCELLED
