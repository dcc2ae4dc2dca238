"""Case documents and referred matters through the generic API suites: the four permission
cases (no permission 403, unscoped allowed, scoped in allowed, scoped out 404) for
`/api/v1/case-documents/` (list, retrieve, create, PATCH a draft; no delete) and the
read-only `/api/v1/complaint-referrals/`."""

from __future__ import annotations

from typing import Any

import pytest

from complaints.choices import DocumentKind, ReferralBody
from complaints.models import CaseDocument, Complaint
from complaints.services import documents, handling
from complaints.tests.factories import ComplaintWorld, complaint_world, file_complaint
from testing.api import APIViewTestCases, CreateTests, ListTests, RetrieveTests, UpdateTests
from testing.world import World

pytestmark = pytest.mark.django_db

PARTS = {
    "request": "请求责令工地停止夜间施工。",
    "facts_and_reasons": "经现场核查，该工地存在夜间施工行为。",
    "decision": "已责令施工单位停止夜间施工。",
    "legal_basis": "《信访工作条例》第三十四条。",
    "outcome": "supported",
}


def accepted_by(cw: ComplaintWorld, unit: str, handler: str, **overrides: Any) -> Complaint:
    """A complaint routed by the desk to `unit` and accepted there by `handler`."""
    complaint = file_complaint(cw, **overrides).complaint
    complaint = handling.route(complaint, cw.user("clerk"), getattr(cw, unit), "摘要", "")
    return handling.accept(complaint, cw.user(handler))


class TwoComplaints:
    """Complaint 1 (township A) is with the unit of `handler` and `leader`; complaint 2 (township B)
    with the other unit, out of their scope."""

    world: World

    def set_up(self, world: World) -> None:
        self.cw = complaint_world(world)
        world.users.update(self.cw.users)
        self.complaint1 = accepted_by(self.cw, "unit", "handler")
        self.complaint2 = accepted_by(self.cw, "other_unit", "assistant", region=world.grid_b)


class TestCaseDocumentAPI(TwoComplaints, ListTests, RetrieveTests, CreateTests, UpdateTests):
    """No DeleteTests: the viewset has no delete (a document is kept, Art. 47 records)."""

    model = CaseDocument
    basename = "casedocument"
    scoped_persona = "handler"

    def set_up(self, world: World) -> None:
        super().set_up(world)
        kind = DocumentKind.OPINION
        self.inside = documents.draft_opinion(
            self.complaint1, self.cw.user("handler"), kind, **PARTS
        )
        self.outside = documents.draft_opinion(
            self.complaint2, self.cw.user("assistant"), kind, **PARTS
        )

    def in_scope(self) -> CaseDocument:
        return self.inside

    def out_of_scope(self) -> CaseDocument:
        return self.outside

    def create_data(self) -> dict[str, Any]:
        # A notice: the complaint already has its draft opinion, and a second one is refused.
        return {"complaint": self.complaint1.pk, "kind": "extension_notice", "body": "延期告知"}

    def out_of_scope_create_data(self) -> dict[str, Any]:
        return {**self.create_data(), "complaint": self.complaint2.pk}

    def update_data(self) -> dict[str, Any]:
        assert self.inside.version == self.outside.version
        return {"version": self.inside.version, "decision": "已责令停工并处罚款。"}

    def test_delete_is_not_allowed(self) -> None:
        response = self.client("superuser").delete(self.detail_url(self.inside))
        assert response.status_code == 405
        assert CaseDocument.objects.filter(pk=self.inside.pk).exists()


class TestReferralAPI(TwoComplaints, APIViewTestCases.ReadOnlyAPIViewTestCase):
    model = Complaint
    basename = "referral"
    scoped_persona = "leader"

    def set_up(self, world: World) -> None:
        super().set_up(world)
        clerk = self.cw.user("clerk")
        self.complaint1 = handling.refer(self.complaint1, clerk, ReferralBody.DISCIPLINE, "违纪")
        self.complaint2 = handling.refer(self.complaint2, clerk, ReferralBody.DISCIPLINE, "违纪")

    def in_scope(self) -> Complaint:
        return self.complaint1

    def out_of_scope(self) -> Complaint:
        return self.complaint2
