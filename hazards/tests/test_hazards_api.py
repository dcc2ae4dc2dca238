"""`/api/v1/hazards/`, governance plans and interim controls: the four permission cases of
the generic suites, transitions with the version, and a list that does not grow per row."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from core.models import Attachment, AuditEntry
from hazards.choices import HazardState
from hazards.models import GovernancePlan, Hazard, InterimControl
from hazards.services.hazards import record_interim_control, report_hazard, save_governance_plan
from hazards.tests.test_inspections import PNG
from testing.api import UNSCOPED, CreateTests, ListTests, RetrieveTests, token_client
from testing.world import World

pytestmark = pytest.mark.django_db


def in_days(days: int) -> dt.datetime:
    return timezone.now() + dt.timedelta(days=days)


def hazard_at(world: World, township: str, title: str, **extra: Any) -> Hazard:
    premises = world.premises_a if township == "township_a" else world.premises_b
    return report_hazard(
        user=world.user(township), premises=premises, title=title, source="ad_hoc", **extra
    )


class TestHazardAPI(ListTests, RetrieveTests, CreateTests):
    model = Hazard
    basename = "hazard"

    def set_up(self, world: World) -> None:
        self.inside = hazard_at(world, "township_a", "甲镇隐患", rectify_by=in_days(5))
        self.outside = hazard_at(world, "township_b", "乙镇隐患", rectify_by=in_days(5))

    def in_scope(self) -> Hazard:
        return self.inside

    def out_of_scope(self) -> Hazard:
        return self.outside

    def create_data(self) -> dict[str, Any]:
        return {"premises": self.world.premises_a.pk, "title": "配电箱无盖", "source": "ad_hoc"}

    def out_of_scope_create_data(self) -> dict[str, Any]:
        return {"premises": self.world.premises_b.pk, "title": "越界", "source": "ad_hoc"}

    def test_hazards_cannot_be_edited_or_deleted_directly(self) -> None:
        client = self.client(UNSCOPED)
        assert client.patch(self.detail_url(self.inside), {"title": "x"}, "json").status_code == 405
        assert client.delete(self.detail_url(self.inside)).status_code == 405

    def test_the_list_row_is_slim(self) -> None:
        row = self.client(UNSCOPED).get(self.list_url()).json()["results"][0]
        assert "premises_name" in row and "rectification_note" not in row

    def test_filter_by_state_and_overdue(self) -> None:
        late = hazard_at(
            self.world, "township_a", "逾期", rectify_by=timezone.now() - dt.timedelta(hours=2)
        )
        client = self.client("township_a")
        ids = {r["id"] for r in client.get(self.list_url(), {"overdue": "true"}).json()["results"]}
        assert ids == {late.pk}
        rows = client.get(self.list_url(), {"state": "rectifying"}).json()["results"]
        assert {r["id"] for r in rows} == {late.pk, self.inside.pk}

    def transition_url(self, hazard: Hazard, name: str) -> str:
        return reverse("api:hazard-transition", args=[hazard.pk, name])

    def test_a_transition_with_the_current_version_moves_the_hazard(self) -> None:
        hazard = hazard_at(self.world, "township_a", "未分级")
        response = self.client("township_a").post(
            self.transition_url(hazard, "grade"),
            {
                "version": hazard.version,
                "data": {"grade": "general", "rectify_by": in_days(3).isoformat()},
            },
            "json",
        )
        assert response.status_code == 200, response.content
        assert response.json()["state"] == HazardState.GRADED
        assert response.json()["version"] == hazard.version + 1

    def test_a_stale_version_is_409_and_changes_nothing(self) -> None:
        hazard = hazard_at(self.world, "township_a", "未分级")
        Hazard.objects.filter(pk=hazard.pk).update(version=5)
        entries = AuditEntry.objects.count()
        response = self.client("township_a").post(
            self.transition_url(hazard, "grade"),
            {"version": 1, "data": {"grade": "major", "rectify_by": in_days(3).isoformat()}},
            "json",
        )
        assert response.status_code == 409
        assert response.json()["code"] == "version_conflict"
        assert AuditEntry.objects.count() == entries

    def test_rectified_without_evidence_is_400_with_a_code(self) -> None:
        response = self.client("enterprise").post(
            self.transition_url(self.inside, "rectify"),
            {"version": self.inside.version, "data": {"rectification_note": "好了"}},
            "json",
        )
        assert response.status_code == 400
        assert response.json()["code"] == "missing_attachments"

    def test_rectified_with_evidence_and_verified_by_another_user_through_the_api(
        self,
    ) -> None:
        # Given a hazard being rectified at premises A,
        # when the enterprise's officer reports it rectified with two photos (multipart),
        photos = [SimpleUploadedFile(f"after-{n}.png", PNG, "image/png") for n in (1, 2)]
        body = {"version": self.inside.version, "rectification_note": "已更换配电箱盖板",
                "evidence": photos}  # fmt: skip
        rectified = self.client("enterprise").post(
            self.transition_url(self.inside, "rectify"), body, format="multipart"
        )
        assert rectified.status_code == 200, rectified.content
        assert rectified.json()["state"] == HazardState.RECTIFIED
        evidence = Attachment.objects.of(self.inside).filter(kind="evidence")
        assert evidence.count() == 2
        # the officer who reported it cannot verify it (four eyes), whatever their role,
        version = rectified.json()["version"]
        own = self.client("enterprise").post(
            self.transition_url(self.inside, "verify"), {"version": version, "data": {}}, "json"
        )
        assert own.status_code in (400, 403) and "code" in own.json()
        # then township A's staff verify it, and the evidence is still there.
        verified = self.client("township_a").post(
            self.transition_url(self.inside, "verify"),
            {"version": version, "data": {"verification_note": "现场核实，已整改"}},
            "json",
        )
        assert verified.status_code == 200, verified.content
        body = verified.json()
        assert body["state"] == HazardState.VERIFIED
        assert body["verified_by"] == self.world.user("township_a").pk
        assert body["rectified_by"] != body["verified_by"]
        assert evidence.count() == 2

    def test_a_refused_rectification_keeps_no_evidence(self) -> None:
        photo = SimpleUploadedFile("after.png", PNG, "image/png")
        refused = self.client("enterprise").post(
            self.transition_url(self.inside, "rectify"),
            {"version": self.inside.version, "evidence": [photo]},  # no note: refused
            format="multipart",
        )
        assert refused.status_code == 400 and refused.json()["code"] == "missing_fields"
        assert not Attachment.objects.of(self.inside).exists()

    def test_files_a_step_does_not_take_are_refused(self) -> None:
        photo = SimpleUploadedFile("x.png", PNG, "image/png")
        response = self.client("township_a").post(
            self.transition_url(self.inside, "reject"),
            {"version": self.inside.version, "evidence": [photo]},
            format="multipart",
        )
        assert response.status_code in (400, 409) and "code" in response.json()
        assert not Attachment.objects.of(self.inside).exists()

    def test_a_transition_outside_the_scope_is_404(self) -> None:
        response = self.client("township_a").post(
            self.transition_url(self.outside, "rectify"), {"version": 1, "data": {}}, "json"
        )
        assert response.status_code == 404

    def test_a_transition_without_the_role_is_403(self) -> None:
        response = self.client(UNSCOPED).post(
            self.transition_url(self.inside, "verify"), {"version": 1}, "json"
        )
        assert response.status_code == 409  # rectifying: verify is not possible yet
        response = self.client("auditor").post(
            self.transition_url(self.inside, "rectify"), {"version": 1}, "json"
        )
        assert response.status_code == 403


class TestGovernancePlanAPI(ListTests, RetrieveTests):
    model = GovernancePlan
    basename = "governanceplan"

    def set_up(self, world: World) -> None:
        self.major_a = hazard_at(world, "township_a", "危房甲", grade="major")
        self.major_b = hazard_at(world, "township_b", "危房乙", grade="major")
        self.plan_a = self.plan(self.major_a)
        self.plan_b = self.plan(self.major_b)

    def plan(self, hazard: Hazard) -> GovernancePlan:
        return save_governance_plan(user=self.world.user(UNSCOPED), hazard=hazard, **self.parts())

    def parts(self) -> dict[str, Any]:
        return {
            "goals_and_tasks": "加固",
            "methods_and_measures": "钢结构",
            "funds_and_materials": "50万",
            "responsible_body_and_people": "校长",
            "deadline": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
            "deadline_requirements": "30日",
            "safety_and_emergency": "停用",
        }

    def in_scope(self) -> GovernancePlan:
        return self.plan_a

    def out_of_scope(self) -> GovernancePlan:
        return self.plan_b

    def test_the_enterprise_writes_its_plan_and_revises_it(self) -> None:
        hazard = hazard_at(self.world, "township_a", "危房丙", grade="major")
        client = self.client("enterprise")
        url = reverse("api:governanceplan-list")
        response = client.post(url, {"hazard": hazard.pk, **self.parts()}, "json")
        assert response.status_code == 201, response.content
        again = client.post(
            url, {"hazard": hazard.pk, **self.parts(), "funds_and_materials": "80万"}, "json"
        )
        assert again.status_code == 201, again.content
        assert GovernancePlan.objects.get(hazard=hazard).funds_and_materials == "80万"

    def test_a_general_hazard_gets_no_plan(self) -> None:
        hazard = hazard_at(self.world, "township_a", "一般", grade="general")
        response = self.client("enterprise").post(
            reverse("api:governanceplan-list"), {"hazard": hazard.pk, **self.parts()}, "json"
        )
        assert response.status_code == 400
        assert response.json()["code"] == "not_major"

    def test_no_plan_for_a_hazard_outside_the_scope(self) -> None:
        response = self.client("enterprise").post(
            reverse("api:governanceplan-list"), {"hazard": self.major_b.pk, **self.parts()}, "json"
        )
        assert response.status_code == 400
        assert GovernancePlan.objects.count() == 2


class TestInterimControlAPI(ListTests, RetrieveTests):
    model = InterimControl
    basename = "interimcontrol"

    def set_up(self, world: World) -> None:
        root = world.user(UNSCOPED)
        major_a = hazard_at(world, "township_a", "危房甲", grade="major")
        major_b = hazard_at(world, "township_b", "危房乙", grade="major")
        self.control_a = record_interim_control(user=root, hazard=major_a, kind="cordon")
        self.control_b = record_interim_control(user=root, hazard=major_b, kind="cordon")
        self.major_a = major_a

    def in_scope(self) -> InterimControl:
        return self.control_a

    def out_of_scope(self) -> InterimControl:
        return self.control_b

    def test_record_and_lift_a_measure(self) -> None:
        client = self.client("township_a")
        response = client.post(
            reverse("api:interimcontrol-list"),
            {"hazard": self.major_a.pk, "kind": "workers_withdrawn", "description": "撤人"},
            "json",
        )
        assert response.status_code == 201, response.content
        lifted = client.post(reverse("api:interimcontrol-lift", args=[response.json()["id"]]))
        assert lifted.status_code == 200
        assert lifted.json()["lifted_at"]
        again = client.post(reverse("api:interimcontrol-lift", args=[response.json()["id"]]))
        assert again.status_code == 400
        assert again.json()["code"] == "already_lifted"


def test_a_hazard_found_in_the_future_is_refused_and_not_stored(world: World) -> None:
    client = token_client(world.user("township_a"))
    body = {
        "premises": world.premises_a.pk, "title": "配电箱无盖", "source": "ad_hoc",
        "found_at": in_days(30).isoformat(),
    }  # fmt: skip
    response = client.post(reverse("api:hazard-list"), body, "json")
    assert response.status_code == 400, response.content
    assert "found_at" in response.json() or "future" in response.content.decode()
    assert not Hazard.objects.filter(title="配电箱无盖").exists()
