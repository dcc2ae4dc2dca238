"""The unit inbox: complaints routed to the unit awaiting acceptance (5 working days to object),
complaints in hand with their deadline, open tasks of the unit; counts at the top; nothing of other
units, and no one without a handling role."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from complaints.choices import ComplaintState
from complaints.models import Complaint, HandlingTask
from complaints.tests.factories import ComplaintWorld, advance, complaint_world, file_complaint
from workflow.models import Clock

pytestmark = pytest.mark.django_db

INBOX = "complaints:inbox"


@pytest.fixture
def cw(world) -> ComplaintWorld:  # type: ignore[no-untyped-def]
    return complaint_world(world)


def inbox(client: Client, cw: ComplaintWorld, persona: str) -> dict:
    client.force_login(cw.user(persona))
    response = client.get(reverse(INBOX))
    assert response.status_code == 200
    return response.context  # type: ignore[return-value]


def test_the_unit_sees_what_waits_for_acceptance_and_what_it_handles(client, cw):
    waiting = advance(file_complaint(cw, title="待受理").complaint, cw, ComplaintState.ASSIGNED)
    in_hand = advance(file_complaint(cw, title="办理中").complaint, cw, ComplaintState.HANDLING)
    file_complaint(cw, title="未转办")  # still at the desk: not the unit's yet
    context = inbox(client, cw, "handler")
    assert [complaint.pk for complaint in context["awaiting"]] == [waiting.pk]
    assert [complaint.pk for complaint in context["in_hand"]] == [in_hand.pk]
    assert context["counts"]["awaiting"] == 1 and context["counts"]["in_hand"] == 1
    # The objection clock is 5 working days from routing (Art. 23); the handling clock runs.
    assert context["awaiting"][0].due_text and context["in_hand"][0].due_text
    content = client.get(reverse(INBOX)).content.decode()
    assert "待受理" in content and "办理中" in content and "未转办" not in content


def test_overdue_complaints_are_counted_and_marked(client, cw):
    late = advance(file_complaint(cw, title="逾期").complaint, cw, ComplaintState.HANDLING)
    advance(file_complaint(cw, title="按期").complaint, cw, ComplaintState.HANDLING)
    Clock.objects.filter(
        content_type=ContentType.objects.get_for_model(Complaint), object_id=late.pk
    ).update(due=timezone.now() - dt.timedelta(days=2))
    context = inbox(client, cw, "leader")
    assert context["counts"]["overdue"] == 1
    assert [complaint.late for complaint in context["in_hand"]] == [True, False]
    assert "overdue since" in client.get(reverse(INBOX)).content.decode()


def test_open_tasks_of_the_unit_are_listed_soonest_first(client, cw):
    complaint = advance(file_complaint(cw).complaint, cw, ComplaintState.HANDLING)
    soon, later = (
        HandlingTask.objects.create(
            complaint=complaint, department=cw.other_unit, role="assisting", instructions=text,
            due=timezone.now() + dt.timedelta(days=days), assigned_by=cw.user("handler"),
            state="open",
        )
        for text, days in (("测量噪声", 2), ("出具报告", 9))
    )  # fmt: skip
    HandlingTask.objects.create(
        complaint=complaint, department=cw.other_unit, role="assisting", instructions="已完成",
        due=timezone.now(), assigned_by=cw.user("handler"), state="done",
    )  # fmt: skip
    context = inbox(client, cw, "assistant")
    assert [task.pk for task in context["tasks"]] == [soon.pk, later.pk]
    assert context["counts"]["tasks"] == 2
    # The assisting unit is not the lead: the complaint is not in its own lists.
    assert context["counts"]["awaiting"] == 0 and context["counts"]["in_hand"] == 0


def test_other_units_see_nothing_of_the_units_work(client, cw):
    advance(file_complaint(cw).complaint, cw, ComplaintState.HANDLING)
    for persona in ("assistant", "respondent"):
        context = inbox(client, cw, persona)
        assert context["counts"] == {
            "awaiting": 0, "in_hand": 0, "overdue": 0, "tasks": 0, "tasks_overdue": 0,
        }  # fmt: skip


def test_no_handling_role_is_403_and_anonymous_goes_to_login(client, cw):
    client.force_login(cw.world.user("no_permission"))
    assert client.get(reverse(INBOX)).status_code == 403
    client.logout()
    response = client.get(reverse(INBOX))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_the_inbox_never_shows_who_complained(client, cw):
    advance(file_complaint(cw).complaint, cw, ComplaintState.HANDLING)
    client.force_login(cw.user("handler"))
    content = client.get(reverse(INBOX)).content.decode()
    assert "张三" not in content and "13800000000" not in content and "凌晨" not in content
