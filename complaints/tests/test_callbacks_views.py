"""Callback pages and the rates page: who may call, scoping, the figures shown."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from complaints.choices import ComplaintState
from complaints.models import Callback, Complaint
from complaints.services.callbacks import record_callback
from complaints.tests.factories import ComplaintWorld, advance, complaint_world, file_complaint
from core.models import User
from testing.world import make_user


@pytest.fixture
def cw(world) -> ComplaintWorld:  # type: ignore[no-untyped-def]
    cw = complaint_world(world)
    cw.users["unit_clerk"] = make_user(
        "unit_clerk", "complaint_clerk", regions=[world.county], departments=[cw.unit]
    )
    return cw


@pytest.fixture
def complaint(cw: ComplaintWorld) -> Complaint:
    return advance(file_complaint(cw).complaint, cw, ComplaintState.REPLIED)


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


ANSWERS = {"contacted": "yes", "solved": "yes", "satisfaction": "satisfied", "note": "满意"}


def test_the_desk_sees_the_complaint_due_and_records_the_callback(cw, complaint):
    client = client_for(cw.user("clerk"))
    due = client.get(reverse("complaints:callback_due"))
    assert due.status_code == 200 and f'data-case="{complaint.pk}"' in due.content.decode()
    response = client.post(reverse("complaints:callback_add", args=[complaint.pk]), ANSWERS)
    assert response.status_code == 302
    callback = Callback.objects.get(complaint=complaint)
    assert (callback.contacted, callback.solved, callback.satisfaction) == (True, True, "satisfied")
    after = client.get(reverse("complaints:callback_due")).content.decode()
    assert f'data-case="{complaint.pk}"' not in after


def test_the_handling_units_own_clerk_is_refused_with_the_reason(cw, complaint):
    client, url = (
        client_for(cw.user("unit_clerk")),
        reverse("complaints:callback_add", args=[complaint.pk]),
    )
    page = client.get(url)
    assert page.status_code == 403
    assert "outside the handling unit" in page.content.decode()
    response = client.post(url, ANSWERS)
    assert response.status_code == 403 and not Callback.objects.exists()


def test_a_reached_complainant_without_a_grade_is_a_form_error(cw, complaint):
    url = reverse("complaints:callback_add", args=[complaint.pk])
    response = client_for(cw.user("clerk")).post(url, {"contacted": "yes"})
    assert response.status_code == 400
    assert 'data-error-for="satisfaction"' in response.content.decode()
    assert not Callback.objects.exists()


def test_callback_pages_are_scoped_and_need_the_permission(cw, complaint):
    url = reverse("complaints:callback_add", args=[complaint.pk])
    assert client_for(cw.user("clerk_b")).get(url).status_code == 404
    assert client_for(cw.user("handler")).get(url).status_code == 403
    assert client_for(cw.user("handler")).get(reverse("complaints:callback_due")).status_code == 403


def test_the_complaint_page_lists_callbacks_for_the_unit_complained_about_without_identity(
    cw, complaint
):
    record_callback(complaint, cw.user("clerk"), contacted=True, solved=False,
                    satisfaction="unsatisfied", note="仍有噪声")  # fmt: skip
    page = client_for(cw.user("respondent")).get(complaint.get_absolute_url())
    assert page.status_code == 200
    text = page.content.decode()
    assert "仍有噪声" in text and "张三" not in text and "13800000000" not in text


def test_the_rates_page_shows_the_figures_and_the_formula_version(cw, complaint):
    record_callback(
        complaint, cw.user("clerk"), contacted=True, solved=True, satisfaction="satisfied"
    )
    client = client_for(cw.user("supervisor"))
    page = client.get(reverse("complaints:rates"), {"group_by": "category"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "Formula version 1" in text and "噪声扰民" in text
    assert 'data-figure="composite">100.00<' in text
    assert client.get(reverse("complaints:rates"), {"group_by": "people"}).status_code == 400
    nobody = make_user("nobody", None, regions=[cw.world.county])
    assert client_for(nobody).get(reverse("complaints:rates")).status_code == 403


def test_empty_groups_show_a_dash_not_an_error(cw):
    page = client_for(cw.user("clerk_b")).get(reverse("complaints:rates"))
    assert page.status_code == 200
    assert 'data-figure="response_rate">—<' in page.content.decode()
