"""Hazard pages: the generic four permission cases, the board, the overdue list, reporting,
firing transitions with the version the page showed, and the premises panel."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, models
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEntry, User
from hazards.choices import HazardSource, HazardState
from hazards.models import Hazard
from hazards.services.hazards import report_hazard
from hazards.views.hazards import hazards_panel
from testing.views import DetailViewTests, ExportTests, ListViewTests, Rows
from testing.world import World, make_user

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def in_days(days: int) -> dt.datetime:
    return timezone.now() + dt.timedelta(days=days)


def hazard_at(world: World, township: str, title: str, **extra) -> Hazard:
    premises = world.premises_a if township == "township_a" else world.premises_b
    return report_hazard(
        user=world.user(township), premises=premises, title=title, source="ad_hoc", **extra
    )


class TestHazardPages(ListViewTests, ExportTests, DetailViewTests):
    model = Hazard

    def url(self, page: str, obj: models.Model | None = None) -> str:
        args = [obj.pk] if obj is not None else []
        return reverse(f"hazards:hazard_{page}", args=args)

    def make_rows(self, world: World) -> Rows:
        inside = hazard_at(world, "township_a", "甲镇隐患", rectify_by=in_days(5))
        outside = hazard_at(world, "township_b", "乙镇隐患", rectify_by=in_days(5))
        return Rows(in_scope=inside, out_of_scope=outside, deletable=inside)


def test_the_board_counts_by_state_within_the_scope(client, world):
    hazard_at(world, "township_a", "甲一", rectify_by=in_days(3))
    hazard_at(world, "township_a", "甲二")
    hazard_at(world, "township_b", "乙一", rectify_by=in_days(3))
    client.force_login(world.user("township_a"))
    response = client.get(reverse("hazards:hazard_board"))
    assert response.status_code == 200
    columns = {c.state: c for c in response.context["columns"]}
    assert columns[HazardState.RECTIFYING].count == 1
    assert columns[HazardState.REGISTERED].count == 1
    content = response.content.decode()
    assert "甲一" in content and "甲二" in content and "乙一" not in content


def test_an_overdue_hazard_is_on_the_overdue_list(client, world):
    late = hazard_at(
        world, "township_a", "逾期未改", rectify_by=timezone.now() - dt.timedelta(hours=1)
    )
    on_time = hazard_at(world, "township_a", "按期整改", rectify_by=in_days(3))
    client.force_login(world.user("township_a"))
    content = client.get(reverse("hazards:hazard_overdue")).content.decode()
    assert late.number in content
    assert on_time.number not in content
    listed = client.get(reverse("hazards:hazard_list"), {"overdue": "true"}).content.decode()
    assert late.number in listed and on_time.number not in listed


def test_an_enterprise_officer_self_reports(client, world):
    officer = world.user("enterprise")
    client.force_login(officer)
    response = client.post(
        reverse("hazards:hazard_add"),
        {"premises": world.premises_a.pk, "title": "电线老化", "grade": "general",
         "rectify_by": in_days(5).strftime("%Y-%m-%dT%H:%M")},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()
    hazard = Hazard.objects.get(title="电线老化")
    assert hazard.source == HazardSource.ENTERPRISE
    assert hazard.state == HazardState.RECTIFYING


def test_a_premises_outside_the_scope_is_not_offered(client, world):
    client.force_login(world.user("township_a"))
    response = client.post(
        reverse("hazards:hazard_add"), {"premises": world.premises_b.pk, "title": "x"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["premises"]
    assert not Hazard.objects.exists()


def test_reporting_needs_the_permission(client, world):
    client.force_login(world.user("no_permission"))
    assert client.get(reverse("hazards:hazard_add")).status_code == 403


def test_evidence_and_rectification_in_one_post_then_verification(client, world):
    hazard = hazard_at(world, "township_a", "灭火器失效", rectify_by=in_days(5))
    client.force_login(world.user("enterprise"))
    page = client.get(hazard.get_absolute_url())
    assert [t.name for t in page.context["transitions"]] == ["rectify"]
    response = client.post(
        reverse("hazards:hazard_transition", args=[hazard.pk, "rectify"]),
        {
            "version": hazard.version,
            "rectification_note": "已更换",
            "evidence": SimpleUploadedFile("after.png", PNG, content_type="image/png"),
        },
    )
    assert response.status_code == 302
    hazard.refresh_from_db()
    assert hazard.state == HazardState.RECTIFIED
    assert hazard.attachment_count("evidence") == 1
    client.force_login(world.user("township_a"))
    client.post(
        reverse("hazards:hazard_transition", args=[hazard.pk, "verify"]),
        {"version": hazard.version, "confirmed": "1"},
    )
    hazard.refresh_from_db()
    assert hazard.state == HazardState.VERIFIED
    detail = client.get(hazard.get_absolute_url()).content.decode()
    assert "after.png" in detail


def test_a_refused_step_keeps_no_evidence(client, world):
    hazard = hazard_at(world, "township_a", "灭火器失效", rectify_by=in_days(5))
    client.force_login(world.user("enterprise"))
    client.post(
        reverse("hazards:hazard_transition", args=[hazard.pk, "rectify"]),
        {
            "version": hazard.version,
            "evidence": SimpleUploadedFile("after.png", PNG, content_type="image/png"),
        },
    )
    hazard.refresh_from_db()
    assert hazard.state == HazardState.RECTIFYING
    assert hazard.attachment_count("evidence") == 0


def test_a_stale_page_gets_the_changed_by_someone_else_message(client, world):
    hazard = hazard_at(world, "township_a", "楼梯扶手松动", rectify_by=in_days(5))
    stale = hazard.version
    Hazard.objects.filter(pk=hazard.pk).update(version=stale + 1)
    client.force_login(world.user("township_a"))
    entries = AuditEntry.objects.count()
    response = client.post(
        reverse("hazards:hazard_transition", args=[hazard.pk, "grade"]),
        {"version": stale, "grade": "major",
         "rectify_by": in_days(9).strftime("%Y-%m-%dT%H:%M")},
        follow=True,
    )  # fmt: skip
    assert "changed by someone else" in response.content.decode()
    assert Hazard.objects.get(pk=hazard.pk).grade == "general"
    assert AuditEntry.objects.count() == entries


def test_a_transition_on_a_hazard_outside_the_scope_is_404(client, world):
    hazard = hazard_at(world, "township_b", "乙镇隐患", rectify_by=in_days(5))
    client.force_login(world.user("township_a"))
    response = client.post(
        reverse("hazards:hazard_transition", args=[hazard.pk, "grade"]),
        {"version": hazard.version, "grade": "major"},
    )
    assert response.status_code == 404


def test_major_hazard_plan_and_controls_from_the_page(client, world):
    hazard = hazard_at(world, "township_a", "危房", grade="major", rectify_by=in_days(30))
    client.force_login(world.user("enterprise"))
    response = client.post(
        reverse("hazards:hazard_plan", args=[hazard.pk]),
        {
            "goals_and_tasks": "拆除",
            "methods_and_measures": "封闭后拆除",
            "funds_and_materials": "20万",
            "responsible_body_and_people": "校长",
            "deadline": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
            "deadline_requirements": "30日",
            "safety_and_emergency": "撤离",
        },
    )
    assert response.status_code == 302, response.content.decode()
    client.post(
        reverse("hazards:hazard_controls", args=[hazard.pk]),
        {"kind": "cordon", "description": "拉警戒线"},
    )
    detail = client.get(hazard.get_absolute_url()).content.decode()
    assert "拆除" in detail and "拉警戒线" in detail
    assert hazard.controls.count() == 1


def test_the_premises_panel_shows_open_hazards_in_scope(world):
    hazard_at(world, "township_a", "甲镇隐患", rectify_by=in_days(5))
    panel = hazards_panel(world.user("township_a"), world.premises_a)
    assert panel["open_count"] == 1
    assert [h.title for h in panel["open_hazards"]] == ["甲镇隐患"]
    outsider: User = make_user("viewer_b", "grid_inspector", regions=[world.township_b])
    assert hazards_panel(outsider, world.premises_a)["open_count"] == 0


@pytest.mark.parametrize("page", ["hazard_list", "hazard_board", "hazard_overdue"])
def test_page_queries_do_not_grow_with_the_rows(client, world, page):
    client.force_login(world.user("township_a"))
    late = timezone.now() - dt.timedelta(hours=1)
    hazard_at(world, "township_a", "一", rectify_by=late)
    client.get(reverse(f"hazards:{page}"))  # warm per-process caches
    with CaptureQueriesContext(connection) as one:
        client.get(reverse(f"hazards:{page}"))
    for n in range(5):
        hazard_at(world, "township_a", f"更多{n}", rectify_by=late)
    with CaptureQueriesContext(connection) as six:
        client.get(reverse(f"hazards:{page}"))
    assert len(six) == len(one), [q["sql"] for q in six.captured_queries]
