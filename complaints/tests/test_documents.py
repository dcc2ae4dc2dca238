"""Written documents through their services: the opinion's draft → approval → delivery with the
complaint moving on at the recorded delivery date, the notices, and who may act on them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from complaints.choices import (
    RECEIPT_NOTICE,
    REVIEW_REQUEST,
    ComplaintState,
    DocumentKind,
    DocumentState,
)
from complaints.models import CaseDocument, Complaint
from complaints.services import documents as service
from complaints.services.protection import recuse
from complaints.services.reviews import request_rereview, request_review
from complaints.tests.factories import (
    ComplaintWorld,
    advance,
    authors,
    complaint_world,
    file_complaint,
)
from core.models import Attachment, AuditEntry
from core.scoping import NotFound
from core.times import deadline_text
from workflow.calendar import local_zone
from workflow.choices import ClockState
from workflow.clocks import open_clocks
from workflow.errors import (
    InvalidState,
    MissingFields,
    PreconditionFailed,
    TransitionForbidden,
    VersionConflict,
)
from workflow.models import Clock

pytestmark = pytest.mark.django_db

PARTS = {
    "request": "请求责令工地停止夜间施工。",
    "facts_and_reasons": "经现场核查，该工地存在夜间施工行为，未取得夜间施工许可。",
    "decision": "已责令施工单位停止夜间施工，并处以罚款。",
    "legal_basis": "《中华人民共和国噪声污染防治法》第四十三条；《信访工作条例》第三十四条。",
    "outcome": "supported",
}


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=local_zone())  # type: ignore[arg-type,misc]


@pytest.fixture
def cw(world: Any) -> ComplaintWorld:
    return complaint_world(world)


@pytest.fixture
def handling(cw: ComplaintWorld) -> Complaint:
    complaint = file_complaint(cw, received_at=at(2026, 1, 30, 9)).complaint
    return advance(complaint, cw, ComplaintState.HANDLING)


def approved(
    complaint: Complaint, cw: ComplaintWorld, kind: str = DocumentKind.OPINION
) -> CaseDocument:
    drafter, approver = authors(cw, kind)
    draft = service.draft_opinion(complaint, drafter, kind, **PARTS)
    submitted = service.submit(draft, drafter)
    return service.approve(submitted, approver)


def approved_notice(
    complaint: Complaint, cw: ComplaintWorld, kind: str = DocumentKind.RECEIPT_NOTICE
) -> CaseDocument:
    """A notice drafted by the desk clerk and approved by the head of the desk (four eyes)."""
    draft = service.issue_notice(complaint, cw.user("clerk"), kind)
    submitted = service.submit(draft, cw.user("clerk"))
    return service.approve(submitted, cw.user("desk_leader"))


def test_opinion_goes_from_draft_to_delivery_and_the_review_window_runs_from_delivery(cw, handling):
    # given a draft with its four parts
    draft = service.draft_opinion(handling, cw.user("handler"), DocumentKind.OPINION, **PARTS)
    assert draft.state == DocumentState.DRAFT and draft.number == ""
    # when it is submitted, approved by the leader and delivered on a recorded date
    submitted = service.submit(draft, cw.user("handler"))
    document = service.approve(submitted, cw.user("leader"))
    assert document.state == DocumentState.APPROVED
    assert document.number.startswith("〔2026〕信处 第") and document.number.endswith("号")
    delivered_at = at(2026, 3, 2, 15, 30)
    document = service.deliver(
        document, cw.user("handler"), delivered_at, "post", proof="EMS 1234567890"
    )
    # then the document and the complaint record the delivery, and the window starts from it
    document.refresh_from_db()
    assert document.state == DocumentState.DELIVERED
    assert (document.delivered_at, document.delivery_proof) == (delivered_at, "EMS 1234567890")
    complaint = Complaint.objects.get(pk=handling.pk)
    assert complaint.state == ComplaintState.REPLIED
    assert (complaint.opinion_delivered_at, complaint.outcome) == (delivered_at, "supported")
    window = open_clocks(complaint, (REVIEW_REQUEST,)).get()
    assert window.started_at == delivered_at
    # Art. 35: 30 days from 2026-03-02 is 04-01, a Wednesday
    assert deadline_text(window.due) == "2026-04-01 24:00"


def test_numbers_are_unique_per_kind_and_year(cw, handling, world):
    first = approved(handling, cw)
    notice = approved_notice(handling, cw)
    second_notice = approved_notice(handling, cw)
    assert len({first.number, notice.number, second_notice.number}) == 3
    assert "信告" in notice.number and "信处" in first.number


def test_an_opinion_is_written_only_while_the_complaint_awaits_it(cw, handling):
    with pytest.raises(PreconditionFailed) as refused:
        service.draft_opinion(handling, cw.user("handler"), DocumentKind.REVIEW_OPINION, **PARTS)
    assert refused.value.code == "wrong_state"
    assert "Under review" in str(refused.value.message)


def test_a_second_draft_of_the_same_kind_is_refused(cw, handling):
    service.draft_opinion(handling, cw.user("handler"), DocumentKind.OPINION, **PARTS)
    with pytest.raises(PreconditionFailed) as refused:
        service.draft_opinion(handling, cw.user("handler"), DocumentKind.OPINION)
    assert refused.value.code == "draft_exists"


def test_an_opinion_missing_a_part_cannot_be_submitted(cw, handling):
    parts = {**PARTS, "legal_basis": ""}
    draft = service.draft_opinion(handling, cw.user("handler"), DocumentKind.OPINION, **parts)
    with pytest.raises(PreconditionFailed) as refused:
        service.submit(draft, cw.user("handler"))
    assert "four parts" in str(refused.value.message)


def test_the_drafter_does_not_approve_their_own_opinion(cw, handling):
    draft = service.draft_opinion(handling, cw.user("leader"), DocumentKind.OPINION, **PARTS)
    submitted = service.submit(draft, cw.user("leader"))
    with pytest.raises(PreconditionFailed) as refused:
        service.approve(submitted, cw.user("leader"))
    assert "other than the drafter" in str(refused.value.message)
    # and handling staff do not approve at all
    with pytest.raises(TransitionForbidden):
        service.approve(submitted, cw.user("handler"))


def test_sent_back_with_a_reason_the_draft_is_edited_and_resubmitted(cw, handling):
    draft = service.draft_opinion(handling, cw.user("handler"), DocumentKind.OPINION, **PARTS)
    submitted = service.submit(draft, cw.user("handler"))
    with pytest.raises(MissingFields):
        service.send_back(submitted, cw.user("leader"), "  ")
    back = service.send_back(submitted, cw.user("leader"), "法律依据请写明条款。")
    assert (back.state, back.return_reason) == (DocumentState.DRAFT, "法律依据请写明条款。")
    edited = service.update_draft(
        back, cw.user("handler"), {"legal_basis": "《信访工作条例》第三十四条"}, back.version
    )
    assert edited.legal_basis == "《信访工作条例》第三十四条"
    assert service.submit(edited, cw.user("handler")).state == DocumentState.SUBMITTED


def test_a_stale_edit_is_refused_with_a_version_conflict(cw, handling):
    draft = service.draft_opinion(handling, cw.user("handler"), DocumentKind.OPINION, **PARTS)
    service.update_draft(draft, cw.user("handler"), {"decision": "甲"}, draft.version)
    with pytest.raises(VersionConflict):
        service.update_draft(draft, cw.user("handler"), {"decision": "乙"}, draft.version)
    assert CaseDocument.objects.get(pk=draft.pk).decision == "甲"


def test_an_approved_opinion_is_no_longer_edited(cw, handling):
    document = approved(handling, cw)
    with pytest.raises(InvalidState):
        service.update_draft(document, cw.user("handler"), {"decision": "改"}, document.version)


def test_the_unit_complained_about_cannot_write_the_answer(cw, handling):
    with pytest.raises(TransitionForbidden) as refused:
        service.draft_opinion(handling, cw.user("respondent"), DocumentKind.OPINION, **PARTS)
    assert "named in this complaint" in str(refused.value.message)
    assert not CaseDocument.objects.exists()


def test_staff_who_stepped_aside_cannot_approve(cw, handling):
    draft = service.draft_opinion(handling, cw.user("handler"), DocumentKind.OPINION, **PARTS)
    submitted = service.submit(draft, cw.user("handler"))
    recuse(cw.user("leader"), handling, "与施工单位负责人系亲属")
    with pytest.raises(TransitionForbidden):
        service.approve(submitted, cw.user("leader"))


def test_a_complaint_outside_the_scope_is_not_found(cw, handling):
    with pytest.raises(NotFound):
        service.issue_notice(handling, cw.user("clerk_b"), DocumentKind.RECEIPT_NOTICE)
    assert not CaseDocument.objects.exists()


def test_a_delivery_in_the_future_or_before_receipt_is_refused(cw, handling):
    document = approved(handling, cw)
    with pytest.raises(PreconditionFailed) as future:
        service.deliver(document, cw.user("handler"), at(2099, 1, 1), "post")
    assert future.value.code == "delivered_in_future"
    with pytest.raises(PreconditionFailed) as early:
        service.deliver(document, cw.user("handler"), at(2026, 1, 29), "post")
    assert early.value.code == "delivered_before_receipt"
    with pytest.raises(PreconditionFailed) as method:
        service.deliver(document, cw.user("handler"), at(2026, 3, 2), "pigeon")
    assert method.value.code == "delivery_method"
    assert CaseDocument.objects.get(pk=document.pk).state == DocumentState.APPROVED
    assert Complaint.objects.get(pk=handling.pk).state == ComplaintState.HANDLING


def test_proof_of_delivery_is_kept_as_an_attachment(cw, handling):
    document = approved(handling, cw)
    scan = SimpleUploadedFile(
        "回执.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF\n"
    )
    service.deliver(document, cw.user("handler"), at(2026, 3, 2), "post", "回执", [scan])
    assert Attachment.objects.of(document, "proof").count() == 1


def test_review_and_rereview_opinions_move_the_complaint_to_the_end(cw, handling):
    service.deliver(approved(handling, cw), cw.user("handler"), at(2026, 3, 2, 10), "post")
    complaint = request_review(handling, cw.user("clerk"), at(2026, 3, 20, 10))
    review = approved(complaint, cw, DocumentKind.REVIEW_OPINION)
    service.deliver(review, cw.user("clerk"), at(2026, 4, 10, 10), "in_person", "签收")
    complaint = Complaint.objects.get(pk=complaint.pk)
    assert (complaint.state, complaint.review_delivered_at) == (
        ComplaintState.REVIEWED,
        at(2026, 4, 10, 10),
    )
    complaint = request_rereview(complaint, cw.user("clerk"), at(2026, 4, 20, 10))
    final = approved(complaint, cw, DocumentKind.REREVIEW_OPINION)
    service.deliver(final, cw.user("clerk"), at(2026, 5, 11, 10), "in_person", "签收")
    complaint = Complaint.objects.get(pk=complaint.pk)
    assert complaint.state == ComplaintState.CONCLUDED
    assert complaint.concluded_after_rereview and complaint.concluded_at == at(2026, 5, 11, 10)


def test_notice_of_receipt_delivered_in_time_meets_its_clock(cw):
    complaint = file_complaint(cw, received_at=at(2026, 1, 30, 9)).complaint
    notice = service.issue_notice(complaint, cw.user("clerk"), DocumentKind.RECEIPT_NOTICE)
    # a draft with a default text the clerk may edit, numbered when the leader approves it
    assert notice.state == DocumentState.DRAFT and not notice.number
    assert "夜间施工噪声" in notice.body and complaint.receipt_code in notice.body
    edited = service.update_draft(
        notice, cw.user("clerk"), {"body": notice.body + "特此告知。"}, notice.version
    )
    submitted = service.submit(edited, cw.user("clerk"))
    approved_ = service.approve(submitted, cw.user("desk_leader"))
    assert approved_.number and approved_.body.endswith("特此告知。")
    service.deliver(approved_, cw.user("clerk"), at(2026, 2, 14, 23, 0), "post", "EMS 1")
    clock = Clock.objects.get(kind=RECEIPT_NOTICE, object_id=complaint.pk)
    # Art. 23: 15 days from 01-30 end 02-14 24:00 (a make-up working day): met, not late
    assert (clock.state, clock.met_at, clock.breached) == (
        ClockState.MET,
        at(2026, 2, 14, 23),
        False,
    )


def test_notice_of_receipt_delivered_late_is_recorded_late(cw):
    complaint = file_complaint(cw, received_at=at(2026, 1, 30, 9)).complaint
    notice = approved_notice(complaint, cw)
    service.deliver(notice, cw.user("clerk"), at(2026, 2, 15, 9), "post", "EMS 2")
    clock = Clock.objects.get(kind=RECEIPT_NOTICE, object_id=complaint.pk)
    assert clock.state == ClockState.MET and clock.breached


def test_notices_have_their_default_texts(cw, handling):
    handling.referral_reason = "属于劳动争议仲裁事项"
    handling.referral_body = "arbitration"
    referral = service.default_notice_body(handling, DocumentKind.REFERRAL_NOTICE)
    assert "Arbitration" in referral or "仲裁" in referral
    assert "第三十一条" in referral and "属于劳动争议仲裁事项" in referral
    extension = service.issue_notice(handling, cw.user("leader"), DocumentKind.EXTENSION_NOTICE)
    assert "第三十四条" in extension.body


def test_only_delivered_documents_are_public_replies(cw, handling):
    document = approved(handling, cw)
    notice = approved_notice(handling, cw)
    assert list(service.public_replies(handling)) == []
    service.deliver(notice, cw.user("clerk"), at(2026, 2, 2), "post")
    service.deliver(document, cw.user("handler"), at(2026, 3, 2), "post")
    assert list(service.public_replies(handling)) == [notice, document]


def test_every_step_is_audited(cw, handling):
    document = approved(handling, cw)
    service.deliver(document, cw.user("handler"), at(2026, 3, 2), "post")
    entries = AuditEntry.objects.filter(
        object_id=str(document.pk), content_type__model="casedocument"
    )
    # create, submit, approve, number, deliver
    assert entries.count() >= 5
