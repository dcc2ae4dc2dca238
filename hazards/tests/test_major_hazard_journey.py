"""The major-hazard journey, through the pages a regulator and a unit use (Django test client): the
education bureau reports a major hazard at a school; the school writes the six-part governance
plan (SAWS Order 16 Art. 15) and starts rectifying; the bureau lists it for supervision
(挂牌督办, Art. 21) and, after the hearing notice (Administrative Penalty Law Art. 63), orders a
temporary suspension (Work Safety Law Art. 65) whose PDF it downloads; the premises shows
"suspended" on its page, in the premises list and in the API; the school rectifies and applies to
resume (Art. 23); the bureau reviews on site and de-lists; once the suspension order is lifted
too, the premises shows operating again everywhere."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.choices import PremisesStatus
from core.models import AuditEntry, Premises, User
from hazards.choices import (
    EnforcementKind,
    EnforcementState,
    HazardGrade,
    HazardState,
    ListingState,
)
from hazards.models import EnforcementAction, GovernancePlan, Hazard, HazardListing
from testing.api import token_client
from testing.images import png_bytes
from testing.world import World

pytestmark = pytest.mark.django_db

TITLE = "教学楼二层安全出口被锁闭，疏散楼梯堆放杂物"


@pytest.fixture(autouse=True)
def media_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


def as_user(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def post(client: Client, url: str, data: dict[str, Any]) -> str:
    """POST a form, as the browser does: it redirects; the page it lands on (with the
    message saying what happened) is returned."""
    response = client.post(url, data)
    assert response.status_code == 302, (url, response.content.decode()[:3000])
    return page(client, response["Location"])


def local_input(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def status_everywhere(viewer: Client, api_user: User, premises: Premises) -> dict[str, str]:
    """The status label the premises page and the premises list show, and the API's value."""
    detail = page(viewer, premises.get_absolute_url())
    listing = page(viewer, reverse("core:premises_list") + f"?q={premises.credit_code}")
    api = token_client(api_user).get(reverse("api:premises-detail", args=[premises.pk]))
    assert api.status_code == 200
    shown = {}
    for status in PremisesStatus:
        if f'data-premises-status="{status.value}"' in detail:
            shown["page"] = status.value
        if f'">{status.label}</span>' in listing:
            shown["list"] = status.value
    shown["api"] = api.json()["status"]
    return shown


def transition(client: Client, url: str, name: str, **fields: Any) -> str:
    """Post step `name` to its transition URL (which names it too) with the form's fields."""
    assert url.rstrip("/").endswith(f"/{name}")
    # An irreversible step is posted again with `confirmed` from the page that asks first.
    return post(client, url, {**fields, "confirmed": "1"})


