"""`/api/v1/backlog-cases/`: the generic list/retrieve/update suites in their four permission
cases, and resolving."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from complaints.choices import BacklogState, ComplaintState
from complaints.models import BacklogCase, Complaint
from complaints.services.backlog import designate
from complaints.tests.factories import advance, complaint_world, file_complaint
from testing.api import UNSCOPED, ListTests, RetrieveTests, UpdateTests
from testing.world import World, make_user

pytestmark = pytest.mark.django_db


class TestBacklogCaseAPI(ListTests, RetrieveTests, UpdateTests):
    model = BacklogCase
    basename = "backlogcase"
    scoped_persona_for = {"change": "supervisor_a"}

    def set_up(self, world: World) -> None:
        self.cw = complaint_world(world)
        world.users["supervisor_a"] = make_user(
            "supervisor_a", "supervisor", regions=[world.township_a]
        )
        world.users["handler"] = self.cw.user("handler")
        self.inside = self.repeated(world.grid_a)
        self.outside = self.repeated(world.grid_b)

    def repeated(self, region: Any) -> BacklogCase:
        complaint = advance(file_complaint(self.cw, region=region).complaint, self.cw, "handling")
        Complaint.objects.filter(pk=complaint.pk).update(repeat_count=3)
        backlog = designate(Complaint.objects.get(pk=complaint.pk))
        assert backlog is not None
        return backlog

    def in_scope(self) -> BacklogCase:
        return self.inside

    def out_of_scope(self) -> BacklogCase:
        return self.outside

    def update_data(self) -> dict[str, Any]:
        return {
            "responsible_leader": self.cw.user("leader").pk,
            "plan": "约谈施工单位，夜间停工。",
            "target_date": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
        }

    def test_resolve_closes_the_backlog_case(self) -> None:
        url = reverse("api:backlogcase-resolve", args=[self.inside.pk])
        response = self.client("supervisor_a").post(url, {"resolution": "已整改"}, "json")
        assert response.status_code == 200, response.content
        assert response.json()["state"] == BacklogState.RESOLVED
        again = self.client("supervisor_a").post(url, {"resolution": "再次"}, "json")
        assert again.status_code == 400

    def test_handling_staff_may_read_but_not_plan(self) -> None:
        client = self.client("handler")
        assert client.get(self.detail_url(self.inside)).status_code == 200
        patch = client.patch(self.detail_url(self.inside), self.update_data(), "json")
        assert patch.status_code == 403

    def test_a_leader_outside_the_editors_reach_is_refused(self) -> None:
        stranger = make_user("stranger", "unit_leader", departments=[self.cw.other_unit])
        data = {**self.update_data(), "responsible_leader": stranger.pk}
        response = self.client("supervisor_a").patch(self.detail_url(self.inside), data, "json")
        assert response.status_code == 400
        assert "responsible_leader" in response.json()["detail"]

    def test_filter_by_state_and_no_plan(self) -> None:
        rows = self.client(UNSCOPED).get(self.list_url(), {"no_plan": "true"}).json()["results"]
        assert {row["id"] for row in rows} == {self.inside.pk, self.outside.pk}
        assert self.inside.complaint.state == ComplaintState.HANDLING
