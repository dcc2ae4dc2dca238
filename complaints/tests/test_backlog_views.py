"""Backlog pages: the list and ledger (scoped, no identity), the plan and the resolution."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from complaints.choices import BacklogState, ComplaintState
from complaints.models import BacklogCase, Complaint
from complaints.services.backlog import designate_due_backlog
from complaints.tests.factories import ComplaintWorld, advance, complaint_world, file_complaint
from core.models import User
from testing.views import export_text


@pytest.fixture
def cw(world) -> ComplaintWorld:  # type: ignore[no-untyped-def]
    return complaint_world(world)


@pytest.fixture
def backlog(cw: ComplaintWorld) -> BacklogCase:
    complaint = advance(file_complaint(cw).complaint, cw, ComplaintState.HANDLING)
    Complaint.objects.filter(pk=complaint.pk).update(repeat_count=3)
    [designated] = designate_due_backlog()
    return designated


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_list_shows_backlog_cases_in_scope_only(cw, backlog):
    url = reverse("complaints:backlogcase_list")
    page = client_for(cw.user("supervisor")).get(url)
    assert page.status_code == 200 and backlog.complaint.number in page.content.decode()
    other = client_for(cw.user("clerk_b")).get(url)
    assert other.status_code == 200 and backlog.complaint.number not in other.content.decode()
    assert client_for(cw.world.user("no_permission")).get(url).status_code == 403


def test_the_detail_page_is_404_out_of_scope_and_for_the_unit_complained_about(cw, backlog):
    url = reverse("complaints:backlogcase_detail", args=[backlog.pk])
    assert client_for(cw.user("leader")).get(url).status_code == 200
    assert client_for(cw.user("clerk_b")).get(url).status_code == 404
    assert client_for(cw.user("respondent")).get(url).status_code == 404


def test_the_ledger_export_has_the_plan_and_never_the_complainant(cw, backlog):
    backlog.plan = "约谈施工单位"
    backlog.save()
    for export_format in ("csv", "xlsx"):
        response = client_for(cw.user("supervisor")).get(
            reverse("complaints:backlogcase_list"), {"export": export_format}
        )
        assert response.status_code == 200
        text = export_text(response)
        assert backlog.complaint.number in text and "约谈施工单位" in text
        assert "张三" not in text and "13800000000" not in text


def test_the_unit_leader_sets_the_plan_and_resolves(cw, backlog):
    leader, url = cw.user("leader"), reverse("complaints:backlogcase_detail", args=[backlog.pk])
    client, target = client_for(leader), timezone.localdate() + dt.timedelta(days=30)
    response = client.post(
        url,
        {"action": "plan", "responsible_leader": leader.pk, "plan": "夜间停工，每周巡查。",
         "target_date": target.isoformat()},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()
    backlog.refresh_from_db()
    assert backlog.target_date == target and backlog.responsible_leader == leader
    response = client.post(url, {"action": "resolve", "resolution": "已停工，回访满意。"})
    assert response.status_code == 302
    backlog.refresh_from_db()
    assert backlog.state == BacklogState.RESOLVED


def test_a_plan_without_its_parts_is_refused_with_field_errors(cw, backlog):
    url = reverse("complaints:backlogcase_detail", args=[backlog.pk])
    response = client_for(cw.user("supervisor")).post(url, {"action": "plan", "plan": ""})
    assert response.status_code == 400
    assert 'data-error-for="plan"' in response.content.decode()


def test_handling_staff_may_not_plan(cw, backlog):
    url = reverse("complaints:backlogcase_detail", args=[backlog.pk])
    response = client_for(cw.user("handler")).post(url, {"action": "resolve", "resolution": "x"})
    assert response.status_code == 403
    backlog.refresh_from_db()
    assert backlog.state == BacklogState.OPEN


def test_the_complaint_page_links_its_backlog_case(cw, backlog):
    page = client_for(cw.user("supervisor")).get(backlog.complaint.get_absolute_url())
    assert page.status_code == 200
    assert reverse("complaints:backlogcase_detail", args=[backlog.pk]) in page.content.decode()
