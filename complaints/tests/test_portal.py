"""The public portal with Django's test client: submitting (limits, human check, uploads),
the receipt shown once, tracking, rating and asking for review; nothing internal shown."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from complaints.choices import (
    RECEIPT_NOTICE,
    REVIEW_OPINION,
    REVIEW_REQUEST,
    CallbackSource,
    Channel,
    ComplaintState,
    DocumentKind,
    DocumentState,
)
from complaints.models import (
    Callback,
    CaseDocument,
    CaseNote,
    Category,
    Complainant,
    Complaint,
    ComplaintOriginal,
)
from complaints.portal import humancheck
from complaints.services.intake import password_matches
from complaints.tests.factories import (
    ComplaintWorld,
    advance,
    approved_opinion,
    complaint_world,
    file_complaint,
)
from core.models import Attachment, AuditEntry
from testing.images import png_bytes
from testing.world import World
from workflow.clocks import open_clocks
from workflow.engine import fire

SUBMIT, RECEIPT, TRACK = reverse("portal:submit"), reverse("portal:receipt"), "/portal/track/"


@pytest.fixture(autouse=True)
def fresh_counts() -> Iterator[None]:
    cache.clear()  # the per-address counts and used questions live in the cache
    yield
    cache.clear()


@pytest.fixture
def cw(world: World) -> ComplaintWorld:
    return complaint_world(world)


def answered(page: str) -> dict[str, str]:
    """Read the human check off the page as a person would, and answer it."""
    token = re.search(r'name="human_token" value="([^"]+)"', page)
    assert token is not None
    question = humancheck.question_of(token.group(1))
    assert question is not None
    return {"human_token": question.token, "human_answer": str(question.first + question.second)}


def noise_form(cw: ComplaintWorld, **overrides: Any) -> dict[str, Any]:
    noise = Category.objects.get(code="CITY-NOISE")
    data: dict[str, Any] = {
        "category": noise.pk,
        f"q_{noise.pk}_when": "night",
        "region": cw.world.grid_a.pk,
        "where_address": "某路1号旁工地",
        "title": "工地夜间施工噪声",
        "description": "我住在某路1号，旁边工地每晚施工到凌晨两点，孩子无法入睡。",
        "name": "李四",
        "phone": "13900000000",
        "contact_address": "某路1号3单元",
        "email": "",
        "respondent_unit": cw.respondent_unit.pk,
    }
    data.update(overrides)
    return data


def post_submit(client: Client, data: dict[str, Any], **files: Any) -> Any:
    page = client.get(SUBMIT).content.decode()
    return client.post(SUBMIT, {**data, **answered(page), **files})


def test_submit_stores_complaint_identity_original_and_photo(
    cw: ComplaintWorld, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    client = Client()
    photo = SimpleUploadedFile("site.png", png_bytes(), content_type="image/png")
    response = post_submit(client, noise_form(cw), attachments=photo)
    assert response.status_code == 302 and response.url == RECEIPT

    complaint = Complaint.objects.get()
    assert complaint.channel == Channel.PORTAL and complaint.state == ComplaintState.RECEIVED
    assert (
        complaint.region == cw.world.grid_a
        and complaint.summary == ""
        and complaint.registered_by is None
    )
    assert complaint.contact_known
    person = Complainant.objects.get(complaint=complaint)
    assert (person.name, person.phone, person.address) == ("李四", "13900000000", "某路1号3单元")
    original = ComplaintOriginal.objects.get(complaint=complaint)
    assert "每晚施工到凌晨两点" in original.text
    assert Attachment.objects.of(original, "original").get().media_type == "image/png"
    assert complaint.answers.get().value == "night"
    assert complaint.respondents.get().department == cw.respondent_unit
    assert open_clocks(complaint, (RECEIPT_NOTICE,)).exists()

    receipt = client.get(RECEIPT).content.decode()
    code = re.search(r"data-receipt-code>(\w+)<", receipt)
    password = re.search(r"data-query-password>(\w+)<", receipt)
    assert code is not None and password is not None
    assert code.group(1) == complaint.receipt_code and password_matches(
        complaint, password.group(1)
    )
    # Shown once: the second visit no longer has them.
    again = client.get(RECEIPT).content.decode()
    assert complaint.receipt_code not in again and password.group(1) not in again


def test_anonymous_submit_owes_no_receipt_notice(cw: ComplaintWorld) -> None:
    anonymous = noise_form(cw, name="", phone="", contact_address="", email="")
    assert post_submit(Client(), anonymous).status_code == 302
    complaint = Complaint.objects.get()
    assert not complaint.contact_known
    assert not Complainant.objects.filter(complaint=complaint).exists()
    # Art. 23: no written notice is owed when the name or address is unknown.
    assert not open_clocks(complaint, (RECEIPT_NOTICE,)).exists()


def test_submissions_past_the_limit_get_429(cw: ComplaintWorld, settings: Any) -> None:
    settings.PORTAL_SUBMIT_LIMIT = 2
    client = Client()
    assert post_submit(client, noise_form(cw)).status_code == 302
    assert post_submit(client, noise_form(cw, title="第二次")).status_code == 302
    refused = post_submit(client, noise_form(cw, title="第三次"))
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "Too many attempts" in refused.content.decode()
    assert Complaint.objects.count() == 2


def test_wrong_human_answer_stores_nothing(cw: ComplaintWorld) -> None:
    client = Client()
    page = client.get(SUBMIT).content.decode()
    check = answered(page)
    wrong = {**check, "human_answer": str(int(check["human_answer"]) + 1)}
    response = client.post(SUBMIT, {**noise_form(cw), **wrong})
    assert response.status_code == 200
    assert "That answer is not right" in response.content.decode()
    assert not Complaint.objects.exists()
    # A new question is asked; the entries are kept.
    assert check["human_token"] not in response.content.decode()
    assert "工地夜间施工噪声" in response.content.decode()


def test_a_solved_question_cannot_be_replayed(cw: ComplaintWorld) -> None:
    client = Client()
    check = answered(client.get(SUBMIT).content.decode())
    assert client.post(SUBMIT, {**noise_form(cw), **check}).status_code == 302
    replay = client.post(SUBMIT, {**noise_form(cw, title="再来一次"), **check})
    assert replay.status_code == 200
    assert "already used" in replay.content.decode()
    assert Complaint.objects.count() == 1


def test_oversized_attachment_refused_and_nothing_stored(
    cw: ComplaintWorld, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT, settings.ATTACHMENT_MAX_BYTES = tmp_path, 1024
    big = SimpleUploadedFile("big.png", png_bytes() + b"\0" * 2048, content_type="image/png")
    response = post_submit(Client(), noise_form(cw), attachments=big)
    assert response.status_code == 200
    assert "big.png is larger than" in response.content.decode()
    assert not Complaint.objects.exists() and not Attachment.objects.exists()
    assert not list(tmp_path.rglob("*.png"))


def test_bad_input_gets_clear_errors(cw: ComplaintWorld) -> None:
    noise = Category.objects.get(code="CITY-NOISE")
    data = noise_form(cw, title="", region="", where_address="", **{f"q_{noise.pk}_when": ""})
    text = post_submit(Client(), data).content.decode()
    assert 'data-error="title"' in text
    assert "Choose where it is, or give an address." in text
    assert f'data-error="q_{noise.pk}_when"' in text  # the noise question is required
    assert not Complaint.objects.exists()


def tracked_client(complaint: Complaint, password: str) -> Client:
    client = Client()
    response = client.post(TRACK, {"receipt_code": complaint.receipt_code, "password": password})
    assert response.status_code == 302
    return client


def test_wrong_password_and_unknown_code_get_the_same_refusal(cw: ComplaintWorld) -> None:
    receipt = file_complaint(cw)
    client = Client()
    wrong = client.post(TRACK, {"receipt_code": receipt.receipt_code, "password": "WRONG234"})
    unknown = client.post(TRACK, {"receipt_code": "ZZZZZZZZZZ", "password": "WRONG234"})
    message = "The receipt code or the query password is not right."
    assert wrong.status_code == unknown.status_code == 200
    assert message in wrong.content.decode() and message in unknown.content.decode()
    assert receipt.complaint.title not in wrong.content.decode()
    # Nothing of the complaint is reachable without the look-up.
    assert client.get(reverse("portal:reply_pdf", args=[1])).status_code == 404


def test_tracking_look_ups_are_limited(cw: ComplaintWorld, settings: Any) -> None:
    settings.PORTAL_TRACK_LIMIT = 3
    client = Client()
    for _ in range(3):
        client.post(TRACK, {"receipt_code": "ZZZZZZZZZZ", "password": "WRONG234"})
    assert client.post(TRACK, {"receipt_code": "X", "password": "Y"}).status_code == 429


def test_tracking_shows_progress_never_internal_notes_staff_or_respondents(
    cw: ComplaintWorld,
) -> None:
    receipt = file_complaint(cw)
    complaint = advance(receipt.complaint, cw, ComplaintState.HANDLING)
    handler = cw.user("handler")
    CaseNote.objects.create(
        complaint=complaint, author=handler, text="内部：先约谈城管局", for_complainant=False
    )
    CaseNote.objects.create(
        complaint=complaint, author=handler, text="已安排现场核查。", for_complainant=True
    )
    # Typed with dashes and in lower case, as read off paper.
    code = "-".join([receipt.receipt_code[:5], receipt.receipt_code[5:]]).lower()
    client = Client()
    opened = client.post(TRACK, {"receipt_code": code, "password": receipt.query_password})
    assert opened["Location"] == TRACK
    page = client.get(TRACK).content.decode()
    assert 'data-status="handling"' in page
    assert "taken up your matter" in page
    assert "A written reply is due by" in page
    assert "已安排现场核查。" in page
    assert "内部" not in page
    assert handler.username not in page and cw.user("leader").username not in page
    assert cw.respondent_unit.name not in page
    assert TRACK + "?" not in page and receipt.query_password not in page


def delivered_opinion(complaint: Complaint, cw: ComplaintWorld, days_ago: int = 0) -> Complaint:
    """A complaint whose approved written opinion was delivered `days_ago` days ago."""
    complaint = advance(complaint, cw, ComplaintState.HANDLING)
    opinion = approved_opinion(complaint, cw, DocumentKind.OPINION)
    delivered = timezone.now() - dt.timedelta(days=days_ago, minutes=1)
    data = {"opinion_delivered_at": delivered, "outcome": "explained"}
    complaint = fire("deliver_opinion", complaint, cw.user("clerk"), data)
    CaseDocument.objects.filter(pk=opinion.pk).update(
        state=DocumentState.DELIVERED, delivered_at=delivered, delivery_method="post"
    )
    return complaint


def test_reply_is_shown_with_its_pdf(cw: ComplaintWorld) -> None:
    receipt = file_complaint(cw)
    complaint = delivered_opinion(receipt.complaint, cw)
    client = tracked_client(complaint, receipt.query_password)
    page = client.get(TRACK).content.decode()
    opinion = CaseDocument.objects.get(complaint=complaint)
    assert f'data-reply="{opinion.pk}"' in page and "事实和理由" in page
    assert "You may ask for a review until" in page
    pdf = client.get(reverse("portal:reply_pdf", args=[opinion.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    # Another visitor, or another complaint's session, gets nothing.
    assert Client().get(reverse("portal:reply_pdf", args=[opinion.pk])).status_code == 404


def test_rating_is_stored_as_a_portal_callback(cw: ComplaintWorld) -> None:
    receipt = file_complaint(cw)
    complaint = delivered_opinion(receipt.complaint, cw)
    client = tracked_client(complaint, receipt.query_password)
    response = client.post(reverse("portal:rate"), {"satisfaction": "unsatisfied", "solved": "no"})
    assert response.status_code == 302
    callback = Callback.objects.get(complaint=complaint)
    assert callback.source == CallbackSource.PORTAL
    assert (callback.satisfaction, callback.solved, callback.contacted) == (
        "unsatisfied",
        False,
        True,
    )
    page = client.get(TRACK).content.decode()
    assert 'data-rated="unsatisfied"' in page and "data-portal-rate" not in page
    client.post(reverse("portal:rate"), {"satisfaction": "satisfied", "solved": "yes"})
    assert Callback.objects.filter(complaint=complaint).count() == 1  # once per reply


def test_review_within_the_window_starts_the_review_clock(cw: ComplaintWorld) -> None:
    receipt = file_complaint(cw)
    complaint = delivered_opinion(receipt.complaint, cw)
    client = tracked_client(complaint, receipt.query_password)
    asked = {"reasons": "噪声仍未停止。", "confirmed": "1"}
    assert client.post(reverse("portal:review"), asked).status_code == 302
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.REVIEWING and complaint.review_requested_at is not None
    assert open_clocks(complaint, (REVIEW_OPINION,)).exists()
    assert not open_clocks(complaint, (REVIEW_REQUEST,)).exists()
    assert "Your request for a review is being considered." in client.get(TRACK).content.decode()


def test_a_review_request_needs_reasons_and_a_confirmation_then_the_reviewers_read_them(
    cw: ComplaintWorld,
) -> None:
    receipt = file_complaint(cw)
    complaint = delivered_opinion(receipt.complaint, cw)
    client = tracked_client(complaint, receipt.query_password)
    url = reverse("portal:review")

    # Without reasons: asked for them, nothing recorded.
    page = client.post(url, {"confirmed": "1"}).content.decode()
    assert 'data-error="reasons"' in page
    assert Complaint.objects.get(pk=complaint.pk).state == ComplaintState.REPLIED

    # With reasons: the page says what asking does and waits for the confirmation.
    reasons = "工地仍在夜间施工，答复所述整改并未落实。"
    page = client.post(url, {"reasons": reasons}).content.decode()
    assert "data-review-confirm" in page and "30 days" in page and reasons in page
    assert Complaint.objects.get(pk=complaint.pk).state == ComplaintState.REPLIED

    # Confirmed: the request is made and the reasons are kept with the original, audited.
    assert client.post(url, {"reasons": reasons, "confirmed": "1"}).status_code == 302
    assert Complaint.objects.get(pk=complaint.pk).state == ComplaintState.REVIEWING
    original = ComplaintOriginal.objects.get(complaint=complaint)
    assert original.review_reasons == reasons
    assert AuditEntry.objects.filter(
        content_type__model="complaintoriginal", object_id=str(original.pk), action="update"
    ).exists()

    # The desk reads them with the original; the unit complained about never does.
    identity = reverse("complaints:complaint_identity", args=[complaint.pk])
    desk = Client()
    desk.force_login(cw.user("clerk"))
    assert reasons in desk.get(identity).content.decode()
    respondent = Client()
    respondent.force_login(cw.user("respondent"))
    assert reasons not in respondent.get(complaint.get_absolute_url()).content.decode()
    assert respondent.get(identity).status_code == 404


def test_review_after_the_window_is_refused_with_its_end_date(cw: ComplaintWorld) -> None:
    receipt = file_complaint(cw)
    complaint = delivered_opinion(receipt.complaint, cw, days_ago=45)
    clock = open_clocks(complaint, (REVIEW_REQUEST,)).get()
    assert clock.due < timezone.now()
    client = tracked_client(complaint, receipt.query_password)
    response = client.post(reverse("portal:review"), follow=True)
    text = response.content.decode()
    assert "The time to ask ended at" in text
    assert timezone.localtime(clock.due - dt.timedelta(seconds=1)).strftime("%Y-%m-%d") in text
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.REPLIED


@pytest.mark.parametrize("language", ["zh-hans", "zh-hant", "en"])
def test_pages_render_in_each_language(cw: ComplaintWorld, language: str) -> None:
    client = Client()
    client.post("/i18n/setlang/", {"language": language, "next": SUBMIT})
    for url in (SUBMIT, TRACK, RECEIPT):
        response = client.get(url)
        assert response.status_code == 200
        text = response.content.decode()
        assert f'<html lang="{language}">' in text
        assert 'name="viewport"' in text
        # CSP: no inline scripts or style attributes.
        assert "<script>" not in text and "style=" not in text


def test_categories_not_offered_to_citizens_are_refused(cw: ComplaintWorld) -> None:
    hidden = Category.objects.get(code="EDU-FEES")
    Category.objects.filter(pk=hidden.pk).update(public=False)
    page = Client().get(SUBMIT).content.decode()
    assert hidden.name not in page
    response = post_submit(Client(), noise_form(cw, category=hidden.pk))
    assert "Choose what the matter is about." in response.content.decode() or (
        "Select a valid choice" in response.content.decode()
    )
    assert not Complaint.objects.exists()


def test_channel_account_is_the_audited_actor(cw: ComplaintWorld) -> None:
    assert post_submit(Client(), noise_form(cw)).status_code == 302
    complaint = Complaint.objects.get()
    entry = AuditEntry.objects.filter(
        content_type__model="complaint", object_id=str(complaint.pk)
    ).first()
    assert entry is not None and entry.actor_label == "channel:portal"


def test_complaint_concluded_after_rereview_is_refused_again(cw: ComplaintWorld) -> None:
    earlier = advance(file_complaint(cw).complaint, cw, ComplaintState.CONCLUDED)
    assert earlier.concluded_after_rereview
    again = noise_form(
        cw, phone="13800000000", title="夜间施工噪声", description="工地夜间施工，噪声扰民。"
    )
    response = post_submit(Client(), again)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Art. 36" in text and earlier.number in text
    assert Complaint.objects.count() == 1


def test_a_tracking_session_opens_only_its_own_complaint(cw: ComplaintWorld) -> None:
    mine, other = file_complaint(cw), file_complaint(cw, title="另一件事")
    delivered_opinion(other.complaint, cw)
    client = tracked_client(mine.complaint, mine.query_password)
    theirs = CaseDocument.objects.get(complaint=other.complaint)
    assert client.get(reverse("portal:reply_pdf", args=[theirs.pk])).status_code == 404
    assert "另一件事" not in client.get(TRACK).content.decode()
    # Closing the tracking session closes the complaint's pages.
    client.post(reverse("portal:track_end"))
    assert client.post(reverse("portal:review")).status_code == 404


def test_a_tampered_question_is_refused(cw: ComplaintWorld) -> None:
    client = Client()
    check = answered(client.get(SUBMIT).content.decode())
    forged = {"human_token": check["human_token"][:-2] + "xx", "human_answer": "2"}
    response = client.post(SUBMIT, {**noise_form(cw), **forged})
    assert "That answer is not right" in response.content.decode()
    assert not Complaint.objects.exists()