def pdf_fonts(pdf: bytes, tmp_path: Path) -> str:
    tool = shutil.which("pdffonts")
    if tool is None:
        pytest.fail("pdffonts is missing: run scripts/system-deps test (Debian poppler-utils)")
    path = tmp_path / "order.pdf"
    path.write_bytes(pdf)
    return subprocess.run([tool, str(path)], capture_output=True, text=True, check=True).stdout


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.fail("pdftotext is missing: run scripts/system-deps test (Debian poppler-utils)")
    path = tmp_path / "text.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        [tool, "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_major_hazard_from_report_to_delisting_and_resumption(world: World, tmp_path: Path) -> None:
    premises = world.premises_a
    regulator = world.user("department")  # the county education bureau's staff
    unit = world.user("enterprise")  # the school's safety officer
    bureau, school = as_user(regulator), as_user(unit)
    today = timezone.localdate()
    assert status_everywhere(bureau, regulator, premises) == {
        "page": PremisesStatus.OPERATING,
        "list": PremisesStatus.OPERATING,
        "api": PremisesStatus.OPERATING,
    }

    # 1. The bureau reports a major hazard at the school, with a deadline.
    rectify_by = timezone.now() + dt.timedelta(days=60)
    post(
        bureau,
        reverse("hazards:hazard_add"),
        {
            "premises": premises.pk,
            "title": TITLE,
            "description": "安全出口上锁，楼梯间堆放桌椅。",
            "location": "教学楼二层",
            "grade": HazardGrade.MAJOR,
            "rectify_by": local_input(rectify_by),
        },
    )
    hazard = Hazard.objects.get(title=TITLE)
    hazard_url = hazard.get_absolute_url()
    assert hazard.grade == HazardGrade.MAJOR
    assert hazard.department_id == world.department.pk
    # A major hazard waits for its governance plan before rectification starts.
    assert hazard.state == HazardState.GRADED
    shown = page(bureau, hazard_url)
    assert hazard.number in shown and "data-grade>Major<" in shown
    assert "No plan yet" in shown

    # The unit cannot start rectifying without the plan.
    refused = transition(
        school,
        reverse("hazards:hazard_transition", args=[hazard.pk, "start_rectifying"]),
        "start_rectifying",
        version=hazard.version,
        rectify_by=local_input(rectify_by),
    )
    hazard.refresh_from_db()
    assert hazard.state == HazardState.GRADED
    assert "needs its governance plan" in refused

    # 2. The school submits the six-part governance plan, then starts rectifying under it.
    plan_url = reverse("hazards:hazard_plan", args=[hazard.pk])
    assert "goals_and_tasks" in page(school, plan_url)
    post(
        school,
        plan_url,
        {
            "goals_and_tasks": "一周内恢复二层安全出口和疏散楼梯畅通。",
            "methods_and_measures": "拆除门锁，改装推闩；清运楼梯间杂物，设禁止堆放标志。",
            "funds_and_materials": "学校公用经费 8000 元；推闩门锁 4 套。",
            "responsible_body_and_people": "校长负总责，总务主任具体实施。",
            "deadline": (today + dt.timedelta(days=30)).isoformat(),
            "deadline_requirements": "30 日内完成并申请复查。",
            "safety_and_emergency": "整改期间二层教室停用，学生由一层疏散，专人值守。",
        },
    )
    plan = GovernancePlan.objects.get(hazard=hazard)
    assert plan.submitted_by_id == unit.pk
    shown = page(bureau, hazard_url)
    assert "拆除门锁，改装推闩" in shown and "专人值守" in shown

    hazard.refresh_from_db()
    transition(
        school,
        reverse("hazards:hazard_transition", args=[hazard.pk, "start_rectifying"]),
        "start_rectifying",
        version=hazard.version,
        rectify_by=local_input(rectify_by),
    )
    hazard.refresh_from_db()
    assert hazard.state == HazardState.RECTIFYING

    # 3. The bureau lists it for supervision (挂牌督办).
    add_listing = reverse("hazards:hazardlisting_add") + f"?hazard={hazard.pk}"
    assert hazard.number in page(bureau, add_listing)
    post(
        bureau,
        reverse("hazards:hazardlisting_add"),
        {
            "hazard": hazard.pk,
            "level": "county",
            "office": "测试县安全生产委员会办公室",
            "deadline": (today + dt.timedelta(days=30)).isoformat(),
            "public_notice": "挂牌督办：教学楼二层安全出口锁闭。",
        },
    )
    listing = HazardListing.objects.get(hazard=hazard)
    listing_url = listing.get_absolute_url()
    assert listing.state == ListingState.LISTED
    assert listing.number.startswith(f"GP-{today.year}-")
    assert listing.number in page(bureau, hazard_url)
    assert listing.number in page(bureau, reverse("hazards:hazardlisting_list"))

    # 4. The hearing notice, then the temporary suspension order; its PDF. A colleague drafts,
    # the bureau's staff issues (four eyes).
    colleague = as_user(world.user("county"))

    def issue(kind: str, **fields: Any) -> EnforcementAction:
        post(
            colleague,
            reverse("hazards:enforcementaction_add"),
            {"premises": premises.pk, "kind": kind, **fields},
        )
        action = EnforcementAction.objects.filter(kind=kind).latest("pk")
        assert action.state == EnforcementState.DRAFT
        post(
            bureau,
            reverse("hazards:enforcementaction_transition", args=[action.pk, "issue"]),
            {"version": action.version, "confirmed": "1"},
        )
        action.refresh_from_db()
        assert action.state == EnforcementState.ISSUED, page(bureau, action.get_absolute_url())
        return action

    issue(EnforcementKind.HEARING_NOTICE, facts="拟责令暂时停产停业，告知听证权利。")
    order = issue(
        EnforcementKind.SUSPENSION,
        hazard=hazard.pk,
        facts="教学楼二层安全出口被锁闭，重大事故隐患排除前无法保证安全。",
        effective_until=(today + dt.timedelta(days=60)).isoformat(),
    )
    assert order.number == f"〔{today.year}〕停产 第1号"
    assert order.number in page(bureau, order.get_absolute_url())

    response = bureau.get(reverse("hazards:enforcementaction_pdf", args=[order.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = response.content
    assert pdf.startswith(b"%PDF-")
    fonts = pdf_fonts(pdf, tmp_path)
    assert "Noto" in fonts and "CJK" in fonts, fonts
    text = pdf_text(pdf, tmp_path)
    assert order.number.replace(" ", "") in text.replace(" ", ""), text
    assert premises.name in text
    assert "责令暂时停产停业决定书" in text.replace(" ", "")

    # 5. Suspended: on the premises page, in the premises list, in the API.
    suspended = {
        "page": PremisesStatus.SUSPENDED,
        "list": PremisesStatus.SUSPENDED,
        "api": PremisesStatus.SUSPENDED,
    }
    assert status_everywhere(bureau, regulator, premises) == suspended

    # 6. The school rectifies with evidence, and applies to resume.
    hazard.refresh_from_db()
    response = school.post(
        reverse("hazards:hazard_transition", args=[hazard.pk, "rectify"]),
        {
            "version": hazard.version,
            "rectification_note": "门锁已拆除换装推闩，楼梯间杂物已清运。",
            "evidence": SimpleUploadedFile("exit.png", png_bytes(), content_type="image/png"),
        },
    )
    assert response.status_code == 302
    hazard.refresh_from_db()
    assert hazard.state == HazardState.RECTIFIED
    assert "exit.png" in page(bureau, hazard_url)

    listing.refresh_from_db()
    transition(
        school,
        reverse("hazards:hazardlisting_transition", args=[listing.pk, "apply_to_resume"]),
        "apply_to_resume",
        version=listing.version,
        resumption_application="隐患已整改完毕，申请复查并恢复教学。",
    )
    listing.refresh_from_db()
    assert listing.state == ListingState.RESUMPTION_APPLIED
    assert "申请复查并恢复教学" in page(bureau, listing_url)

    # 7. The bureau reviews on site and de-lists; the suspension order still holds.
    transition(
        bureau,
        reverse("hazards:hazardlisting_transition", args=[listing.pk, "review"]),
        "review",
        version=listing.version,
        review_note="现场复查：安全出口畅通，同意恢复。",
    )
    listing.refresh_from_db()
    assert listing.state == ListingState.REVIEWED
    transition(
        bureau,
        reverse("hazards:hazardlisting_transition", args=[listing.pk, "delist"]),
        "delist",
        version=listing.version,
    )
    listing.refresh_from_db()
    assert listing.state == ListingState.DELISTED
    assert listing.delisted_by_id == regulator.pk
    assert status_everywhere(bureau, regulator, premises) == suspended

    # 8. The bureau verifies and closes the hazard and lifts the suspension order.
    hazard.refresh_from_db()
    transition(
        bureau,
        reverse("hazards:hazard_transition", args=[hazard.pk, "verify"]),
        "verify",
        version=hazard.version,
        verification_note="复查合格。",
    )
    hazard.refresh_from_db()
    transition(
        bureau,
        reverse("hazards:hazard_transition", args=[hazard.pk, "close"]),
        "close",
        version=hazard.version,
    )
    hazard.refresh_from_db()
    assert hazard.state == HazardState.CLOSED
    order.refresh_from_db()
    post(
        bureau,
        reverse("hazards:enforcementaction_transition", args=[order.pk, "lift"]),
        {"version": order.version, "lift_reason": "重大事故隐患已排除，经审查同意恢复生产经营。"},
    )
    order.refresh_from_db()
    assert order.state == EnforcementState.LIFTED
    assert status_everywhere(bureau, regulator, premises) == {
        "page": PremisesStatus.OPERATING,
        "list": PremisesStatus.OPERATING,
        "api": PremisesStatus.OPERATING,
    }

    # Every step is in the audit log, by who took it.
    def actors(obj: Any) -> list[tuple[int | None, str]]:
        entries = AuditEntry.objects.filter(
            content_type__model=obj._meta.model_name, object_id=str(obj.pk)
        ).order_by("seq")
        return [(e.actor_id, e.changes.get("state", [None, None])[1]) for e in entries]

    hazard_steps = [step for step in actors(hazard) if step[1]]
    assert hazard_steps == [
        (regulator.pk, HazardState.GRADED),
        (unit.pk, HazardState.RECTIFYING),
        (unit.pk, HazardState.RECTIFIED),
        (regulator.pk, HazardState.VERIFIED),
        (regulator.pk, HazardState.CLOSED),
    ]
    listing_steps = [step for step in actors(listing) if step[1]]
    assert listing_steps == [
        (regulator.pk, ListingState.LISTED),
        (unit.pk, ListingState.RESUMPTION_APPLIED),
        (regulator.pk, ListingState.REVIEWED),
        (regulator.pk, ListingState.DELISTED),
    ]
    status_changes = [
        e.changes["status"][1]
        for e in AuditEntry.objects.filter(
            content_type__model="premises", object_id=str(premises.pk)
        ).order_by("seq")
        if "status" in e.changes
    ]
    assert status_changes == [PremisesStatus.SUSPENDED, PremisesStatus.OPERATING]
