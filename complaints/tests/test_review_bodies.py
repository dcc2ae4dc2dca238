"""Review and re-review go to the right body (Letters and Visits Regulations 2022, Arts 35-36):
a review to the superior organ of the unit that gave the opinion, a re-review to the superior of
the reviewing organ; the unit under review neither drafts, approves nor is given either."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from complaints.choices import ComplaintState, DocumentKind
from complaints.models import CaseDocument, Complaint
from complaints.services import documents, reviews
from complaints.tests.factories import ComplaintWorld, complaint_world
from complaints.tests.test_clocks import at, deliver_opinion, replied
from complaints.tests.test_documents import PARTS
from core.models import AuditEntry, User
from testing.api import token_client
from testing.world import make_user
from workflow.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def cw(world: Any) -> ComplaintWorld:
    return complaint_world(world)


@pytest.fixture
def unit_at_county(cw: ComplaintWorld) -> User:
    """A leader of the unit that gave the opinion who also answers for the whole county: the
    case stays in sight, so only the review rule keeps them off it."""
    return make_user("zj_county", "unit_leader", regions=[cw.world.county], departments=[cw.unit])


def ask(cw: ComplaintWorld, complaint: Complaint, name: str, field: str, when: str) -> Any:
    url = reverse("api:complaint-transition", args=[complaint.pk, name])
    body = {"version": complaint.version, "data": {field: when}}
    return token_client(cw.user("clerk")).post(url, body, format="json")


def draft_review(user: User, complaint: Complaint, kind: str = "review_opinion") -> Any:
    body = {"complaint": complaint.pk, "kind": kind, **PARTS}
    return token_client(user).post("/api/v1/case-documents/", body, format="json")


def test_a_review_request_goes_to_the_superior_organ_and_tells_its_staff(cw):
    complaint = replied(cw, at(2026, 8, 1, 10))
    response = ask(cw, complaint, "request_review", "review_requested_at", "2026-08-10T10:00+08:00")
    assert response.status_code == 200, response.content
    complaint = Complaint.objects.get(pk=complaint.pk)
    assert complaint.state == ComplaintState.REVIEWING
    assert (complaint.department, complaint.opinion_unit) == (cw.government, cw.unit)
    assert complaint.handler is None
    told = Notification.objects.filter(topic="complaint.review_requested")
    assert told.filter(recipient=cw.user("reviewer")).exists()
    assert not told.filter(recipient__in=[cw.user("handler"), cw.user("leader")]).exists()
    # the review organ's staff draft the review opinion
    assert draft_review(cw.user("reviewer"), complaint).status_code == 201


def test_the_unit_under_review_cannot_draft_approve_or_be_given_the_review(cw, unit_at_county):
    complaint = reviews.request_review(
        replied(cw, at(2026, 8, 1, 10)), cw.user("clerk"), at(2026, 8, 10, 10)
    )
    # the original unit's own staff no longer reach the case: no such complaint for them
    assert draft_review(cw.user("handler"), complaint).status_code == 400
    # one of them who answers for the county sees it, and is refused with the reason
    refused = draft_review(unit_at_county, complaint)
    assert refused.status_code == 403
    assert "under review" in refused.json()["detail"]
    draft = documents.draft_opinion(complaint, cw.user("reviewer"), "review_opinion", **PARTS)
    submitted = documents.submit(draft, cw.user("reviewer"))
    url = reverse("api:casedocument-transition", args=[submitted.pk, "approve"])
    approve = token_client(unit_at_county).post(url, {"version": submitted.version}, "json")
    assert approve.status_code == 403
    assert CaseDocument.objects.get(pk=submitted.pk).state == "submitted"
    entries = AuditEntry.objects.count()
    task = {"complaint": complaint.pk, "department": cw.unit.pk, "role": "assisting",
            "instructions": "复查", "due": "2026-12-01T10:00+08:00"}  # fmt: skip
    given = token_client(cw.user("clerk")).post("/api/v1/complaint-tasks/", task, "json")
    assert given.status_code == 400 and "under review" in given.json()["detail"]
    assert AuditEntry.objects.count() == entries
    # the review organ's leader approves
    assert documents.approve(submitted, cw.user("review_leader")).state == "approved"


def test_a_rereview_goes_to_the_superior_of_the_reviewing_organ(cw):
    complaint = reviews.request_review(
        replied(cw, at(2026, 8, 1, 10)), cw.user("clerk"), at(2026, 8, 10, 10)
    )
    deliver_opinion(cw, complaint, DocumentKind.REVIEW_OPINION, at(2026, 9, 1, 10))
    complaint = Complaint.objects.get(pk=complaint.pk)
    response = ask(
        cw, complaint, "request_rereview", "rereview_requested_at", "2026-09-05T10:00+08:00"
    )
    assert response.status_code == 200, response.content
    complaint = Complaint.objects.get(pk=complaint.pk)
    assert complaint.department == cw.city_government
    assert (complaint.opinion_unit, complaint.review_unit) == (cw.unit, cw.government)
    told = Notification.objects.filter(topic="complaint.rereview_requested")
    assert told.filter(recipient=cw.user("city_reviewer")).exists()
    # the reviewing organ cannot answer the re-review of its own review
    refused = draft_review(cw.user("reviewer"), complaint, "rereview_opinion")
    assert refused.status_code == 400
    assert not CaseDocument.objects.filter(kind="rereview_opinion").exists()
    assert draft_review(cw.user("city_reviewer"), complaint, "rereview_opinion").status_code == 201


def test_a_review_is_refused_clearly_when_no_superior_is_recorded(cw):
    complaint = replied(cw, at(2026, 8, 1, 10))
    cw.unit.superior = None
    cw.unit.save()
    response = ask(cw, complaint, "request_review", "review_requested_at", "2026-08-10T10:00+08:00")
    assert response.status_code == 400
    assert response.json()["code"] == "no_superior_organ"
    assert "No superior organ is recorded for 测试县住建局" in response.json()["detail"]
    stored = Complaint.objects.get(pk=complaint.pk)
    assert (stored.state, stored.department, stored.version) == (
        ComplaintState.REPLIED, cw.unit, complaint.version,
    )  # fmt: skip
