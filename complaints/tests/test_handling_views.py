"""Handling pages: each form posts through the service; refusals are shown on the form with
their reason and status, and nothing is written; scope: 403 without the role, 404 outside."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from complaints.choices import ComplaintState, TaskState
from complaints.models import CaseNote, Complaint, HandlingTask, Transfer
from complaints.services import handling
from complaints.tests.factories import ComplaintWorld, complaint_world, file_complaint
from core.models import AuditEntry
from testing.world import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def cw(world: World) -> ComplaintWorld:
    return complaint_world(world)


def browser(cw: ComplaintWorld, persona: str) -> Client:
    client = Client()
    client.force_login(cw.user(persona))
    return client


def url(name: str, pk: int) -> str:
    return reverse(f"complaints:{name}", args=[pk])


def accepted(cw: ComplaintWorld) -> Complaint:
    complaint = file_complaint(cw).complaint
    complaint = handling.route(complaint, cw.user("clerk"), cw.unit, "摘要", "")
    return handling.accept(complaint, cw.user("handler"))


def step(complaint: Complaint, name: str) -> str:
    """The complaint's one transition door for pages (workflow.views.TransitionView)."""
    return reverse("complaints:complaint_transition", args=[complaint.pk, name])


def test_the_clerk_routes_from_the_complaint_page(cw: ComplaintWorld) -> None:
    complaint = file_complaint(cw).complaint
    client = browser(cw, "clerk")
    page = client.get(complaint.get_absolute_url()).content.decode()
    assert f'action="{step(complaint, "route")}"' in page and "工地夜间施工，噪声扰民。" in page
    response = client.post(
        step(complaint, "route"),
        {
            "department": cw.unit.pk,
            "summary": "夜间施工",
            "routing_note": "请核查",
            "version": complaint.version,
        },
    )
    assert response.status_code == 302 and response["Location"] == complaint.get_absolute_url()
    complaint.refresh_from_db()
    assert (complaint.state, complaint.department) == (ComplaintState.ASSIGNED, cw.unit)
    assert complaint.routing_note == "请核查"


def test_routing_to_the_unit_complained_about_shows_why_and_writes_nothing(
    cw: ComplaintWorld,
) -> None:
    complaint = file_complaint(cw).complaint
    entries = AuditEntry.objects.count()
    response = browser(cw, "clerk").post(
        step(complaint, "route"),
        {"department": cw.respondent_unit.pk, "summary": "摘要", "version": complaint.version},
        follow=True,
    )
    assert "the one complained about" in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.RECEIVED
    assert AuditEntry.objects.count() == entries


def test_a_stale_page_is_refused_with_reload(cw: ComplaintWorld) -> None:
    complaint = accepted(cw)
    response = browser(cw, "clerk").post(
        step(complaint, "transfer"),
        {"department": cw.other_unit.pk, "reason": "改交", "version": complaint.version - 1},
        follow=True,
    )
    assert "Reload" in response.content.decode()
    assert not Transfer.objects.filter(complaint=complaint, kind="transfer").exists()


def test_no_role_is_403_and_out_of_scope_is_404(cw: ComplaintWorld) -> None:
    complaint = file_complaint(cw).complaint
    route = {"department": cw.unit.pk, "summary": "x", "version": complaint.version}
    assert browser(cw, "no_permission").post(step(complaint, "route"), route).status_code == 403
    # The township B clerk does not reach a complaint of township A.
    outside = browser(cw, "clerk_b")
    assert outside.get(complaint.get_absolute_url()).status_code == 404
    assert outside.post(step(complaint, "route"), route).status_code == 404
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.RECEIVED


def test_a_unit_without_the_role_sees_the_refusal(cw: ComplaintWorld) -> None:
    complaint = file_complaint(cw).complaint
    response = browser(cw, "respondent").post(
        step(complaint, "route"),
        {"department": cw.unit.pk, "summary": "x", "version": complaint.version},
        follow=True,
    )
    assert "named in this complaint" in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.RECEIVED


