"""Same matter (Letters and Visits Regulations 2022, Arts 19 and 36): likely matches by the
same complainant or the same place and similar text, repeats linked and counted, and a matter
concluded after re-review refused unless a supervisor overrides with a reason."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils import timezone

from complaints.choices import Channel, ComplaintState
from complaints.models import Category, Complainant, Complaint, RepeatContact
from complaints.services.duplicates import (
    ConcludedAfterRereview,
    Probe,
    RepeatPerson,
    likely_matches,
    link_repeat,
    similarity,
)
from complaints.services.intake import ComplainantData, Intake, register_complaint
from complaints.tests.factories import ComplaintWorld, advance, complaint_world, file_complaint
from core.choices import AuditAction
from core.models import AuditEntry
from core.scoping import NotFound
from testing.world import World


@pytest.fixture
def cw(world: World) -> ComplaintWorld:
    return complaint_world(world)


def test_similar_wordings_of_one_complaint_score_above_different_complaints() -> None:
    complaint = "夜间施工噪声 工地夜间施工，噪声扰民。"
    assert similarity(complaint, "工地夜间施工扰民") > similarity(
        complaint, "广场舞噪声 小区音响太吵"
    )
    assert similarity(complaint, complaint) == 1.0
    assert similarity(complaint, "") == 0.0


def test_same_complainant_found_by_phone_digest_whatever_the_wording(cw: ComplaintWorld) -> None:
    earlier = file_complaint(cw).complaint
    probe = {
        "title": "Water pipe burst",
        "category": Category.objects.get(code="UTIL-WATER"),
        "region": cw.world.grid_b,
        "phones": ["138 0000 0000"],  # spaced differently: the digest normalises
    }
    matches = likely_matches(probe, cw.user("clerk"))
    assert [m.complaint for m in matches] == [earlier]
    assert matches[0].same_complainant and not matches[0].same_place


def test_same_place_and_similar_text_found_without_a_person(cw: ComplaintWorld) -> None:
    earlier = file_complaint(cw).complaint
    unrelated = file_complaint(cw, title="广场舞音响", summary="小区广场舞音响太吵。").complaint
    probe = Probe(
        category=earlier.category, region=cw.world.township_a, text="工地夜间施工噪声扰民"
    )
    matches = likely_matches(probe, cw.user("clerk"))
    assert [m.complaint for m in matches] == [earlier]
    assert unrelated not in [m.complaint for m in matches]
    assert matches[0].same_place


def test_closed_old_or_elsewhere_complaints_are_not_matched_by_place(cw: ComplaintWorld) -> None:
    old = file_complaint(cw, received_at=timezone.now() - dt.timedelta(days=91)).complaint
    elsewhere = file_complaint(cw, region=cw.world.grid_b, complainants=[]).complaint
    closed = file_complaint(cw, complainants=[]).complaint
    Complaint.objects.filter(pk=closed.pk).update(state=ComplaintState.NOT_ACCEPTED)
    probe = Probe(category=old.category, region=cw.world.grid_a, text=old.title + old.summary)
    found = [m.complaint.pk for m in likely_matches(probe, cw.user("clerk"))]
    assert old.pk not in found and elsewhere.pk not in found and closed.pk not in found


def test_matches_are_limited_to_the_clerks_scope(cw: ComplaintWorld) -> None:
    file_complaint(cw)  # township A
    probe = {"phones": ["13800000000"], "title": "夜间施工噪声"}
    assert likely_matches(probe, cw.user("clerk"))
    assert likely_matches(probe, cw.user("clerk_b")) == []


def test_link_repeat_counts_and_keeps_the_people_protected(cw: ComplaintWorld) -> None:
    complaint = file_complaint(cw).complaint
    person = RepeatPerson(name="张三", phone="13800000000")
    first = link_repeat(complaint, cw.user("clerk"), Channel.PHONE, None, [person], "又来电")
    link_repeat(complaint, cw.user("clerk"), Channel.VISIT, None, [person])
    complaint.refresh_from_db()
    assert complaint.repeat_count == 2
    again = Complainant.objects.filter(complaint=complaint, repeat=first)
    assert again.count() == 1 and again.get().phone_digest
    # The unit complained about can open the complaint but never the people on a repeat.
    assert not Complainant.objects.restrict(cw.user("respondent")).filter(complaint=complaint)
    updates = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Complaint),
        object_id=str(complaint.pk),
        action=AuditAction.UPDATE,
    )
    assert [e.changes["repeat_count"] for e in updates.order_by("seq")] == [[0, 1], [1, 2]]
    assert RepeatContact.objects.filter(complaint=complaint).count() == 2


def test_a_closed_complaint_takes_no_repeat(cw: ComplaintWorld) -> None:
    complaint = file_complaint(cw).complaint
    Complaint.objects.filter(pk=complaint.pk).update(state=ComplaintState.CONCLUDED)
    with pytest.raises(ValidationError, match="no longer being handled"):
        link_repeat(complaint, cw.user("clerk"), Channel.PHONE, None, [], "")
    assert RepeatContact.objects.count() == 0


def test_a_complaint_outside_the_scope_takes_no_repeat(cw: ComplaintWorld) -> None:
    complaint = file_complaint(cw).complaint
    with pytest.raises(NotFound):
        link_repeat(complaint, cw.user("clerk_b"), Channel.PHONE, None, [], "")


def concluded_complaint(cw: ComplaintWorld) -> Complaint:
    complaint = advance(file_complaint(cw).complaint, cw, ComplaintState.CONCLUDED)
    assert complaint.concluded_after_rereview
    return complaint


def same_complaint_again(cw: ComplaintWorld, **extra: object) -> Intake:
    values: dict[str, object] = {
        "channel": Channel.VISIT,
        "category": Category.objects.get(code="CITY-NOISE"),
        "region": cw.world.grid_a,
        "title": "夜间施工噪声",
        "summary": "工地夜间施工，噪声扰民。",
        "complainants": [ComplainantData(name="张三", phone="13800000000")],
        "answers": {"when": "night"},
    }
    values.update(extra)
    return Intake(**values)  # type: ignore[arg-type]


def test_complaint_concluded_after_rereview_is_refused_naming_the_complaint(
    cw: ComplaintWorld,
) -> None:
    earlier = concluded_complaint(cw)
    before = Complaint.objects.count()
    with pytest.raises(ConcludedAfterRereview) as refused:
        register_complaint(same_complaint_again(cw), cw.user("clerk"))
    assert earlier.number in refused.value.messages[0]
    assert "Art. 36" in refused.value.messages[0]
    # A clerk's reason is not an override: only the supervisor's permission is.
    with pytest.raises(ConcludedAfterRereview):
        register_complaint(same_complaint_again(cw, override_reason="新情况"), cw.user("clerk"))
    # The portal and Open311 register through the same service and are refused too.
    with pytest.raises(ConcludedAfterRereview, match=earlier.number):
        register_complaint(same_complaint_again(cw, channel=Channel.PORTAL), None)
    assert Complaint.objects.count() == before


def test_supervisor_overrides_with_a_reason_stored_and_audited(cw: ComplaintWorld) -> None:
    earlier = concluded_complaint(cw)
    supervisor = cw.user("supervisor")
    with pytest.raises(ConcludedAfterRereview, match="give the reason"):
        register_complaint(same_complaint_again(cw), supervisor)
    receipt = register_complaint(
        same_complaint_again(cw, override_reason="出现新的证据：夜间施工许可已过期。"), supervisor
    )
    complaint = receipt.complaint
    assert complaint.previous_case == earlier and complaint.override_by == supervisor
    assert complaint.override_reason.startswith("出现新的证据")
    created = AuditEntry.objects.get(
        content_type=ContentType.objects.get_for_model(Complaint),
        object_id=str(complaint.pk),
        action=AuditAction.CREATE,
    )
    assert created.changes["override_by_id"][1] == supervisor.pk
    assert created.changes["previous_case_id"][1] == earlier.pk
    assert created.changes["override_reason"][1].startswith("出现新的证据")


def test_a_different_complaint_of_the_same_person_is_accepted(cw: ComplaintWorld) -> None:
    concluded_complaint(cw)
    other = same_complaint_again(
        cw, category=Category.objects.get(code="UTIL-WATER"), title="停水三天",
        summary="小区停水三天无人处理。", answers={},
    )  # fmt: skip
    assert register_complaint(other, cw.user("clerk")).complaint.pk


def test_intake_outside_the_clerks_area_is_refused(cw: ComplaintWorld) -> None:
    with pytest.raises(ValidationError, match="outside your area"):
        register_complaint(same_complaint_again(cw, complainants=[]), cw.user("clerk_b"))
    assert not Complaint.objects.exists()
