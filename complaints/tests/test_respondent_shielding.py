"""Nobody is exposed to the one they complained about (Letters and Visits Regulations 2022,
Arts 30 and 46; DESIGN.md §6): a person named as respondent never sees the case, the unit
complained about reads the matter and acts on nothing, and routing never proposes it."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from complaints.choices import ComplaintState
from complaints.models import CaseNote, Category, CategoryRoute, Complaint
from complaints.services.intake import RespondentData
from complaints.tests.factories import ComplaintWorld, advance, complaint_world, file_complaint
from core.models import AuditEntry, User
from testing.api import token_client
from testing.world import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def cw(world: Any) -> ComplaintWorld:
    return complaint_world(world)


@pytest.fixture
def named_staff(cw: ComplaintWorld) -> User:
    """A county-wide handler: without being named, every case of the county is in reach."""
    return make_user("named_staff", "handling_staff", regions=[cw.world.county])


def test_a_staff_member_named_as_respondent_never_sees_the_case(client, cw, named_staff):
    about_them = file_complaint(cw, respondents=[RespondentData(user=named_staff)]).complaint
    about_them = advance(about_them, cw, ComplaintState.HANDLING)
    other = file_complaint(cw, title="道路积水").complaint
    api = token_client(named_staff)
    assert api.get(f"/api/v1/complaints/{about_them.pk}/").status_code == 404
    listed = {row["id"] for row in api.get("/api/v1/complaints/").json()["results"]}
    assert other.pk in listed and about_them.pk not in listed
    tasks = api.get("/api/v1/complaint-tasks/", {"complaint": about_them.pk}).json()
    assert tasks["count"] == 0
    client.force_login(named_staff)
    detail = reverse("complaints:complaint_detail", args=[about_them.pk])
    assert client.get(detail).status_code == 404
    listing = client.get(reverse("complaints:complaint_list")).content.decode()
    assert other.number in listing and about_them.number not in listing
    # the unit's own staff still handle it
    handler = token_client(cw.user("handler"))
    assert handler.get(f"/api/v1/complaints/{about_them.pk}/").status_code == 200


def test_the_unit_complained_about_reads_the_matter_but_not_where_the_complainant_lives(client, cw):
    complaint = file_complaint(cw, address="某路1号").complaint
    complaint = advance(complaint, cw, ComplaintState.HANDLING)
    url = f"/api/v1/complaints/{complaint.pk}/"
    seen = token_client(cw.user("respondent")).get(url).json()
    assert seen["title"] == "夜间施工噪声" and "address" not in seen and "lat" not in seen
    assert token_client(cw.user("handler")).get(url).json()["address"] == "某路1号"
    client.force_login(cw.user("respondent"))
    page = client.get(reverse("complaints:complaint_detail", args=[complaint.pk]))
    assert page.status_code == 200
    assert "夜间施工噪声" in page.content.decode() and "某路1号" not in page.content.decode()


def test_the_unit_complained_about_cannot_add_a_note(cw):
    complaint = advance(file_complaint(cw).complaint, cw, ComplaintState.HANDLING)
    api = token_client(cw.user("respondent"))
    # it may open the case to explain itself
    assert api.get(f"/api/v1/complaints/{complaint.pk}/").status_code == 200
    entries = AuditEntry.objects.count()
    body = {"complaint": complaint.pk, "text": "我们没有夜间施工。"}
    response = api.post("/api/v1/complaint-notes/", body, format="json")
    assert response.status_code == 403
    assert "named in this complaint" in response.json()["detail"]
    assert not CaseNote.objects.filter(complaint=complaint).exists()
    assert AuditEntry.objects.count() == entries
    # the lead unit still writes its notes
    written = token_client(cw.user("handler")).post("/api/v1/complaint-notes/", body, "json")
    assert written.status_code == 201


def test_the_routing_suggestion_never_proposes_the_unit_complained_about(client, cw):
    noise = Category.objects.get(code="CITY-NOISE")
    parent = Category.objects.get(children=noise)
    county = cw.world.county
    CategoryRoute.objects.create(category=noise, region=county, department=cw.respondent_unit)
    CategoryRoute.objects.create(category=parent, region=county, department=cw.unit)
    named = file_complaint(cw).complaint  # names the respondent unit
    client.force_login(cw.user("clerk"))
    page = client.get(reverse("complaints:complaint_detail", args=[named.pk])).content.decode()
    assert f'<option value="{cw.unit.pk}" selected>' in page
    assert f'<option value="{cw.respondent_unit.pk}" selected>' not in page
    # routing without naming a unit goes to the suggestion, never to the unit complained about
    url = reverse("api:complaint-transition", args=[named.pk, "route"])
    routed = token_client(cw.user("clerk")).post(
        url, {"version": named.version, "data": {"summary": "夜间施工噪声"}}, format="json"
    )
    assert routed.status_code == 200, routed.content
    assert Complaint.objects.get(pk=named.pk).department == cw.unit
