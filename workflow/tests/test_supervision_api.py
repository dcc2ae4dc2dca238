"""`/api/v1/supervision-notices/`: read within the scope, moved by the notice's transitions."""

from __future__ import annotations

from django.urls import reverse

from testing.api import APIViewTestCases, token_client
from testing.world import World, make_user
from workflow.choices import SupervisionState
from workflow.models import SupervisionNotice
from workflow.supervision import issue_notice


class TestSupervisionNoticeAPI(APIViewTestCases.ReadOnlyAPIViewTestCase):
    model = SupervisionNotice
    basename = "supervisionnotice"
    scoped_persona = "leader_a"

    def set_up(self, world: World) -> None:
        supervisor = make_user("duban", "supervisor", regions=[world.county])
        world.users["supervisor"] = supervisor
        world.users["leader_a"] = make_user("leader_a", "unit_leader", regions=[world.township_a])
        self.inside = issue_notice(
            supervisor, world.premises_a, request="说明情况", region=world.township_a
        )
        self.outside = issue_notice(
            supervisor, world.premises_b, request="说明情况", region=world.township_b
        )

    def in_scope(self) -> SupervisionNotice:
        return self.inside

    def out_of_scope(self) -> SupervisionNotice:
        return self.outside

    def test_the_unit_replies_and_the_supervisor_closes_through_the_api(self) -> None:
        def step(persona: str, name: str, data: dict) -> dict:
            url = reverse("api:supervisionnotice-transition", args=[self.inside.pk, name])
            version = SupervisionNotice.objects.get(pk=self.inside.pk).version
            body = {"version": version, "data": data}
            response = token_client(self.world.user(persona)).post(url, body, "json")
            assert response.status_code == 200, response.content
            return response.json()

        assert step("leader_a", "reply", {"reply": "已整改"})["state"] == SupervisionState.REPLIED
        assert step("supervisor", "close", {})["state"] == SupervisionState.CLOSED
        outside = reverse("api:supervisionnotice-transition", args=[self.outside.pk, "reply"])
        body = {"version": self.outside.version, "data": {"reply": "x"}}
        assert self.client("leader_a").post(outside, body, "json").status_code == 404
