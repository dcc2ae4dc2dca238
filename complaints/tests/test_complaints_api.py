"""`/api/v1/complaints/`: the four permission cases of the generic suites, registration by a
clerk (receipt code and password once), transitions with the version and stable error codes,
the audited complainants endpoint, and a list whose query count does not grow with the page."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from complaints.api.serializers import PROTECTED_FIELDS
from complaints.choices import ComplaintState
from complaints.models import Category, Complainant, Complaint, ComplaintOriginal
from complaints.services.intake import password_matches
from complaints.tests.factories import ComplaintWorld, advance, complaint_world, file_complaint
from core.models import AuditEntry
from testing.api import UNSCOPED, ListTests, RetrieveTests, token_client
from testing.world import World

pytestmark = pytest.mark.django_db

IDENTITY_TEXT = ("张三", "13800000000", "某路1号", "凌晨")


class TestComplaintAPI(ListTests, RetrieveTests):
    model = Complaint
    basename = "complaint"

    def set_up(self, world: World) -> None:
        self.cw = complaint_world(world)
        self.inside = file_complaint(self.cw, title="甲镇噪声").complaint
        self.outside = file_complaint(self.cw, title="乙镇噪声", region=world.grid_b).complaint

    def in_scope(self) -> Complaint:
        return self.inside

    def out_of_scope(self) -> Complaint:
        return self.outside

    def as_persona(self, persona: str) -> Any:
        return token_client(self.cw.user(persona))

    def test_list_and_detail_never_carry_identity_or_secrets(self) -> None:
        client = self.client(UNSCOPED)
        listing = client.get(self.list_url()).content.decode()
        detail = client.get(self.detail_url(self.inside)).json()
        for text in IDENTITY_TEXT:
            assert text not in listing and text not in str(detail)
        assert not PROTECTED_FIELDS & set(detail)
        assert detail["answers"] == [{"code": "when", "question": detail["answers"][0]["question"],
                                      "value": "night"}]  # fmt: skip

    def test_filters_and_ordering(self) -> None:
        routed = advance(file_complaint(self.cw, title="已转").complaint, self.cw, "assigned")
        client = self.client(UNSCOPED)
        rows = client.get(self.list_url(), {"state": "assigned"}).json()["results"]
        assert [row["id"] for row in rows] == [routed.pk]
        rows = client.get(self.list_url(), {"region": self.cw.world.township_b.pk}).json()
        assert {row["id"] for row in rows["results"]} == {self.outside.pk}
        ordered = client.get(self.list_url(), {"ordering": "number"}).json()["results"]
        numbers = [row["number"] for row in ordered]
        assert numbers == sorted(numbers)

    # --- create ---------------------------------------------------------------------------

    def create_data(self, region: Any = None) -> dict[str, Any]:
        return {
            "channel": "letter",
            "category": Category.objects.get(code="CITY-NOISE").pk,
            "region": (region or self.cw.world.grid_a).pk,
            "title": "广场舞噪声",
            "summary": "夜间广场舞音响过大",
            "original_text": "我叫李四，每晚十点后还在跳。",
            "complainants": [{"name": "李四", "phone": "13900000000", "address": "某路2号"}],
            "respondents": [{"department": self.cw.respondent_unit.pk}],
            "answers": {"when": "night"},
        }

    def test_a_clerk_registers_a_complaint_and_gets_the_password_once(self) -> None:
        response = self.as_persona("clerk").post(self.list_url(), self.create_data(), "json")
        assert response.status_code == 201, response.content
        body = response.json()
        complaint = Complaint.objects.get(pk=body["id"])
        assert body["number"] == complaint.number and body["receipt_code"] == complaint.receipt_code
        assert password_matches(complaint, body["query_password"])
        assert complaint.state == ComplaintState.RECEIVED
        assert Complainant.objects.get(complaint=complaint).name == "李四"
        assert ComplaintOriginal.objects.get(complaint=complaint).text.startswith("我叫李四")
        assert AuditEntry.objects.filter(object_id=str(complaint.pk), source="api").exists()
        again = self.as_persona("clerk").get(self.detail_url(complaint)).json()
        assert "query_password" not in again and "李四" not in str(again)

    def test_create_without_the_permission_is_403(self) -> None:
        before = Complaint.objects.count()
        response = self.as_persona("handler").post(self.list_url(), self.create_data(), "json")
        assert response.status_code == 403
        assert Complaint.objects.count() == before

    def test_create_outside_the_clerks_region_is_400_and_writes_nothing(self) -> None:
        before, entries = Complaint.objects.count(), AuditEntry.objects.count()
        data = self.create_data(region=self.cw.world.grid_a)
        response = self.as_persona("clerk_b").post(self.list_url(), data, "json")
        assert response.status_code == 400
        assert Complaint.objects.count() == before and AuditEntry.objects.count() == entries

    def test_create_with_too_many_representatives_is_400(self) -> None:
        data = self.create_data()
        data["complainants"] = [{"name": f"代表{i}", "is_representative": True} for i in range(6)]
        response = self.as_persona("clerk").post(self.list_url(), data, "json")
        assert response.status_code == 400
        assert "5" in response.content.decode()

    def test_a_missing_required_answer_is_400_with_the_question(self) -> None:
        data = {**self.create_data(), "answers": {}}
        rows = Complaint.objects.count()
        response = self.as_persona("clerk").post(self.list_url(), data, "json")
        assert response.status_code == 400, response.content
        assert "噪声主要出现在什么时段" in response.content.decode()
        assert Complaint.objects.count() == rows

    # --- transitions ----------------------------------------------------------------------

    def transition_url(self, complaint: Complaint, name: str) -> str:
        return reverse("api:complaint-transition", args=[complaint.pk, name])

    def test_route_then_accept_with_the_version(self) -> None:
        complaint = self.inside
        response = self.as_persona("clerk").post(
            self.transition_url(complaint, "route"),
            {"version": complaint.version,
             "data": {"department": self.cw.unit.pk, "summary": "夜间施工"}},
            "json",
        )  # fmt: skip
        assert response.status_code == 200, response.content
        assert response.json()["state"] == "assigned"
        version = response.json()["version"]
        response = self.as_persona("handler").post(
            self.transition_url(complaint, "accept"),
            {"version": version,
             "data": {"handler": self.cw.user("handler").pk}},
            "json",
        )  # fmt: skip
        assert response.status_code == 200, response.content
        assert response.json()["state"] == "handling"
        assert response.json()["next_due"] is not None  # the handling clock runs

    def test_a_stale_version_is_409_and_changes_nothing(self) -> None:
        entries = AuditEntry.objects.count()
        Complaint.objects.filter(pk=self.inside.pk).update(version=7)
        response = self.as_persona("clerk").post(
            self.transition_url(self.inside, "route"),
            {"version": 1,
             "data": {"department": self.cw.unit.pk, "summary": "x"}},
            "json",
        )  # fmt: skip
        assert response.status_code == 409
        assert response.json()["code"] == "version_conflict"
        assert AuditEntry.objects.count() == entries

    def test_routing_to_the_respondent_is_400_with_the_reason(self) -> None:
        response = self.as_persona("clerk").post(
            self.transition_url(self.inside, "route"),
            {"version": self.inside.version,
             "data": {"department": self.cw.respondent_unit.pk, "summary": "x"}},
            "json",
        )  # fmt: skip
        assert response.status_code == 400
        assert response.json()["code"] == "precondition_failed"
        assert "complained about" in response.json()["detail"]

    def test_an_unknown_transition_and_an_unknown_unit_are_400(self) -> None:
        client = self.as_persona("clerk")
        unknown = client.post(self.transition_url(self.inside, "fly"), {"version": 1}, "json")
        assert unknown.status_code == 400 and unknown.json()["code"] == "unknown_transition"
        bad_unit = client.post(
            self.transition_url(self.inside, "route"),
            {"version": 1, "data": {"department": 99999, "summary": "x"}},
            "json",
        )
        assert bad_unit.status_code == 400 and bad_unit.json()["code"] == "precondition_failed"

    def test_a_transition_without_the_role_is_403_and_out_of_scope_is_404(self) -> None:
        body = {"version": 1, "data": {"department": self.cw.unit.pk}}
        url = self.transition_url(self.inside, "route")
        response = self.as_persona("handler").post(url, body, "json")
        assert response.status_code in (403, 404)
        response = self.as_persona("clerk_b").post(url, body, "json")
        assert response.status_code == 404

    # --- identity -------------------------------------------------------------------------

    def complainants_url(self, complaint: Complaint) -> str:
        return reverse("api:complaint-complainants", args=[complaint.pk])

    def test_complainants_are_shown_to_the_desk_and_each_showing_is_audited(self) -> None:
        views = AuditEntry.objects.filter(action="view").count()
        response = self.as_persona("clerk").get(self.complainants_url(self.inside))
        assert response.status_code == 200
        assert response.json()[0]["name"] == "张三"
        assert AuditEntry.objects.filter(action="view").count() == views + 1

    def test_complainants_are_404_for_the_respondent_and_403_without_the_grant(self) -> None:
        views = AuditEntry.objects.filter(action="view").count()
        response = self.as_persona("respondent").get(self.complainants_url(self.inside))
        assert response.status_code == 404
        assert "张三" not in response.content.decode()
        response = self.as_persona("supervisor").get(self.complainants_url(self.inside))
        assert response.status_code == 403
        response = self.as_persona("clerk_b").get(self.complainants_url(self.inside))
        assert response.status_code == 404
        assert AuditEntry.objects.filter(action="view").count() == views


def test_list_query_count_is_constant_for_a_clerk(world: World) -> None:
    cw: ComplaintWorld = complaint_world(world)
    client = token_client(cw.user("clerk"))
    url = reverse("api:complaint-list")
    file_complaint(cw)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).json()["count"] == 1
    for n in range(4):
        advance(file_complaint(cw, title=f"件{n}").complaint, cw, "handling")
    with CaptureQueriesContext(connection) as five:
        assert client.get(url).json()["count"] == 5
    assert len(five) == len(one), [q["sql"] for q in five.captured_queries]
