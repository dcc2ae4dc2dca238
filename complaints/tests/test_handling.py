"""Handling services: routing, acceptance, objections to remit, referral and extension.

Transfers and tasks have their own files (test_transfers.py, test_tasks.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from complaints.choices import (
    HANDLE_CLOCK,
    REMIT_OBJECTION,
    Channel,
    ComplaintState,
    DocumentKind,
    TransferKind,
)
from complaints.models import CaseDocument, Category, CategoryRoute, Complaint, Transfer
from complaints.services import handling
from complaints.services.protection import recuse, reveal
from complaints.tests.factories import ComplaintWorld, complaint_world, file_complaint
from core.models import AuditEntry
from core.scoping import NotFound
from core.times import deadline_text
from testing.world import World
from workflow.calendar import deadline_after, end_of_day
from workflow.clocks import compute_deadline, open_clocks
from workflow.errors import InvalidState, PreconditionFailed, TransitionForbidden
from workflow.models import Clock

pytestmark = pytest.mark.django_db


@pytest.fixture
def cw(world: World) -> ComplaintWorld:
    return complaint_world(world)


def routed(cw: ComplaintWorld) -> Complaint:
    complaint = file_complaint(cw).complaint
    return handling.route(complaint, cw.user("clerk"), cw.unit, "工地夜间施工噪声", "请核查")


def accepted(cw: ComplaintWorld) -> Complaint:
    return handling.accept(routed(cw), cw.user("handler"))


def clock_of(complaint: Complaint, kind: str) -> Clock | None:
    return open_clocks(complaint, (kind,)).first()


# --- route ----------------------------------------------------------------------------------


def test_route_assigns_the_unit_records_the_move_and_starts_the_objection_window(
    cw: ComplaintWorld,
) -> None:
    complaint = routed(cw)
    assert (complaint.state, complaint.department, complaint.summary) == (
        ComplaintState.ASSIGNED,
        cw.unit,
        "工地夜间施工噪声",
    )
    move = Transfer.objects.get(complaint=complaint)
    assert (move.kind, move.from_department, move.to_department) == (
        TransferKind.ROUTE,
        None,
        cw.unit,
    )
    assert move.reason == "请核查"
    assert clock_of(complaint, REMIT_OBJECTION) is not None
    assert complaint.transfer_count == 0, "the first routing is not a transfer"


def test_route_to_the_unit_complained_about_is_refused_and_writes_nothing(
    cw: ComplaintWorld,
) -> None:
    complaint = file_complaint(cw).complaint
    entries = AuditEntry.objects.count()
    with pytest.raises(PreconditionFailed, match="the one complained about"):
        handling.route(complaint, cw.user("clerk"), cw.respondent_unit, "摘要", "")
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.RECEIVED and complaint.department is None
    assert not Transfer.objects.filter(complaint=complaint).exists()
    assert AuditEntry.objects.count() == entries


def test_route_without_a_unit_and_no_route_configured_asks_for_the_unit(
    cw: ComplaintWorld,
) -> None:
    complaint = file_complaint(cw).complaint
    CategoryRoute.objects.all().delete()  # no route configured, and no sector to route by
    Category.objects.update(sector=None)
    complaint.refresh_from_db()
    assert handling.suggested_unit(complaint) is None
    with pytest.raises(PreconditionFailed, match="choose the unit"):
        handling.route(complaint, cw.user("clerk"), None, "摘要")


def test_only_the_desk_routes(cw: ComplaintWorld) -> None:
    complaint = file_complaint(cw).complaint
    with pytest.raises(TransitionForbidden):
        handling.route(complaint, cw.user("respondent"), cw.unit, "摘要")


# --- objection to remit ---------------------------------------------------------------------


def test_objection_returns_the_complaint_to_the_desk_and_is_counted(cw: ComplaintWorld) -> None:
    complaint = routed(cw)
    back = handling.object_to_remit(complaint, cw.user("handler"), "属于水务局职责")
    assert (back.state, back.department, back.transfer_count) == (
        ComplaintState.RECEIVED,
        None,
        1,
    )
    move = Transfer.objects.filter(complaint=complaint).last()
    assert move is not None
    assert (move.kind, move.from_department, move.to_department, move.reason) == (
        TransferKind.OBJECTION,
        cw.unit,
        None,
        "属于水务局职责",
    )
    assert clock_of(back, REMIT_OBJECTION) is None
    # The desk routes again: the route is recorded, the count stays at one return.
    again = handling.route(back, cw.user("clerk"), cw.other_unit, "摘要", "改交水务局")
    assert (again.department, again.transfer_count) == (cw.other_unit, 1)


def test_objection_after_five_working_days_across_national_day_is_refused(
    cw: ComplaintWorld,
) -> None:
    """Routed Wed 2026-09-30: Oct 1–7 are the National Day holiday, Sat Oct 10 a make-up
    working day; working days 1–5 are Oct 8, 9, 10, 12, 13, so the window ends 10-13 24:00."""
    complaint = routed(cw)
    clock = clock_of(complaint, REMIT_OBJECTION)
    assert clock is not None
    clock.started_at = dt.datetime(2026, 9, 30, 10, 0, tzinfo=dt.UTC)
    deadline = compute_deadline(clock)
    Clock.objects.filter(pk=clock.pk).update(started_at=clock.started_at, due=deadline.due)
    assert deadline.last_day == dt.date(2026, 10, 13)
    assert deadline.due == end_of_day(dt.date(2026, 10, 13))
    assert deadline_text(deadline.due) == "2026-10-13 24:00"
    with pytest.raises(PreconditionFailed, match="2026-10-13 24:00"):
        handling.object_to_remit(complaint, cw.user("handler"), "不属本单位职责")
    complaint.refresh_from_db()
    assert (complaint.state, complaint.department, complaint.transfer_count) == (
        ComplaintState.ASSIGNED,
        cw.unit,
        0,
    )
    assert Transfer.objects.filter(complaint=complaint, kind=TransferKind.OBJECTION).count() == 0


def test_objection_on_the_last_day_of_the_window_is_allowed(cw: ComplaintWorld) -> None:
    complaint = routed(cw)
    clock = clock_of(complaint, REMIT_OBJECTION)
    assert clock is not None
    Clock.objects.filter(pk=clock.pk).update(due=timezone.now() + dt.timedelta(minutes=5))
    back = handling.object_to_remit(complaint, cw.user("handler"), "不属本单位职责")
    assert back.state == ComplaintState.RECEIVED


def test_another_unit_cannot_object_for_the_lead_unit(cw: ComplaintWorld) -> None:
    complaint = routed(cw)
    with pytest.raises(NotFound):
        handling.object_to_remit(complaint, cw.user("assistant"), "不属职责")
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.ASSIGNED


# --- accept ---------------------------------------------------------------------------------


def test_accept_starts_the_sixty_days_and_ends_the_objection_window(cw: ComplaintWorld) -> None:
    complaint = routed(cw)
    accepted = handling.accept(complaint, cw.user("handler"))
    assert accepted.state == ComplaintState.HANDLING
    assert accepted.handler == cw.user("handler")
    handle = clock_of(accepted, HANDLE_CLOCK)
    assert handle is not None and handle.started_at == accepted.accepted_at
    assert clock_of(accepted, REMIT_OBJECTION) is None


def test_accept_by_a_unit_that_is_not_the_lead_unit_is_refused(cw: ComplaintWorld) -> None:
    complaint = routed(cw)
    with pytest.raises(TransitionForbidden, match="named in this complaint"):
        handling.accept(complaint, cw.user("respondent"))
    with pytest.raises(TransitionForbidden, match="lead unit"):
        handling.accept(complaint, cw.user("clerk"))


def test_a_clerk_who_stepped_aside_cannot_route(cw: ComplaintWorld) -> None:
    complaint = file_complaint(cw).complaint
    recuse(cw.user("clerk"), complaint, "亲属关系")
    with pytest.raises(TransitionForbidden, match="stepped aside"):
        handling.route(complaint, cw.user("clerk"), cw.unit, "摘要")


# --- extension ------------------------------------------------------------------------------


def test_extension_by_the_leader_moves_the_due_date_and_tells_the_complainant(
    cw: ComplaintWorld,
) -> None:
    complaint = accepted(cw)
    before = clock_of(complaint, HANDLE_CLOCK)
    assert before is not None
    extended = handling.extend(complaint, cw.user("leader"), 20, "需要现场测量噪声")
    after = clock_of(extended, HANDLE_CLOCK)
    assert after is not None and after.extension_days == 20
    assert after.due > before.due
    # Art. 34: the 60-day period grows to 80 days; a rest day moves only the new last day
    # (Civil Code Art. 203), so the old deadline's own move to a working day is not added.
    assert before.rule.length == 60
    grown = deadline_after(before.started_at, 80, before.rule.unit, strict=False)
    assert after.due == grown.due
    notice = CaseDocument.objects.get(complaint=complaint, kind=DocumentKind.EXTENSION_NOTICE)
    assert "需要现场测量噪声" in notice.body, "Art. 34: the complainant is told why"
    # drafted by the leader who extended; another leader approves it (four eyes)
    assert notice.state == "draft" and notice.drafted_by == cw.user("leader")


def test_extension_beyond_thirty_days_in_total_is_refused_with_what_is_left(
    cw: ComplaintWorld,
) -> None:
    complaint = accepted(cw)
    complaint = handling.extend(complaint, cw.user("leader"), 20, "现场测量")
    with pytest.raises(PreconditionFailed, match="at most 30 days in total; 20 already"):
        handling.extend(complaint, cw.user("leader"), 11, "再延长")
    clock = clock_of(complaint, HANDLE_CLOCK)
    assert clock is not None and clock.extension_days == 20
    notices = CaseDocument.objects.filter(complaint=complaint, kind=DocumentKind.EXTENSION_NOTICE)
    assert notices.count() == 1, "the refused extension wrote no notice"
    handling.extend(complaint, cw.user("leader"), 10, "最后十日")
    clock = clock_of(complaint, HANDLE_CLOCK)
    assert clock is not None and clock.extension_days == 30


def test_only_the_unit_leader_extends(cw: ComplaintWorld) -> None:
    complaint = accepted(cw)
    with pytest.raises(TransitionForbidden):
        handling.extend(complaint, cw.user("handler"), 10, "理由")


# --- referral (诉访分离) -----------------------------------------------------------------------


def test_referral_sends_a_reasoned_notice_and_is_tracked_until_its_result(
    cw: ComplaintWorld,
) -> None:
    complaint = routed(cw)
    referred = handling.refer(complaint, cw.user("clerk"), "court", "属于民事纠纷，应向法院起诉")
    assert referred.state == ComplaintState.REFERRED
    assert clock_of(referred, REMIT_OBJECTION) is None
    notice = CaseDocument.objects.get(complaint=complaint, kind=DocumentKind.REFERRAL_NOTICE)
    assert "属于民事纠纷" in notice.body
    waiting = handling.referrals_awaiting_result(cw.user("clerk"))
    assert list(waiting) == [referred]

    done = handling.record_referral_result(referred, cw.user("clerk"), "法院已立案")
    assert done.referral_result == "法院已立案" and done.referral_result_at is not None
    assert not handling.referrals_awaiting_result(cw.user("clerk")).exists()
    entry = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Complaint), object_id=str(complaint.pk)
    ).last()
    assert entry is not None and "referral_result" in entry.changes


def test_referral_result_on_a_complaint_not_referred_is_refused(cw: ComplaintWorld) -> None:
    complaint = routed(cw)
    with pytest.raises(InvalidState):
        handling.record_referral_result(complaint, cw.user("clerk"), "结果")


def test_the_unit_complained_about_cannot_record_a_referral_result(cw: ComplaintWorld) -> None:
    complaint = handling.refer(routed(cw), cw.user("clerk"), "arbitration", "劳动争议")
    with pytest.raises(TransitionForbidden):
        handling.record_referral_result(complaint, cw.user("respondent"), "结果")


# --- notes ----------------------------------------------------------------------------------


def test_notes_internal_and_for_the_complainant(cw: ComplaintWorld) -> None:
    complaint = routed(cw)
    internal = handling.add_note(complaint, cw.user("handler"), "张三来电催办", False)
    public = handling.add_note(complaint, cw.user("handler"), "已安排现场核查", True)
    respondent = cw.user("respondent")
    assert set(handling.notes_for(cw.user("handler"))) == {internal, public}
    # The unit complained about sees the complaint, but not internal notes that may quote the
    # complainant, nor who complained.
    assert set(handling.notes_for(respondent)) == {public}
    assert reveal(respondent, complaint) == []
    with pytest.raises(TransitionForbidden):
        handling.add_note(complaint, respondent, "我们已经整改", True)


def test_a_note_on_a_complaint_out_of_scope_is_not_found(cw: ComplaintWorld) -> None:
    complaint = routed(cw)
    with pytest.raises(NotFound):
        handling.add_note(complaint, cw.user("assistant"), "x", False)


def test_a_hotline_complaint_keeps_its_category_limit_and_is_not_extended(
    cw: ComplaintWorld,
) -> None:
    complaint = file_complaint(cw, channel=Channel.HOTLINE).complaint
    complaint = handling.route(complaint, cw.user("clerk"), cw.unit, "摘要", "")
    complaint = handling.accept(complaint, cw.user("handler"))
    assert complaint.handling_clock_kind != HANDLE_CLOCK
    with pytest.raises(PreconditionFailed, match="Only the 60-day handling time"):
        handling.extend(complaint, cw.user("leader"), 5, "理由")
    assert not CaseDocument.objects.filter(complaint=complaint, kind="extension_notice").exists()
