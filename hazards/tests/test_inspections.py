"""Running an inspection: default checklist, item-by-item results, photos, signature, score,
failed items as hazards, and who may do it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from core.models import Attachment, AuditEntry, User
from core.scoping import NotFound
from hazards.choices import InspectionKind, InspectionState, Outcome
from hazards.models import (
    ChecklistItem,
    ChecklistTemplate,
    Inspection,
    InspectionResult,
    InspectionSchedule,
)
from hazards.services import inspections as service
from hazards.views.inspections import inspections_panel
from testing.views import UNSCOPED, DetailViewTests, ExportTests, ListViewTests, Rows
from testing.world import World, make_user
from workflow.calendar import end_of_day, local_date
from workflow.errors import WorkflowError

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def make_template(world: World, items: int = 5, code: str = "test-school") -> ChecklistTemplate:
    """A primary-school checklist in force since 2020, one major criterion (item 5)."""
    template = ChecklistTemplate.objects.create(
        code=code,
        name="中小学校安全检查表（测试）",
        sector=world.sector,
        source="GB/T 29315-2022",
        effective_from=dt.date(2020, 1, 1),
    )
    for number in range(1, items + 1):
        ChecklistItem.objects.create(
            template=template,
            number=number,
            text=f"检查项 {number}：疏散通道畅通",
            clause=f"GB/T 29315-2022 第{number}条",
            major_criterion=number == 5,
            default_rectify_days=3,
        )
    return template


def inspector(world: World) -> User:
    user = world.users.get("inspector_a")
    if user is None:
        user = make_user("inspector_a", "grid_inspector", regions=[world.grid_a])
        world.users["inspector_a"] = user
    return user


def run_checklist(user: User, inspection: Inspection, fail: tuple[int, ...] = ()) -> None:
    for item in inspection.template.items.order_by("number"):
        outcome = Outcome.FAIL if item.number in fail else Outcome.PASS
        service.record_result(
            user=user, inspection=inspection, item=item, outcome=outcome, note=f"note {item.number}"
        )


def png(name: str = "photo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


# --- opening ---------------------------------------------------------------------------------


def test_an_inspection_runs_the_checklist_of_the_premises_sector(world: World) -> None:
    template = make_template(world)
    inspection = service.open_inspection(user=inspector(world), premises=world.premises_a)
    assert inspection.template == template
    assert inspection.state == InspectionState.IN_PROGRESS
    assert inspection.region == world.grid_a
    assert inspection.started_at is not None
    assert AuditEntry.objects.filter(
        content_type__model="inspection", object_id=str(inspection.pk), action="create"
    ).exists()


def test_an_enterprise_officer_runs_a_self_inspection_of_their_own_premises(world: World) -> None:
    make_template(world)
    inspection = service.open_inspection(
        user=world.user("enterprise"), premises=world.premises_a, kind=InspectionKind.ROUTINE
    )
    assert inspection.kind == InspectionKind.SELF
    with pytest.raises(NotFound):
        service.open_inspection(user=world.user("enterprise"), premises=world.premises_b)


def test_premises_outside_the_scope_cannot_be_inspected_and_nothing_is_written(
    world: World,
) -> None:
    make_template(world)
    entries = AuditEntry.objects.count()
    with pytest.raises(NotFound):
        service.open_inspection(user=inspector(world), premises=world.premises_b)
    assert not Inspection.objects.exists()
    assert AuditEntry.objects.count() == entries


def test_without_a_checklist_for_the_sector_the_inspector_is_told_to_choose_one(
    world: World,
) -> None:
    ChecklistTemplate.objects.all().delete()  # no seeded checklist either
    with pytest.raises(ValidationError) as refused:
        service.open_inspection(user=inspector(world), premises=world.premises_a)
    assert refused.value.code == "no_checklist"


# --- results, photos, signature ------------------------------------------------------------


def test_each_item_is_saved_on_its_own_and_can_be_corrected(world: World) -> None:
    make_template(world)
    user = inspector(world)
    inspection = service.open_inspection(user=user, premises=world.premises_a)
    item = inspection.template.items.get(number=1)
    service.record_result(user=user, inspection=inspection, item=item, outcome=Outcome.FAIL)
    service.record_result(
        user=user, inspection=inspection, item=item, outcome=Outcome.PASS, note="fixed on site"
    )
    result = InspectionResult.objects.get(inspection=inspection, item=item)
    assert (result.outcome, result.note) == (Outcome.PASS, "fixed on site")
    entries = AuditEntry.objects.filter(
        content_type__model="inspectionresult", object_id=str(result.pk)
    )
    assert [entry.action for entry in entries.order_by("seq")] == ["create", "update"]


def test_an_item_of_another_checklist_is_refused(world: World) -> None:
    make_template(world)
    other = make_template(world, items=1, code="other")
    user = inspector(world)
    inspection = service.open_inspection(
        user=user,
        premises=world.premises_a,
        template=ChecklistTemplate.objects.get(code="test-school"),
    )
    with pytest.raises(ValidationError) as refused:
        service.record_result(
            user=user, inspection=inspection, item=other.items.get(), outcome=Outcome.PASS
        )
    assert refused.value.code == "wrong_item"


def test_a_photo_of_an_item_is_stored_with_time_size_and_hash(world: World) -> None:
    make_template(world)
    user = inspector(world)
    inspection = service.open_inspection(user=user, premises=world.premises_a)
    result = service.record_result(
        user=user, inspection=inspection, item=inspection.template.items.get(number=1),
        outcome=Outcome.FAIL,
    )  # fmt: skip
    photo = service.add_photo(user=user, result=result, upload=png())
    assert photo.kind == "photo"
    assert photo.size == len(PNG)
    assert len(photo.sha256) == 64
    assert photo.taken_at is not None
    assert list(Attachment.objects.of(result, "photo")) == [photo]


def test_the_representative_signs_with_name_and_drawing(world: World) -> None:
    make_template(world)
    user = inspector(world)
    inspection = service.open_inspection(user=user, premises=world.premises_a)
    signature = service.sign(
        user=user, inspection=inspection, representative_name="王校长", upload=png("sig.png")
    )
    inspection.refresh_from_db()
    assert inspection.representative_name == "王校长"
    assert signature.kind == "signature"
    assert signature.media_type == "image/png"


# --- completing ------------------------------------------------------------------------------


def test_completion_needs_every_item_answered(world: World) -> None:
    make_template(world)
    user = inspector(world)
    inspection = service.open_inspection(user=user, premises=world.premises_a)
    service.record_result(
        user=user, inspection=inspection, item=inspection.template.items.get(number=1),
        outcome=Outcome.PASS,
    )  # fmt: skip
    with pytest.raises(WorkflowError) as refused:
        service.complete_inspection(user=user, inspection=inspection)
    assert refused.value.code == "precondition_failed"
    inspection.refresh_from_db()
    assert inspection.state == InspectionState.IN_PROGRESS


def test_completing_scores_the_checklist_and_sets_the_next_visit(world: World) -> None:
    make_template(world, items=4)
    user = inspector(world)
    inspection = service.open_inspection(user=user, premises=world.premises_a)
    items = list(inspection.template.items.order_by("number"))
    outcomes = [Outcome.PASS, Outcome.PASS, Outcome.FAIL, Outcome.NOT_APPLICABLE]
    for item, outcome in zip(items, outcomes, strict=True):
        service.record_result(user=user, inspection=inspection, item=item, outcome=outcome)
    done = service.complete_inspection(user=user, inspection=inspection)
    # Two of the three applicable items passed; not applicable counts neither way.
    assert done.score == Decimal("66.67")
    assert done.failed_count == 1
    assert done.state == InspectionState.COMPLETED
    assert done.completed_at is not None
    schedule = InspectionSchedule.objects.get(premises=world.premises_a)
    assert schedule.last_inspected_on == local_date(done.completed_at)
    assert schedule.next_due_on == schedule.last_inspected_on + dt.timedelta(days=90)
    # A completed inspection no longer takes results.
    with pytest.raises(ValidationError) as refused:
        service.record_result(user=user, inspection=done, item=items[0], outcome=Outcome.FAIL)
    assert refused.value.code == "inspection_closed"


# --- failed items become hazards ---------------------------------------------------------------


def test_two_failed_items_become_two_hazards_with_deadlines(world: World) -> None:
    make_template(world)
    user = inspector(world)
    inspection = service.open_inspection(user=user, premises=world.premises_a)
    run_checklist(user, inspection, fail=(2, 4))
    failed = inspection.results.filter(outcome=Outcome.FAIL).order_by("item__number")
    hazards = [service.record_failed_item_as_hazard(user=user, result=row) for row in failed]
    assert len({hazard.pk for hazard in hazards}) == 2
    first = hazards[0]
    assert first.title == "检查项 2：疏散通道畅通"
    assert "note 2" in first.description
    assert first.premises == world.premises_a
    assert first.inspection_result == failed[0]
    expected = end_of_day(local_date(timezone.now()) + dt.timedelta(days=3))
    assert first.rectify_by == expected
    # A second click finds the same hazard instead of registering another.
    again = service.record_failed_item_as_hazard(user=user, result=failed[0])
    assert again.pk == first.pk


def test_a_failed_major_criterion_is_recorded_as_a_major_hazard(world: World) -> None:
    make_template(world)
    user = inspector(world)
    inspection = service.open_inspection(user=user, premises=world.premises_a)
    run_checklist(user, inspection, fail=(5,))
    hazard = service.record_failed_item_as_hazard(
        user=user, result=inspection.results.get(item__number=5)
    )
    assert hazard.grade == "major"


def test_a_passed_item_does_not_become_a_hazard(world: World) -> None:
    make_template(world)
    user = inspector(world)
    inspection = service.open_inspection(user=user, premises=world.premises_a)
    run_checklist(user, inspection)
    with pytest.raises(ValidationError) as refused:
        service.record_failed_item_as_hazard(
            user=user, result=inspection.results.get(item__number=1)
        )
    assert refused.value.code == "not_failed"


# --- pages ------------------------------------------------------------------------------------


def test_the_run_page_saves_an_answer_sent_by_htmx(client: Any, world: World) -> None:
    make_template(world)
    user = inspector(world)
    inspection = service.open_inspection(user=user, premises=world.premises_a)
    item = inspection.template.items.get(number=1)
    client.force_login(user)
    page = client.get(reverse("hazards:inspection_run", args=[inspection.pk]))
    assert page.status_code == 200
    assert "检查项 1" in page.content.decode()
    response = client.post(
        reverse("hazards:inspection_result", args=[inspection.pk, item.pk]),
        {"outcome": "fail", "note": "锁闭"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "Record as hazard" in response.content.decode()
    assert InspectionResult.objects.get(inspection=inspection, item=item).note == "锁闭"


def test_a_bad_answer_is_a_clear_message_not_an_error_page(client: Any, world: World) -> None:
    make_template(world)
    user = inspector(world)
    inspection = service.open_inspection(user=user, premises=world.premises_a)
    item = inspection.template.items.get(number=1)
    client.force_login(user)
    response = client.post(
        reverse("hazards:inspection_result", args=[inspection.pk, item.pk]),
        {"outcome": "maybe"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 400
    assert "Choose pass, fail or not applicable." in response.content.decode()
    assert not InspectionResult.objects.exists()


def test_another_townships_inspection_is_not_found(client: Any, world: World) -> None:
    make_template(world)
    other = make_user("inspector_b", "grid_inspector", regions=[world.grid_b])
    inspection = service.open_inspection(user=other, premises=world.premises_b)
    client.force_login(inspector(world))
    item = inspection.template.items.get(number=1)
    assert client.get(reverse("hazards:inspection_run", args=[inspection.pk])).status_code == 404
    url = reverse("hazards:inspection_result", args=[inspection.pk, item.pk])
    assert client.post(url, {"outcome": "pass"}).status_code == 404
    assert not InspectionResult.objects.exists()


def test_the_start_page_opens_an_inspection_and_goes_to_the_checklist(
    client: Any, world: World
) -> None:
    make_template(world)
    client.force_login(inspector(world))
    response = client.post(
        reverse("hazards:inspection_start"), {"premises": world.premises_a.pk, "kind": "routine"}
    )
    inspection = Inspection.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("hazards:inspection_run", args=[inspection.pk])


def test_the_premises_panel_shows_recent_inspections_and_the_next_due_date(world: World) -> None:
    make_template(world)
    user = inspector(world)
    inspection = service.open_inspection(user=user, premises=world.premises_a)
    run_checklist(user, inspection)
    service.complete_inspection(user=user, inspection=inspection)
    panel = inspections_panel(world.user("township_a"), world.premises_a)
    assert [row.pk for row in panel["inspections"]] == [inspection.pk]
    assert panel["schedule"].next_due_on == local_date(timezone.now()) + dt.timedelta(days=90)
    assert inspections_panel(world.user("township_b"), world.premises_a)["inspections"] == []


# --- list, ledger export and detail pages (generic view tests, four permission cases) ---------


class TestInspectionViews(ListViewTests, ExportTests, DetailViewTests):
    model = Inspection

    def url(self, page: str, obj: Any = None) -> str:
        args = [obj.pk] if obj is not None else []
        return reverse(f"hazards:inspection_{page}", args=args)

    def make_rows(self, world: World) -> Rows:
        make_template(world)
        root = world.user(UNSCOPED)
        in_scope = service.open_inspection(user=root, premises=world.premises_a)
        out_of_scope = service.open_inspection(user=root, premises=world.premises_b)
        return Rows(in_scope, out_of_scope, in_scope)

    def marker(self, obj: Any) -> str:
        return str(obj.premises.name)


def test_a_photo_signature_and_completion_through_the_pages(client: Any, world: World) -> None:
    make_template(world, items=2)
    user = inspector(world)
    inspection = service.open_inspection(user=user, premises=world.premises_a)
    run_checklist(user, inspection, fail=(1,))
    item = inspection.template.items.get(number=1)
    client.force_login(user)
    photo = client.post(
        reverse("hazards:inspection_photo", args=[inspection.pk, item.pk]),
        {"photo": png()},
        HTTP_HX_REQUEST="true",
    )
    assert photo.status_code == 200
    assert "data-photo" in photo.content.decode()
    refused = client.post(
        reverse("hazards:inspection_photo", args=[inspection.pk, item.pk]),
        {"photo": SimpleUploadedFile("x.png", b"not an image", "image/png")},
        HTTP_HX_REQUEST="true",
    )
    assert refused.status_code == 400
    assert "JPEG, PNG or WebP" in refused.content.decode()
    signed = client.post(
        reverse("hazards:inspection_sign", args=[inspection.pk]),
        {"representative_name": "李主任", "signature": png("signature.png")},
    )
    assert signed.status_code == 302
    done = client.post(
        reverse("hazards:inspection_transition", args=[inspection.pk, "complete"]),
        {"version": inspection.version},
    )
    assert done.status_code == 302
    inspection.refresh_from_db()
    assert (inspection.state, inspection.failed_count) == (InspectionState.COMPLETED, 1)
    detail = client.get(inspection.get_absolute_url()).content.decode()
    assert "Record as hazard" in detail
    assert "Signature of the representative" in detail


def test_an_attachment_is_served_only_within_the_scope(client: Any, world: World) -> None:
    make_template(world)
    user = inspector(world)
    inspection = service.open_inspection(user=user, premises=world.premises_a)
    signature = service.sign(
        user=user, inspection=inspection, representative_name="王", upload=png()
    )
    url = reverse("hazards:attachment", args=[signature.pk])
    client.force_login(world.user("township_a"))
    assert client.get(url).status_code == 200
    client.force_login(world.user("township_b"))
    assert client.get(url).status_code == 404
