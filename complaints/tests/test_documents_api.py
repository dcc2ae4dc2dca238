"""`/api/v1/case-documents/`, `/api/v1/review-requests/` and `/api/v1/hearings/`: the same
services as the pages, scoped (out of scope 404, no permission 403), with stable error codes."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from complaints.choices import ComplaintState, DocumentState
from complaints.models import CaseDocument, Complaint
from complaints.services import documents
from complaints.tests.factories import ComplaintWorld, advance, complaint_world, file_complaint
from complaints.tests.test_documents import PARTS, approved, at
from complaints.tests.test_pdf import pdf_text
from testing.api import token_client

pytestmark = pytest.mark.django_db

LIST = "/api/v1/case-documents/"


@pytest.fixture
def cw(world: Any) -> ComplaintWorld:
    return complaint_world(world)


@pytest.fixture
def handling(cw: ComplaintWorld) -> Complaint:
    complaint = file_complaint(cw, received_at=at(2026, 1, 30, 9)).complaint
    return advance(complaint, cw, ComplaintState.HANDLING)


def client(cw: ComplaintWorld, persona: str) -> Any:
    return token_client(cw.user(persona))


def transition(document: CaseDocument, name: str) -> str:
    return reverse("api:casedocument-transition", args=[document.pk, name])


def test_draft_approve_and_deliver_through_the_api(cw, handling):
    created = client(cw, "handler").post(
        LIST, {"complaint": handling.pk, "kind": "opinion", **PARTS}, format="json"
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["state"] == "draft" and body["decision"] == PARTS["decision"]
    document = CaseDocument.objects.get(pk=body["id"])
    submitted = client(cw, "handler").post(
        transition(document, "submit"), {"version": document.version}, format="json"
    )
    assert submitted.json()["state"] == "submitted"
    approved_ = client(cw, "leader").post(
        transition(document, "approve"), {"version": submitted.json()["version"]}, format="json"
    )
    assert approved_.json()["number"].startswith("〔2026〕信处")
    delivery = {"delivered_at": "2026-03-02T10:00:00+08:00", "delivery_method": "post"}
    delivered = client(cw, "clerk").post(
        transition(document, "deliver"),
        {"version": approved_.json()["version"], "data": delivery},
        format="json",
    )
    assert delivered.status_code == 200, delivered.content
    assert delivered.json()["state"] == "delivered"
    assert Complaint.objects.get(pk=handling.pk).state == ComplaintState.REPLIED


def test_the_list_is_scoped_and_never_carries_identity(cw, handling):
    document = approved(handling, cw)
    mine = client(cw, "handler").get(LIST, {"complaint": handling.pk})
    assert [row["id"] for row in mine.json()["results"]] == [document.pk]
    assert "张三" not in mine.content.decode()
    assert client(cw, "clerk_b").get(LIST).json()["count"] == 0
    assert client(cw, "clerk_b").get(f"{LIST}{document.pk}/").status_code == 404
    respondent = client(cw, "respondent").get(f"{LIST}{document.pk}/")
    assert respondent.status_code == 200 and "张三" not in respondent.content.decode()


def test_without_permission_is_403(cw, world, handling):
    approved(handling, cw)
    assert token_client(world.user("no_permission")).get(LIST).status_code == 403


def test_refusals_carry_their_codes(cw, handling):
    wrong = client(cw, "handler").post(
        LIST, {"complaint": handling.pk, "kind": "review_opinion", **PARTS}, format="json"
    )
    assert (wrong.status_code, wrong.json()["code"]) == (400, "wrong_state")
    forbidden = client(cw, "respondent").post(
        LIST, {"complaint": handling.pk, "kind": "opinion", **PARTS}, format="json"
    )
    assert forbidden.status_code in (400, 403)
    assert not CaseDocument.objects.filter(complaint=handling, drafted_by=cw.user("respondent"))
    document = approved(handling, cw)
    stale = client(cw, "handler").post(
        transition(document, "deliver"), {"version": 1, "data": {}}, format="json"
    )
    assert stale.status_code in (400, 409)
    edit = client(cw, "handler").patch(
        f"{LIST}{document.pk}/", {"version": document.version, "decision": "改"}, format="json"
    )
    assert (edit.status_code, edit.json()["code"]) == (409, "invalid_state")


def test_pdf_through_the_api(cw, handling):
    document = approved(handling, cw)
    url = reverse("api:casedocument-pdf", args=[document.pk])
    response = client(cw, "handler").get(url)
    assert response.status_code == 200
    assert "张三" in pdf_text(response.content)
    assert client(cw, "respondent").get(url).status_code == 404
    assert client(cw, "clerk_b").get(url).status_code == 404


def test_review_request_and_hearing_through_the_api(cw, handling):
    documents.deliver(approved(handling, cw), cw.user("handler"), at(2026, 1, 31, 10), "post")
    complaint = Complaint.objects.get(pk=handling.pk)  # window ends 03-02 24:00

    def step(persona: str, name: str, version: int, **data: str) -> Any:
        url = reverse("api:complaint-transition", args=[complaint.pk, name])
        return client(cw, persona).post(url, {"version": version, "data": data}, format="json")

    late = step("clerk", "request_review", complaint.version,
                review_requested_at="2026-03-03T09:00:00+08:00")  # fmt: skip
    assert late.status_code == 400 and "2026-03-02 24:00" in late.json()["detail"]
    asked = step("clerk", "request_review", complaint.version,
                 review_requested_at="2026-03-02T18:00:00+08:00")  # fmt: skip
    assert asked.status_code == 200 and asked.json()["state"] == "reviewing"
    outside = step("clerk_b", "request_review", asked.json()["version"],
                   review_requested_at="2026-03-02T18:00:00+08:00")  # fmt: skip
    assert outside.status_code == 404  # a complaint outside the clerk's scope does not exist
    hearing = step("reviewer", "hold_hearing", asked.json()["version"])
    # a hearing belongs to re-review: refused while the complaint is under review
    assert (hearing.status_code, hearing.json()["code"]) == (409, "invalid_state")
    assert CaseDocument.objects.filter(state=DocumentState.DELIVERED).count() == 1
