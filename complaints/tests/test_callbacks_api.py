"""`/api/v1/callbacks/` (generic list/retrieve/create suites, the handling unit refused) and
`/api/v1/complaint-rates/` (the same figures as the service, scoped)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from complaints.choices import ComplaintState
from complaints.models import Callback, Complaint
from complaints.services.callbacks import record_callback
from complaints.tests.factories import advance, complaint_world, file_complaint
from core.models import AuditEntry
from testing.api import UNSCOPED, CreateTests, ListTests, RetrieveTests
from testing.world import World, make_user

pytestmark = pytest.mark.django_db


class TestCallbackAPI(ListTests, RetrieveTests, CreateTests):
    model = Callback
    basename = "callback"
    scoped_persona_for = {"add": "clerk_a"}

    def set_up(self, world: World) -> None:
        self.cw = complaint_world(world)
        world.users["clerk_a"] = make_user(
            "clerk_a", "complaint_clerk", regions=[world.township_a], departments=[self.cw.desk]
        )
        world.users["unit_clerk"] = make_user(
            "unit_clerk", "complaint_clerk", regions=[world.county], departments=[self.cw.unit]
        )
        self.complaint_a = self.replied(world.grid_a)
        self.complaint_b = self.replied(world.grid_b)
        clerk = self.cw.user("clerk")
        self.inside = record_callback(self.complaint_a, clerk, contacted=False)
        self.outside = record_callback(self.complaint_b, clerk, contacted=False)

    def replied(self, region: Any) -> Complaint:
        complaint = file_complaint(self.cw, region=region).complaint
        return advance(complaint, self.cw, ComplaintState.REPLIED)

    def in_scope(self) -> Callback:
        return self.inside

    def out_of_scope(self) -> Callback:
        return self.outside

    def create_data(self) -> dict[str, Any]:
        return {"complaint": self.complaint_a.pk, "contacted": True, "solved": True,
                "satisfaction": "satisfied", "note": "已解决"}  # fmt: skip

    def out_of_scope_create_data(self) -> dict[str, Any]:
        return {**self.create_data(), "complaint": self.complaint_b.pk}

    def test_the_handling_units_clerk_is_refused_with_a_code(self) -> None:
        rows, entries = Callback.objects.count(), AuditEntry.objects.count()
        response = self.client("unit_clerk").post(self.list_url(), self.create_data(), "json")
        assert response.status_code == 403
        assert response.json()["code"] == "callback_refused"
        assert "handling" in response.json()["detail"]
        assert (Callback.objects.count(), AuditEntry.objects.count()) == (rows, entries)

    def test_a_reached_complainant_without_a_grade_is_400(self) -> None:
        data = {"complaint": self.complaint_a.pk, "contacted": True}
        response = self.client("clerk_a").post(self.list_url(), data, "json")
        assert response.status_code == 400
        assert set(response.json()["detail"]) == {"solved", "satisfaction"}

    def rates_url(self) -> str:
        return reverse("api:complaintrates-list")

    def test_rates_endpoint_returns_the_figures_with_the_formula(self) -> None:
        clerk = self.cw.user("clerk")
        record_callback(
            self.complaint_a, clerk, contacted=True, solved=True, satisfaction="satisfied"
        )
        record_callback(self.complaint_b, clerk, contacted=True, solved=False,
                        satisfaction="basically_satisfied")  # fmt: skip
        body = self.client(UNSCOPED).get(self.rates_url(), {"group_by": "unit"}).json()
        assert body["formula"]["version"] == 1
        total = body["total"]
        assert total["counts"]["cases"] == 2
        assert (total["response_rate"], total["resolution_rate"]) == ("100.00", "50.00")
        assert total["satisfaction_rate"] == "100.00"
        # (30 × 100 + 35 × 50 + 35 × 100) / 100
        assert total["composite"] == "82.50"
        assert total["transfers_per_case"] == "0.00"

    def test_rates_endpoint_is_scoped_and_checks_its_parameters(self) -> None:
        body = self.client("clerk_a").get(self.rates_url(), {"group_by": "period"}).json()
        assert body["total"]["counts"]["cases"] == 1
        assert body["total"]["response_rate"] == "0.00"  # called once, not reached
        bad = self.client("clerk_a").get(self.rates_url(), {"group_by": "people"})
        assert bad.status_code == 400
        assert self.client("no_permission").get(self.rates_url()).status_code == 403
