"""Numbered documents are trustworthy: an approved document never changes (its text nor its
PDF), a correction is a new document with its own approval and number that supersedes the old
one (both kept), the drafter never approves their own document, and a notice is issued only in
the case states where the law allows it — through the API and the pages alike."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from complaints.choices import ComplaintState, DocumentKind, DocumentState
from complaints.models import CaseDocument, Complaint
from complaints.services import documents as service
from complaints.tests.factories import ComplaintWorld, advance, complaint_world, file_complaint
from complaints.tests.test_documents import at
from testing.api import token_client
from testing.pdf import pdf_text

pytestmark = pytest.mark.django_db

LIST = "/api/v1/case-documents/"


@pytest.fixture
def cw(world: Any) -> ComplaintWorld:
    return complaint_world(world)


@pytest.fixture
def handling(cw: ComplaintWorld) -> Complaint:
    complaint = file_complaint(cw, received_at=at(2026, 1, 30, 9)).complaint
    return advance(complaint, cw, ComplaintState.HANDLING)


def api(cw: ComplaintWorld, persona: str) -> Any:
    return token_client(cw.user(persona))


def step(cw: ComplaintWorld, persona: str, document: CaseDocument, name: str) -> Any:
    document.refresh_from_db()
    url = reverse("api:casedocument-transition", args=[document.pk, name])
    return api(cw, persona).post(url, {"version": document.version}, format="json")


def approved_notice(cw: ComplaintWorld, complaint: Complaint) -> CaseDocument:
    created = api(cw, "clerk").post(
        LIST, {"complaint": complaint.pk, "kind": "receipt_notice"}, format="json"
    )
    assert created.status_code == 201, created.content
    notice = CaseDocument.objects.get(pk=created.json()["id"])
    assert step(cw, "clerk", notice, "submit").status_code == 200
    assert step(cw, "leader", notice, "approve").status_code == 200
    notice.refresh_from_db()
    return notice


def test_an_approved_notice_refuses_edits_and_its_pdf_stays_the_same(cw, handling):
    notice = approved_notice(cw, handling)
    pdf_url = f"{LIST}{notice.pk}/pdf/"
    before = pdf_text(api(cw, "clerk").get(pdf_url).content)
    edit = api(cw, "clerk").patch(
        f"{LIST}{notice.pk}/", {"version": notice.version, "body": "改过的文字"}, format="json"
    )
    assert edit.status_code == 409, edit.content
    page = Client()
    page.force_login(cw.user("clerk"))
    page.post(
        reverse("complaints:document_edit", args=[notice.pk]),
        {"version": notice.version, "body": "页面改过的文字"},
    )
    stored = CaseDocument.objects.get(pk=notice.pk)
    assert stored.body == notice.body and stored.number == notice.number
    # the clerk who drafted it moves to another unit: the approved notice still names the desk
    cw.user("clerk").departments.set([cw.other_unit])
    assert pdf_text(api(cw, "clerk").get(pdf_url).content) == before
    assert "测试县信访局" in before
    assert "改过的文字" not in before


def test_a_correction_supersedes_with_its_own_approval_and_number_and_both_are_kept(cw, handling):
    notice = approved_notice(cw, handling)
    corrected = step(cw, "clerk", notice, "correct")
    assert corrected.status_code == 200, corrected.content
    correction = CaseDocument.objects.get(pk=corrected.json()["id"])
    assert correction.supersedes == notice and correction.state == DocumentState.DRAFT
    assert correction.number == "" and correction.body == notice.body
    edited = api(cw, "clerk").patch(
        f"{LIST}{correction.pk}/", {"version": correction.version, "body": "更正后的文字"},
        format="json",
    )  # fmt: skip
    assert edited.status_code == 200, edited.content
    assert step(cw, "clerk", correction, "submit").status_code == 200
    assert step(cw, "clerk", correction, "approve").status_code == 403  # a leader approves
    assert step(cw, "leader", correction, "approve").status_code == 200
    correction.refresh_from_db()
    assert correction.number and correction.number != notice.number
    listed = api(cw, "clerk").get(LIST, {"complaint": handling.pk}).json()["results"]
    states = {row["id"]: (row["state"], row["number"]) for row in listed}
    assert states[notice.pk] == ("superseded", notice.number)
    assert states[correction.pk] == ("approved", correction.number)
    assert {row["id"]: row["supersedes"] for row in listed}[correction.pk] == notice.pk
    assert CaseDocument.objects.get(pk=notice.pk).body == notice.body
    page = Client()
    page.force_login(cw.user("clerk"))
    old_page = page.get(reverse("complaints:document_detail", args=[notice.pk])).content.decode()
    new_page = page.get(reverse("complaints:document_detail", args=[correction.pk]))
    assert correction.number in old_page and notice.number in new_page.content.decode()


def test_the_drafter_never_approves_their_own_notice(cw, handling):
    # given an extension notice drafted by the unit leader who extended the time
    notice = service.issue_notice(handling, cw.user("leader"), DocumentKind.EXTENSION_NOTICE)
    assert step(cw, "leader", notice, "submit").status_code == 200
    # when the same leader approves it, it is refused and stays unnumbered
    refused = step(cw, "leader", notice, "approve")
    assert refused.status_code == 400, refused.content
    assert "other than the drafter" in refused.json()["detail"]
    notice.refresh_from_db()
    assert notice.state == DocumentState.SUBMITTED and notice.number == ""


def test_a_notice_of_non_acceptance_is_refused_on_a_routed_case(cw, handling):
    refused = api(cw, "clerk").post(
        LIST, {"complaint": handling.pk, "kind": "not_accepted_notice"}, format="json"
    )
    assert refused.status_code == 400, refused.content
    assert refused.json()["code"] == "wrong_state"
    page = Client()
    page.force_login(cw.user("clerk"))
    # the case page offers the notices the law allows now, not this one
    case_page = page.get(handling.get_absolute_url()).content.decode()
    assert 'value="receipt_notice"' in case_page
    assert 'value="not_accepted_notice"' not in case_page
    url = reverse("complaints:document_notice_add", args=[handling.pk])
    shown = page.post(url, {"kind": "not_accepted_notice", "body": ""}, follow=True)
    assert "is issued only while the case is" in shown.content.decode()
    assert not CaseDocument.objects.filter(complaint=handling).exists()
