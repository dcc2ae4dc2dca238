"""The documents as PDFs: the text a complainant reads (number, four parts, the review notice,
their own name and address), who may download them, and the audit of every download."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from complaints.choices import ComplaintState, DocumentKind
from complaints.models import CaseDocument, Complaint
from complaints.services import documents as service
from complaints.services import reviews
from complaints.services.protection import recuse
from complaints.tests.factories import ComplaintWorld, advance, complaint_world, file_complaint
from complaints.tests.test_documents import PARTS, approved, approved_notice, at
from core.choices import AuditAction
from core.models import AuditEntry
from testing.pdf import pdf_text
from workflow.engine import fire

pytestmark = pytest.mark.django_db


@pytest.fixture
def cw(world: Any) -> ComplaintWorld:
    return complaint_world(world)


@pytest.fixture
def handling(cw: ComplaintWorld) -> Complaint:
    complaint = file_complaint(cw, received_at=at(2026, 1, 30, 9)).complaint
    return advance(complaint, cw, ComplaintState.HANDLING)


def download(cw: ComplaintWorld, persona: str, document: CaseDocument) -> Any:
    client = Client()
    client.force_login(cw.user(persona))
    return client.get(reverse("complaints:document_pdf", args=[document.pk]))


def views_of_identity() -> int:
    return AuditEntry.objects.filter(
        action=AuditAction.VIEW, content_type__model="complainant"
    ).count()


def test_the_written_opinion_has_its_four_parts_and_the_review_notice(cw, handling):
    document = approved(handling, cw)
    service.deliver(document, cw.user("handler"), at(2026, 3, 2, 10), "post", "EMS 1")
    document.refresh_from_db()
    before = views_of_identity()
    response = download(cw, "handler", document)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "".join(document.number.split()) in text
    assert "信访事项处理意见书" in text and "测试县住建局" in text
    for heading in ("一、信访请求", "二、事实和理由", "三、处理意见", "四、法律依据"):
        assert heading in text
    for part in ("request", "facts_and_reasons", "decision"):
        assert "".join(PARTS[part].split()) in text
    assert "处理结果：支持" in text and "30日内" in text and "第三十五条" in text
    # addressed to the complainant, and that showing of identity is audited
    assert "张三" in text and "某路1号" in text
    assert views_of_identity() == before + 1
    assert "邮寄送达" in text


def test_a_draft_is_marked_as_a_draft(cw, handling):
    draft = service.draft_opinion(handling, cw.user("handler"), DocumentKind.OPINION, **PARTS)
    text = pdf_text(download(cw, "handler", draft).content)
    assert "草稿" in text


def in_state_for(kind: str, cw: ComplaintWorld, handling: Complaint) -> Complaint:
    """A complaint in a state where a notice of `kind` may be issued (ISSUED_IN)."""
    clerk = cw.user("clerk")
    if kind == DocumentKind.REFERRAL_NOTICE:
        data = {"referral_body": "arbitration", "referral_reason": "属于劳动争议仲裁事项"}
        return fire("refer", handling, clerk, data)
    if kind == DocumentKind.NOT_ACCEPTED_NOTICE:
        received = file_complaint(cw).complaint
        return fire("not_accept", received, clerk, {"not_accepted_reason": "不属于信访事项"})
    return handling


@pytest.mark.parametrize(
    ("kind", "title", "words"),
    [
        ("receipt_notice", "信访事项登记告知书", "第二十三条"),
        ("extension_notice", "信访事项延期办理告知书", "第三十四条"),
        ("referral_notice", "信访事项法定途径告知书", "第三十一条"),
        ("not_accepted_notice", "信访事项不予受理告知书", "不予受理"),
    ],
)
def test_each_notice_prints_its_title_number_and_text(cw, handling, kind, title, words):
    complaint = in_state_for(kind, cw, handling)
    notice = approved_notice(complaint, cw, kind)
    text = pdf_text(download(cw, "clerk", notice).content)
    assert title in text and "".join(notice.number.split()) in text
    assert words in text and "夜间施工噪声" in text and "张三" in text


def test_the_review_and_rereview_opinions_say_what_comes_next(cw):
    replied = advance(file_complaint(cw).complaint, cw, ComplaintState.REPLIED)
    complaint = reviews.request_review(replied, cw.user("clerk"))  # to the superior organ
    review = approved(complaint, cw, DocumentKind.REVIEW_OPINION)
    text = pdf_text(download(cw, "review_leader", review).content)
    assert "信访事项复查意见书" in text and "第三十六条" in text and "请求复核" in text


def test_the_unit_complained_about_never_gets_the_pdf(cw, handling):
    document = approved(handling, cw)
    before = views_of_identity()
    assert download(cw, "respondent", document).status_code == 404
    assert views_of_identity() == before


def test_roles_without_sight_of_identity_are_refused(cw, handling):
    document = approved(handling, cw)
    assert download(cw, "supervisor", document).status_code == 403


def test_out_of_scope_is_404(cw, handling):
    document = approved(handling, cw)
    assert download(cw, "clerk_b", document).status_code == 404


def test_staff_who_stepped_aside_get_404(cw, handling):
    document = approved(handling, cw)
    recuse(cw.user("handler"), handling, "与信访人系亲属")
    assert download(cw, "handler", document).status_code == 404
