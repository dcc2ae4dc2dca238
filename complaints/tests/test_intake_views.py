"""The clerk's intake page: registering, the receipt shown once, joint visits of at most 5
representatives, protected attachments, likely matches and the clerk's choice, re-review
refusal and the supervisor's override, and the clerk's area."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from complaints.choices import ComplaintState
from complaints.models import (
    Category,
    CategoryRoute,
    Complainant,
    Complaint,
    ComplaintAttributeValue,
    ComplaintOriginal,
    RepeatContact,
    Respondent,
)
from complaints.tests.factories import ComplaintWorld, advance, complaint_world, file_complaint
from core.models import Attachment, User
from testing.world import World

ADD = reverse("complaints:complaint_add")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def cw(world: World) -> ComplaintWorld:
    return complaint_world(world)


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def people(*rows: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {
        "person-TOTAL_FORMS": str(len(rows)),
        "person-INITIAL_FORMS": "0",
        "person-MIN_NUM_FORMS": "0",
        "person-MAX_NUM_FORMS": "30",
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"person-{index}-{key}"] = value
    return data


def letter(cw: ComplaintWorld, **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "channel": "letter",
        "received_at": "2026-11-20T09:30",
        "category": Category.objects.get(code="CITY-NOISE").pk,
        "region": cw.world.grid_a.pk,
        "title": "夜间施工噪声",
        "summary": "工地夜间施工，噪声扰民。",
        "original_text": "我是张三，住某路1号。",
        "address": "某路1号",
        "visitor_count": "1",
        "respondent_units": [cw.respondent_unit.pk],
        "answer_when": "night",
        "decision": "",
        **people({"name": "张三", "phone": "13800000000", "address": "某路1号"}),
    }
    data.update(extra)
    return data


def test_page_needs_the_desk_permission(cw: ComplaintWorld) -> None:
    assert client_for(cw.user("clerk")).get(ADD).status_code == 200
    assert client_for(cw.world.user("no_permission")).get(ADD).status_code == 403
    assert client_for(cw.user("respondent")).get(ADD).status_code == 403


def test_clerk_registers_a_letter_and_sees_the_receipt_once(cw: ComplaintWorld) -> None:
    client = client_for(cw.user("clerk"))
    response = client.post(ADD, letter(cw))
    assert response.status_code == 302, response.content.decode()[:2000]
    complaint = Complaint.objects.get()
    assert complaint.state == ComplaintState.RECEIVED and complaint.channel == "letter"
    assert Complainant.objects.get(complaint=complaint).name == "张三"
    assert ComplaintOriginal.objects.get(complaint=complaint).text.startswith("我是张三")
    assert ComplaintAttributeValue.objects.get(complaint=complaint).value == "night"
    assert Respondent.objects.get(complaint=complaint).department == cw.respondent_unit
    receipt = client.get(response["Location"])
    page = receipt.content.decode()
    assert complaint.receipt_code in page and "data-query-password" in page
    again = client.get(response["Location"]).content.decode()
    assert "data-query-password" not in again and "cannot be shown again" in again


def test_bad_input_is_explained_and_nothing_is_stored(cw: ComplaintWorld) -> None:
    data = letter(cw, title="", answer_when="")
    response = client_for(cw.user("clerk")).post(ADD, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "nothing was saved" in page and "This field is required." in page
    assert not Complaint.objects.exists() and not Complainant.objects.exists()


def representatives(count: int) -> dict[str, Any]:
    rows = [
        {"name": f"代表{i}", "phone": f"1390000000{i}", "is_representative": "on"}
        for i in range(count)
    ]
    return people(*rows)


def test_joint_visit_takes_five_representatives(cw: ComplaintWorld) -> None:
    data = letter(cw, channel="visit", visitor_count="40", **representatives(5))
    response = client_for(cw.user("clerk")).post(ADD, data)
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.visitor_count == 40
    assert Complainant.objects.filter(complaint=complaint, is_representative=True).count() == 5


def test_joint_visit_with_six_representatives_is_refused(cw: ComplaintWorld) -> None:
    data = letter(cw, channel="visit", visitor_count="40", **representatives(6))
    response = client_for(cw.user("clerk")).post(ADD, data)
    assert response.status_code == 200
    assert "at most 5 representatives; 6 were entered" in response.content.decode()
    assert not Complaint.objects.exists() and not Complainant.objects.exists()


def test_attachments_are_original_material_the_respondent_cannot_download(
    cw: ComplaintWorld,
) -> None:
    upload = SimpleUploadedFile("letter.png", PNG, content_type="image/png")
    response = client_for(cw.user("clerk")).post(ADD, letter(cw, attachments=[upload]))
    assert response.status_code == 302
    original = ComplaintOriginal.objects.get()
    attachment = Attachment.objects.of(original, "original").get()
    url = reverse("hazards:attachment", args=[attachment.pk])
    assert client_for(cw.user("clerk")).get(url).status_code == 200
    assert client_for(cw.user("respondent")).get(url).status_code == 404


def test_a_file_that_is_not_a_photo_or_pdf_stores_nothing(cw: ComplaintWorld) -> None:
    upload = SimpleUploadedFile("x.exe", b"MZ\x90\x00binary", content_type="image/png")
    response = client_for(cw.user("clerk")).post(ADD, letter(cw, attachments=[upload]))
    assert response.status_code == 200
    assert "Only JPEG, PNG or WebP photos and PDF" in response.content.decode()
    assert not Complaint.objects.exists() and not Attachment.objects.exists()


def test_region_outside_the_clerks_area_is_refused(cw: ComplaintWorld) -> None:
    response = client_for(cw.user("clerk_b")).post(ADD, letter(cw))  # grid A
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Complaint.objects.exists()


def test_likely_match_makes_the_clerk_choose_then_links_a_repeat(cw: ComplaintWorld) -> None:
    earlier = file_complaint(cw).complaint
    client = client_for(cw.user("clerk"))
    response = client.post(ADD, letter(cw))
    page = response.content.decode()
    assert response.status_code == 200 and "data-must-decide" in page
    assert f'data-match="{earlier.number}"' in page
    assert Complaint.objects.count() == 1
    linked = client.post(ADD, letter(cw, decision=str(earlier.pk), repeat_note="第二次来信"))
    assert linked.status_code == 302
    earlier.refresh_from_db()
    assert earlier.repeat_count == 1 and Complaint.objects.count() == 1
    repeat = RepeatContact.objects.get(complaint=earlier)
    assert repeat.note == "第二次来信" and repeat.channel == "letter"
    assert Complainant.objects.filter(repeat=repeat).count() == 1
    shown = client.get(linked["Location"]).content.decode()
    assert "data-repeat-count>1<" in shown


def test_clerk_may_decide_it_is_a_new_complaint(cw: ComplaintWorld) -> None:
    file_complaint(cw)
    response = client_for(cw.user("clerk")).post(ADD, letter(cw, decision="new"))
    assert response.status_code == 302 and Complaint.objects.count() == 2


def test_matches_partial_finds_the_same_phone(cw: ComplaintWorld) -> None:
    earlier = file_complaint(cw).complaint
    url = reverse("complaints:intake_matches")
    client = client_for(cw.user("clerk"))
    found = client.get(url, {"person-0-phone": "13800000000"}).content.decode()
    assert earlier.number in found and "same complainant" in found
    elsewhere = client_for(cw.user("clerk_b")).get(url, {"person-0-phone": "13800000000"})
    assert earlier.number not in elsewhere.content.decode()


def test_questions_partial_shows_the_category_questions(cw: ComplaintWorld) -> None:
    noise = Category.objects.get(code="CITY-NOISE")
    url = reverse("complaints:intake_questions")
    page = client_for(cw.user("clerk")).get(url, {"category": noise.pk}).content.decode()
    assert 'name="answer_when"' in page


def test_rereview_refusal_then_supervisor_override_on_the_page(cw: ComplaintWorld) -> None:
    earlier = advance(file_complaint(cw).complaint, cw, ComplaintState.CONCLUDED)
    refused = client_for(cw.user("clerk")).post(ADD, letter(cw, decision="new"))
    assert refused.status_code == 200
    assert earlier.number in refused.content.decode()
    assert "Art. 36" in refused.content.decode()
    assert Complaint.objects.count() == 1
    supervisor = client_for(cw.user("supervisor"))
    asked = supervisor.post(ADD, letter(cw, decision="new")).content.decode()
    assert "give the reason" in asked and 'name="override_reason"' in asked
    accepted = supervisor.post(
        ADD, letter(cw, decision="new", override_reason="有新的事实：施工许可已过期")
    )
    assert accepted.status_code == 302
    complaint = Complaint.objects.exclude(pk=earlier.pk).get()
    assert complaint.previous_case == earlier and complaint.override_by == cw.user("supervisor")


def test_receipt_suggests_the_unit_routing_finds(cw: ComplaintWorld) -> None:
    noise = Category.objects.get(code="CITY-NOISE")
    CategoryRoute.objects.create(category=noise, region=cw.world.county, department=cw.unit)
    client = client_for(cw.user("clerk"))
    response = client.post(ADD, letter(cw))
    page = client.get(response["Location"]).content.decode()
    assert cw.unit.name in page and "data-suggested-unit" in page


def test_receipt_of_a_complaint_outside_the_scope_is_not_found(cw: ComplaintWorld) -> None:
    complaint = file_complaint(cw).complaint
    url = reverse("complaints:intake_receipt", args=[complaint.pk])
    assert client_for(cw.user("clerk_b")).get(url).status_code == 404
