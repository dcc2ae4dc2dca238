"""The document pages: drafting from the complaint page, the buttons of the document page, recording
a review request, and who may open what (in scope, out of scope 404, no permission 403, the
unit complained about never sees who complained)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from complaints.choices import ComplaintState, DocumentKind, DocumentState
from complaints.models import CaseDocument, Complaint
from complaints.services import documents as service
from complaints.tests.factories import ComplaintWorld, advance, complaint_world, file_complaint
from complaints.tests.test_documents import PARTS, approved, at

pytestmark = pytest.mark.django_db


@pytest.fixture
def cw(world: Any) -> ComplaintWorld:
    return complaint_world(world)


@pytest.fixture
def handling(cw: ComplaintWorld) -> Complaint:
    complaint = file_complaint(cw, received_at=at(2026, 1, 30, 9)).complaint
    return advance(complaint, cw, ComplaintState.HANDLING)


def login(cw: ComplaintWorld, persona: str) -> Client:
    client = Client()
    client.force_login(cw.user(persona))
    return client


def detail(document: CaseDocument) -> str:
    return reverse("complaints:document_detail", args=[document.pk])


def act(document: CaseDocument, name: str) -> str:
    return reverse("complaints:document_transition", args=[document.pk, name])


def test_the_unit_drafts_the_leader_approves_and_the_delivery_moves_the_complaint(cw, handling):
    handler, leader = login(cw, "handler"), login(cw, "leader")
    # the complaint page offers the draft; the form saves it
    page = handler.get(handling.get_absolute_url())
    assert page.status_code == 200 and "Written documents" in page.content.decode()
    response = handler.post(reverse("complaints:document_add", args=[handling.pk]), PARTS)
    draft = CaseDocument.objects.get(complaint=handling)
    assert response.status_code == 302 and response["Location"] == detail(draft)
    assert PARTS["decision"] in handler.get(detail(draft)).content.decode()
    # submit, approve, deliver by the buttons
    handler.post(act(draft, "submit"), {"version": draft.version})
    draft.refresh_from_db()
    assert draft.state == DocumentState.SUBMITTED
    leader.post(act(draft, "approve"), {"version": draft.version, "confirmed": "1"})
    draft.refresh_from_db()
    assert draft.state == DocumentState.APPROVED and draft.number
    response = handler.post(
        act(draft, "deliver"),
        {"version": draft.version, "delivered_at": "2026-03-02T10:00", "delivery_method": "post",
         "delivery_proof": "EMS 9", "confirmed": "1"},
    )  # fmt: skip
    assert response.status_code == 302
    complaint = Complaint.objects.get(pk=handling.pk)
    assert complaint.state == ComplaintState.REPLIED and complaint.opinion_delivered_at == at(
        2026, 3, 2, 10
    )
    # the complaint page now offers the clerk the review request, with the window's end
    offered = login(cw, "clerk").get(complaint.get_absolute_url()).content.decode()
    assert "2026-04-01 24:00" in offered


def test_send_back_without_a_reason_is_refused_with_a_message(cw, handling):
    draft = service.submit(
        service.draft_opinion(handling, cw.user("handler"), DocumentKind.OPINION, **PARTS),
        cw.user("handler"),
    )
    response = login(cw, "leader").post(
        act(draft, "send_back"), {"version": draft.version, "return_reason": ""}, follow=True
    )
    assert "Fill in the required fields first" in response.content.decode()
    assert CaseDocument.objects.get(pk=draft.pk).state == DocumentState.SUBMITTED


def test_a_stale_button_says_reload(cw, handling):
    draft = service.draft_opinion(handling, cw.user("handler"), DocumentKind.OPINION, **PARTS)
    response = login(cw, "handler").post(
        act(draft, "submit"), {"version": draft.version + 3}, follow=True
    )
    assert "changed by someone else" in response.content.decode()


def test_editing_the_draft_on_its_page(cw, handling):
    draft = service.draft_opinion(handling, cw.user("handler"), DocumentKind.OPINION, **PARTS)
    data = {**PARTS, "decision": "改为限期整改。", "version": draft.version}
    login(cw, "handler").post(reverse("complaints:document_edit", args=[draft.pk]), data)
    assert CaseDocument.objects.get(pk=draft.pk).decision == "改为限期整改。"


def test_a_late_review_request_on_the_complaint_page_names_the_end(cw, handling):
    service.deliver(approved(handling, cw), cw.user("handler"), at(2026, 1, 31, 10), "post")
    complaint = Complaint.objects.get(pk=handling.pk)  # window ends 03-02 24:00
    url = reverse("complaints:complaint_transition", args=[complaint.pk, "request_review"])
    page = login(cw, "clerk").get(complaint.get_absolute_url()).content.decode()
    assert f'action="{url}"' in page and 'name="review_requested_at"' in page
    response = login(cw, "clerk").post(
        url, {"version": complaint.version, "review_requested_at": "2026-03-03T09:00"}, follow=True
    )
    assert "2026-03-02 24:00" in response.content.decode()
    assert Complaint.objects.get(pk=complaint.pk).state == ComplaintState.REPLIED
    login(cw, "clerk").post(
        url,
        {"version": complaint.version, "review_requested_at": "2026-03-02T16:00", "confirmed": "1"},
    )
    assert Complaint.objects.get(pk=complaint.pk).state == ComplaintState.REVIEWING


def test_a_notice_is_issued_from_the_complaint_page(cw, handling):
    url = reverse("complaints:document_notice_add", args=[handling.pk])
    response = login(cw, "clerk").post(url, {"kind": "receipt_notice", "body": ""})
    notice = CaseDocument.objects.get(complaint=handling, kind="receipt_notice")
    assert response["Location"] == detail(notice)
    assert notice.state == DocumentState.DRAFT and handling.title in notice.body


def test_document_page_out_of_scope_is_404_and_without_permission_403(cw, world, handling):
    draft = service.draft_opinion(handling, cw.user("handler"), DocumentKind.OPINION, **PARTS)
    assert login(cw, "clerk_b").get(detail(draft)).status_code == 404
    client = Client()
    client.force_login(world.user("no_permission"))
    assert client.get(detail(draft)).status_code == 403
    # out of scope, a button changes nothing
    login(cw, "clerk_b").post(act(draft, "submit"), {"version": draft.version})
    assert CaseDocument.objects.get(pk=draft.pk).state == DocumentState.DRAFT


def test_the_unit_complained_about_reads_the_document_but_never_who_complained(cw, handling):
    document = approved(handling, cw)
    respondent = login(cw, "respondent")
    page = respondent.get(detail(document))
    assert page.status_code == 200
    text = page.content.decode()
    assert "张三" not in text and "data-pdf" not in text and 'data-action="deliver"' not in text
    assert respondent.get(reverse("complaints:document_pdf", args=[document.pk])).status_code == 404
    # nor can it act on the answer to the complaint about itself
    delivery = {"version": document.version, "delivered_at": "2026-03-02T10:00",
                "delivery_method": "post"}  # fmt: skip
    response = respondent.post(act(document, "deliver"), delivery, follow=True)
    assert CaseDocument.objects.get(pk=document.pk).state == DocumentState.APPROVED
    assert "张三" not in response.content.decode()


def test_without_javascript_approving_asks_on_a_page_first_and_changes_nothing(cw, handling):
    draft = service.submit(
        service.draft_opinion(handling, cw.user("handler"), "opinion", **PARTS),
        cw.user("handler"),
    )
    leader = login(cw, "leader")
    # Given the leader's post without the confirmation, the page says what approving does ...
    response = leader.post(act(draft, "approve"), {"version": draft.version})
    assert response.status_code == 200
    page = response.content.decode()
    assert "gets its number and can no longer be changed" in page
    assert 'name="confirmed" value="1"' in page and f'value="{draft.version}"' in page
    # ... and nothing is approved until it is sent again, confirmed.
    assert CaseDocument.objects.get(pk=draft.pk).state == DocumentState.SUBMITTED
    leader.post(act(draft, "approve"), {"version": draft.version, "confirmed": "1"})
    assert CaseDocument.objects.get(pk=draft.pk).state == DocumentState.APPROVED


def test_a_refused_step_is_said_at_once_not_after_confirming(cw, handling):
    draft = service.submit(
        service.draft_opinion(handling, cw.user("leader"), "opinion", **PARTS),
        cw.user("leader"),
    )
    # The leader drafted it: four eyes refuse their approval before any question is asked.
    response = login(cw, "leader").post(
        act(draft, "approve"), {"version": draft.version}, follow=True
    )
    page = response.content.decode()
    assert "Someone other than the drafter approves a document." in page
    assert "data-confirm-text" not in page.split("</main>")[0]  # (the dialog template follows)
    assert CaseDocument.objects.get(pk=draft.pk).state == DocumentState.SUBMITTED
