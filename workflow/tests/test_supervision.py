"""Supervision notices (督查督办): issue on any item, reply clock, counts by unit."""

from __future__ import annotations

from unittest import mock

import pytest

from core.scoping import NotFound
from core.services import OutOfScopeError
from core.times import deadline_text
from testing.world import make_user
from workflow import escalation
from workflow.choices import ClockState, SupervisionState
from workflow.engine import fire
from workflow.errors import TransitionForbidden
from workflow.machines.supervision import REPLY_CLOCK
from workflow.models import Clock, Notification
from workflow.supervision import counts_by_unit, issue_notice, notices_on
from workflow.tests.conftest import at


@pytest.fixture
def supervisor(toy):
    return make_user("duban_a", "supervisor", regions=[toy.world.county])


@pytest.fixture
def premises(toy):
    return toy.world.premises_a


def test_supervisor_issues_a_notice_with_its_own_reply_clock(toy, supervisor, premises):
    notice = issue_notice(
        supervisor, premises, request="请于5个工作日内报告整改进展", region=toy.world.township_a
    )
    assert notice.number.startswith("DB-") and notice.state == SupervisionState.ISSUED
    clock = Clock.objects.get(kind=REPLY_CLOCK, object_id=notice.pk)
    assert clock.due == notice.reply_due and clock.rule.unit == "working_days"
    assert Notification.objects.filter(recipient=toy.leader, topic="supervision.issued").exists()
    assert list(notices_on(premises)) == [notice]


def test_unit_replies_and_the_clock_is_met(toy, supervisor, premises):
    notice = issue_notice(supervisor, premises, request="说明情况", region=toy.world.township_a)
    replied = fire("reply", notice, toy.leader, {"reply": "已整改完毕"})
    assert replied.state == SupervisionState.REPLIED and replied.replied_by == toy.leader
    assert Clock.objects.get(kind=REPLY_CLOCK, object_id=notice.pk).state == ClockState.MET
    assert Notification.objects.filter(recipient=supervisor, topic="supervision.replied").exists()
    with pytest.raises(TransitionForbidden):
        fire("close", replied, toy.leader)
    assert fire("close", replied, supervisor).state == SupervisionState.CLOSED


def test_other_township_neither_sees_nor_answers_the_notice(toy, supervisor, premises):
    notice = issue_notice(supervisor, premises, request="说明情况", region=toy.world.township_a)
    with pytest.raises(NotFound):
        fire("reply", notice, toy.outsider, {"reply": "不是我们"})


def test_a_supervisor_cannot_press_a_unit_outside_their_scope(toy, premises):
    local = make_user("duban_b", "supervisor", regions=[toy.world.township_b])
    with pytest.raises((OutOfScopeError, NotFound)):
        issue_notice(local, premises, request="x", region=toy.world.township_a)


def test_unanswered_notice_escalates_and_counts_as_overdue(toy, supervisor, premises):
    notice = issue_notice(supervisor, premises, request="说明情况", region=toy.world.township_a)
    issue_notice(supervisor, toy.world.premises_b, request="说明", region=toy.world.township_b)
    reply_due = Clock.objects.get(object_id=notice.pk, kind=REPLY_CLOCK).due
    escalation.scan(reply_due.replace(year=reply_due.year + 1))
    counts = {row["region__name"]: row for row in counts_by_unit(supervisor)}
    assert counts["甲镇"]["open"] == 1 and counts["甲镇"]["overdue"] == 1
    assert counts["乙镇"]["total"] == 1
    assert "24:00" in deadline_text(reply_due)


def test_reply_deadline_counts_working_days(toy, supervisor, premises):
    with mock.patch("django.utils.timezone.now", return_value=at(2026, 2, 11, 10)):
        notice = issue_notice(supervisor, premises, request="x", region=toy.world.township_a)
    # Working days after Wed 02-11: 12, 13, Sat 14 (make-up), then the holiday: 24, 25.
    assert deadline_text(notice.reply_due) == "2026-02-25 24:00"