def test_tasks_from_the_complaint_page_panel_to_done(cw: ComplaintWorld) -> None:
    complaint = accepted(cw)
    leader = browser(cw, "leader")
    detail = leader.get(complaint.get_absolute_url()).content.decode()
    assert 'id="handling-actions"' in detail
    assert url("complaint_task_add", complaint.pk) in detail
    due = (timezone.localtime() + dt.timedelta(days=5)).strftime("%Y-%m-%dT%H:%M")
    response = leader.post(
        url("complaint_task_add", complaint.pk),
        {"department": cw.other_unit.pk, "role": "assisting", "instructions": "提供资料",
         "due": due},
    )  # fmt: skip
    assert response.status_code == 302
    task = HandlingTask.objects.get(complaint=complaint)
    assistant = browser(cw, "assistant")
    assert (
        url("task_complete", task.pk)
        in assistant.get(complaint.get_absolute_url()).content.decode()
    )
    form = assistant.get(url("task_complete", task.pk)).content.decode()
    step = reverse("complaints:handlingtask_transition", args=[task.pk, "complete"])
    assert f'action="{step}"' in form
    done = assistant.post(step, {"result": "已提供", "version": 1})
    assert done.status_code == 302
    task.refresh_from_db()
    assert (task.state, task.result) == (TaskState.DONE, "已提供")


def test_a_task_for_the_unit_complained_about_is_refused_on_the_page(cw: ComplaintWorld) -> None:
    complaint = accepted(cw)
    due = (timezone.localtime() + dt.timedelta(days=5)).strftime("%Y-%m-%dT%H:%M")
    response = browser(cw, "leader").post(
        url("complaint_task_add", complaint.pk),
        {"department": cw.respondent_unit.pk, "role": "assisting", "instructions": "说明",
         "due": due},
    )  # fmt: skip
    assert response.status_code == 400
    assert "cannot be given a task" in response.content.decode()
    assert not HandlingTask.objects.filter(complaint=complaint).exists()


def test_notes_internal_and_for_the_complainant(cw: ComplaintWorld) -> None:
    complaint = accepted(cw)
    handler = browser(cw, "handler")
    handler.post(url("complaint_note_add", complaint.pk), {"text": "内部：联系了施工方"})
    handler.post(
        url("complaint_note_add", complaint.pk), {"text": "已现场核查", "for_complainant": "on"}
    )
    notes = CaseNote.objects.filter(complaint=complaint).order_by("pk")
    assert [(n.text, n.for_complainant) for n in notes] == [
        ("内部：联系了施工方", False),
        ("已现场核查", True),
    ]
    # The unit complained about may not speak to the complainant.
    response = browser(cw, "respondent").post(
        url("complaint_note_add", complaint.pk), {"text": "我们已整改", "for_complainant": "on"}
    )
    assert response.status_code == 403
    assert CaseNote.objects.filter(complaint=complaint).count() == 2


def test_extension_on_the_complaint_page_refuses_more_than_thirty_days(cw: ComplaintWorld) -> None:
    complaint = accepted(cw)
    leader = browser(cw, "leader")

    def extend(days: int, reason: str) -> Any:
        version = Complaint.objects.get(pk=complaint.pk).version
        data = {"extension_days": days, "extension_reason": reason, "version": version}
        return leader.post(step(complaint, "extend"), data, follow=True)

    refused = extend(31, "复杂")
    assert "at most 30 days in total" in refused.content.decode()
    ok = extend(15, "需要鉴定")
    assert ok.redirect_chain[-1][1] == 302
    assert Complaint.objects.get(pk=complaint.pk).version > complaint.version
    more = extend(16, "再延")
    assert "15 already granted, 15 left" in more.content.decode()


def test_referral_and_its_result_through_the_pages(cw: ComplaintWorld) -> None:
    complaint = accepted(cw)
    clerk = browser(cw, "clerk")
    response = clerk.post(
        step(complaint, "refer"),
        {"referral_body": "reconsideration", "referral_reason": "属行政复议",
         "version": complaint.version},
    )  # fmt: skip
    assert response.status_code == 302
    waiting = clerk.get(reverse("complaints:referral_list")).content.decode()
    assert complaint.number in waiting
    assert (
        url("complaint_referral_result", complaint.pk)
        in clerk.get(complaint.get_absolute_url()).content.decode()
    )
    clerk.post(url("complaint_referral_result", complaint.pk), {"result": "复议机关已受理"})
    complaint.refresh_from_db()
    assert complaint.referral_result == "复议机关已受理"
    assert complaint.number not in clerk.get(reverse("complaints:referral_list")).content.decode()
    assert (
        complaint.number
        in clerk.get(reverse("complaints:referral_list") + "?all=1").content.decode()
    )


def test_the_unit_complained_about_gets_the_panel_without_the_complainant(
    cw: ComplaintWorld,
) -> None:
    complaint = accepted(cw)
    page = browser(cw, "respondent").get(complaint.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="handling-actions"' in html
    assert url("complaint_task_add", complaint.pk) not in html, "it hands out no tasks"
    assert "张三" not in html and "13800000000" not in html
