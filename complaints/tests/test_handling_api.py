"""Handling API: tasks, transfers and notes in the generic four permission cases, and the
handling actions on a complaint (route, transfer, object, accept, refer, extend, referral
result)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from complaints.choices import ComplaintState, TaskRole
from complaints.models import CaseNote, Complaint, HandlingTask, Transfer
from complaints.services import handling
from complaints.tests.factories import ComplaintWorld, complaint_world, file_complaint
from core.models import AuditEntry
from testing.api import (
    APIViewTestCases,
    CreateTests,
    ListTests,
    RetrieveTests,
    token_client,
)
from testing.world import World

pytestmark = pytest.mark.django_db


def in_days(days: int) -> dt.datetime:
    return timezone.now() + dt.timedelta(days=days)


def accepted_by(cw: ComplaintWorld, unit: str, handler: str) -> Complaint:
    complaint = file_complaint(cw).complaint
    complaint = handling.route(complaint, cw.user("clerk"), getattr(cw, unit), "摘要", "")
    return handling.accept(complaint, cw.user(handler))


class HandlingWorld:
    """Complaint 1 is with the unit of `leader` and `handler`; complaint 2 with the other unit, out
    of their scope."""

    world: World

    def set_up(self, world: World) -> None:
        self.cw = complaint_world(world)
        world.users.update(self.cw.users)
        self.complaint1 = accepted_by(self.cw, "unit", "handler")
        self.complaint2 = accepted_by(self.cw, "other_unit", "assistant")


class TestTaskAPI(HandlingWorld, ListTests, RetrieveTests, CreateTests):
    model = HandlingTask
    basename = "handlingtask"
    scoped_persona = "leader"

    def set_up(self, world: World) -> None:
        super().set_up(world)
        cw = self.cw
        self.inside = handling.assign_task(
            self.complaint1, cw.user("leader"), cw.unit, TaskRole.LEAD, "牵头核查", in_days(10)
        )
        self.outside = handling.assign_task(
            self.complaint2, cw.user("assistant"), cw.other_unit, TaskRole.LEAD, "牵头", in_days(10)
        )

    def in_scope(self) -> HandlingTask:
        return self.inside

    def out_of_scope(self) -> HandlingTask:
        return self.outside

    def create_data(self) -> dict[str, Any]:
        return {
            "complaint": self.complaint1.pk,
            "department": self.cw.other_unit.pk,
            "role": "assisting",
            "instructions": "提供资料",
            "due": in_days(5).isoformat(),
        }

    def out_of_scope_create_data(self) -> dict[str, Any]:
        return {**self.create_data(), "complaint": self.complaint2.pk}

    def test_a_task_for_the_unit_complained_about_is_400_and_writes_nothing(self) -> None:
        entries = AuditEntry.objects.count()
        data = {**self.create_data(), "department": self.cw.respondent_unit.pk}
        response = self.client("leader").post(self.list_url(), data, "json")
        assert response.status_code == 400
        assert "the one complained about" in response.json()["detail"]
        assert AuditEntry.objects.count() == entries

    def test_complete_and_cancel(self) -> None:
        url = reverse("api:handlingtask-transition", args=[self.inside.pk, "complete"])
        empty = {"version": 1, "data": {"result": ""}}
        assert self.client("handler").post(url, empty, "json").status_code == 400
        done = self.client("handler").post(
            url, {"version": 1, "data": {"result": "已核查"}}, "json"
        )
        assert done.status_code == 200 and done.json()["state"] == "done"
        again = self.client("handler").post(url, {"version": 2, "data": {"result": "再报"}}, "json")
        assert again.status_code == 409 and again.json()["code"] == "invalid_state"
        # Out of scope: 404, whatever the action.
        cancel = reverse("api:handlingtask-transition", args=[self.outside.pk, "cancel"])
        assert self.client("leader").post(cancel, {"version": 1}, "json").status_code == 404
        assert self.client("assistant").post(cancel, {"version": 1}, "json").status_code == 403


class TestTransferAPI(HandlingWorld, APIViewTestCases.ReadOnlyAPIViewTestCase):
    model = Transfer
    basename = "transfer"
    scoped_persona = "leader"

    def in_scope(self) -> Transfer:
        return Transfer.objects.get(complaint=self.complaint1)

    def out_of_scope(self) -> Transfer:
        return Transfer.objects.get(complaint=self.complaint2)


class TestNoteAPI(HandlingWorld, ListTests, RetrieveTests, CreateTests):
    model = CaseNote
    basename = "casenote"
    scoped_persona = "handler"

    def set_up(self, world: World) -> None:
        super().set_up(world)
        self.inside = handling.add_note(self.complaint1, self.cw.user("handler"), "张三来电", False)
        self.public = handling.add_note(self.complaint1, self.cw.user("handler"), "已核查", True)
        self.outside = handling.add_note(self.complaint2, self.cw.user("assistant"), "内部", False)

    def in_scope(self) -> CaseNote:
        return self.inside

    def out_of_scope(self) -> CaseNote:
        return self.outside

    def create_data(self) -> dict[str, Any]:
        return {"complaint": self.complaint1.pk, "text": "已联系施工方", "for_complainant": False}

    def out_of_scope_create_data(self) -> dict[str, Any]:
        return {**self.create_data(), "complaint": self.complaint2.pk}

    def test_the_unit_complained_about_reads_only_what_the_complainant_is_told(self) -> None:
        rows = self.client("respondent").get(self.list_url()).json()["results"]
        assert {row["id"] for row in rows} == {self.public.pk}
        hidden = self.client("respondent").get(self.detail_url(self.inside))
        assert hidden.status_code == 404
        response = self.client("respondent").post(
            self.list_url(), {**self.create_data(), "for_complainant": True}, "json"
        )
        assert response.status_code == 403


@pytest.fixture
def cw(world: World) -> ComplaintWorld:
    return complaint_world(world)


def act(cw: ComplaintWorld, persona: str, complaint: Complaint, step: str, data: dict) -> Any:
    """A step on the complaint through the one transition endpoint, with the version last read
    (the stored one when the test gives none)."""
    values = dict(data)
    version = values.pop("version", None) or Complaint.objects.get(pk=complaint.pk).version
    client = token_client(cw.user(persona))
    if step == "referral-result":
        url = reverse("api:referral-result", args=[complaint.pk])
        return client.post(url, {**values, "version": version}, "json")
    url = reverse("api:complaint-transition", args=[complaint.pk, step])
    return client.post(url, {"version": version, "data": values}, "json")


def test_route_transfer_object_and_accept_through_the_api(cw: ComplaintWorld) -> None:
    complaint = file_complaint(cw).complaint
    to_respondent = {"department": cw.respondent_unit.pk, "summary": "摘要"}
    refused = act(cw, "clerk", complaint, "route", {**to_respondent, "version": complaint.version})
    assert refused.status_code == 400 and refused.json()["code"] == "precondition_failed"
    assert "the one complained about" in refused.json()["detail"]
    routed = act(cw, "clerk", complaint, "route", {"department": cw.unit.pk, "summary": "摘要",
                                              "version": complaint.version})  # fmt: skip
    assert routed.status_code == 200, routed.content
    body = routed.json()
    assert (body["state"], body["department"]) == ("assigned", cw.unit.pk)
    assert "complainants" not in body and "张三" not in routed.content.decode()
    back = act(cw, "handler", complaint, "object_remit",
               {"objection_reason": "不属本单位", "version": body["version"]})  # fmt: skip
    assert back.status_code == 200 and back.json()["transfer_count"] == 1
    again = act(
        cw, "clerk", complaint, "route", {"department": cw.other_unit.pk, "summary": "摘要"}
    )
    assert again.status_code == 200
    taken = act(cw, "assistant", complaint, "accept", {})
    assert taken.json()["state"] == "handling"
    moved = act(cw, "clerk", complaint, "transfer", {"department": cw.unit.pk, "reason": "改交"})
    assert (moved.json()["state"], moved.json()["transfer_count"]) == ("assigned", 2)
    to_respondent = act(cw, "clerk", complaint, "transfer",
                        {"department": cw.respondent_unit.pk, "reason": "转"})  # fmt: skip
    assert to_respondent.status_code == 400


def test_scoping_of_the_actions(cw: ComplaintWorld) -> None:
    complaint = file_complaint(cw).complaint
    outside = act(cw, "clerk_b", complaint, "route", {"department": cw.unit.pk, "summary": "x"})
    assert outside.status_code == 404
    no_role = act(cw, "no_permission", complaint, "route", {"department": cw.unit.pk})
    assert no_role.status_code == 403
    respondent = act(cw, "respondent", complaint, "route", {"department": cw.unit.pk})
    assert respondent.status_code == 403 and respondent.json()["code"] == "transition_forbidden"
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.RECEIVED


def test_extend_refer_and_referral_result_through_the_api(cw: ComplaintWorld) -> None:
    complaint = accepted_by(cw, "unit", "handler")
    assert (
        act(
            cw, "leader", complaint, "extend", {"extension_days": 31, "extension_reason": "x"}
        ).status_code
        == 400
    )
    assert (
        act(
            cw, "leader", complaint, "extend", {"extension_days": 25, "extension_reason": "鉴定"}
        ).status_code
        == 200
    )
    over = act(cw, "leader", complaint, "extend", {"extension_days": 6, "extension_reason": "再延"})
    assert over.status_code == 400 and "5 left" in over.json()["detail"]
    referred = act(
        cw, "clerk", complaint, "refer", {"referral_body": "discipline", "referral_reason": "违纪"}
    )
    assert referred.json()["state"] == "referred"
    client = token_client(cw.user("clerk"))
    waiting = client.get(reverse("api:referral-list"), {"awaiting": "true"}).json()["results"]
    assert [row["id"] for row in waiting] == [complaint.pk]
    result = act(cw, "clerk", complaint, "referral-result", {"result": "纪委已立案"})
    assert result.json()["referral_result"] == "纪委已立案"
    waiting = client.get(reverse("api:referral-list"), {"awaiting": "true"}).json()["results"]
    assert waiting == []
