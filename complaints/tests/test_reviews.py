"""Review and re-review requests, the hearing pause, and the job that concludes complaints whose
window ended unused (Letters and Visits Regulations 2022, Arts 35–36)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from complaints.choices import (
    REREVIEW_OPINION,
    REVIEW_OPINION,
    REVIEW_REQUEST,
    ComplaintState,
    DocumentKind,
)
from complaints.models import Complaint
from complaints.services import reviews
from complaints.services.channels import channel_account
from complaints.tests.factories import ComplaintWorld, complaint_world
from complaints.tests.test_clocks import (
    at,
    clock_of,
    deliver_opinion,
    replied,
    reviewed,
    server_time,
)
from core.models import AuditEntry
from workflow.choices import ClockState
from workflow.errors import InvalidState, PreconditionFailed, TransitionForbidden
from workflow.worker import periodic_jobs, run_due_jobs

pytestmark = pytest.mark.django_db


@pytest.fixture
def cw(world: Any) -> ComplaintWorld:
    return complaint_world(world)


def test_a_review_asked_on_the_last_day_is_accepted(cw):
    complaint = replied(cw, at(2026, 8, 11, 10))  # window ends 09-10 24:00
    complaint = reviews.request_review(complaint, cw.user("clerk"), at(2026, 9, 10, 23, 50))
    assert complaint.state == ComplaintState.REVIEWING
    assert clock_of(complaint, REVIEW_OPINION).started_at == at(2026, 9, 10, 23, 50)


def test_a_late_review_request_is_refused_naming_the_end_of_the_window(cw):
    complaint = replied(cw, at(2026, 1, 20, 15))  # window ends 02-24 24:00 (after Spring Festival)
    with pytest.raises(PreconditionFailed) as refused:
        reviews.request_review(complaint, cw.user("clerk"), at(2026, 2, 25, 9))
    assert "2026-02-24 24:00" in str(refused.value.message)
    assert Complaint.objects.get(pk=complaint.pk).state == ComplaintState.REPLIED


def test_a_request_dated_before_the_delivery_or_in_the_future_is_refused(cw):
    complaint = replied(cw, at(2026, 8, 11, 10))
    with pytest.raises(PreconditionFailed) as early:
        reviews.request_review(complaint, cw.user("clerk"), at(2026, 8, 1, 10))
    assert early.value.code == "requested_before_delivery"
    with pytest.raises(PreconditionFailed) as future:
        reviews.request_review(complaint, cw.user("clerk"), at(2099, 1, 1))
    assert future.value.code == "requested_in_future"


def test_the_portal_asks_for_review_through_its_channel_account(cw):
    complaint = replied(cw, at(2026, 8, 11, 10))
    complaint = reviews.request_review(complaint, channel_account("portal"), at(2026, 8, 20, 10))
    assert complaint.state == ComplaintState.REVIEWING


def test_handling_staff_do_not_file_the_complainants_request(cw):
    complaint = replied(cw, at(2026, 8, 11, 10))
    with pytest.raises(TransitionForbidden):
        reviews.request_review(complaint, cw.user("handler"), at(2026, 8, 20, 10))


def test_a_late_rereview_request_is_refused(cw):
    complaint = reviewed(cw, at(2026, 9, 5, 10))  # window ends 10-08 24:00 (after National Day)
    with pytest.raises(PreconditionFailed) as refused:
        reviews.request_rereview(complaint, cw.user("clerk"), at(2026, 10, 9, 8))
    assert "2026-10-08 24:00" in str(refused.value.message)
    complaint = reviews.request_rereview(complaint, cw.user("clerk"), at(2026, 10, 8, 17))
    assert complaint.state == ComplaintState.REREVIEWING


def test_a_review_cannot_be_asked_while_the_complaint_is_handled(cw):
    complaint = replied(cw, at(2026, 8, 11, 10))
    complaint = reviews.request_review(complaint, cw.user("clerk"), at(2026, 8, 20, 10))
    with pytest.raises(InvalidState) as refused:
        reviews.request_review(complaint, cw.user("clerk"), at(2026, 8, 21, 10))
    assert "Opinion delivered" in str(refused.value.message)


def test_a_hearing_pauses_and_resumes_the_rereview_clock(cw):
    complaint = reviewed(cw, at(2026, 9, 5, 10))
    complaint = reviews.request_rereview(complaint, cw.user("clerk"), at(2026, 9, 10, 9))
    with server_time(at(2026, 9, 28, 10)):
        complaint = reviews.hold_hearing(complaint, cw.user("city_reviewer"), "听证")
    assert reviews.hearing_in_progress(complaint)
    with pytest.raises(Exception) as twice:  # a second pause of a paused clock
        reviews.hold_hearing(complaint, cw.user("city_reviewer"))
    assert getattr(twice.value, "status", None) == 409
    with server_time(at(2026, 9, 30, 10)):
        complaint = reviews.end_hearing(complaint, cw.user("city_reviewer"))
    assert not reviews.hearing_in_progress(complaint)
    assert clock_of(complaint, REREVIEW_OPINION).paused_days == 2


def test_an_unused_review_window_concludes_the_complaint_once(cw):
    open_complaint = replied(cw, at(2026, 11, 1, 10))  # window ends 12-01 24:00
    ended = replied(cw, at(2026, 1, 20, 15))  # window ended 02-24 24:00
    # before the end nothing happens, after it the complaint is concluded by the window account
    assert reviews.close_expired_windows(at(2026, 2, 24, 23, 59)) == 0
    assert reviews.close_expired_windows(at(2026, 2, 25, 0, 30)) == 1
    ended = Complaint.objects.get(pk=ended.pk)
    assert ended.state == ComplaintState.CONCLUDED and not ended.concluded_after_rereview
    assert clock_of(ended, REVIEW_REQUEST).state == ClockState.STOPPED
    entry = AuditEntry.objects.filter(object_id=str(ended.pk), content_type__model="complaint")
    actor = entry.latest("seq").actor
    assert actor is not None and actor.username == reviews.WINDOW_ACCOUNT
    # a second run changes nothing; the complaint whose window is open stays as it was
    assert reviews.close_expired_windows(at(2026, 2, 26)) == 0
    assert Complaint.objects.get(pk=open_complaint.pk).state == ComplaintState.REPLIED


def test_an_unused_rereview_window_concludes_the_complaint(cw):
    complaint = reviewed(cw, at(2026, 9, 5, 10))  # window ends 10-08 24:00
    assert reviews.close_expired_windows(at(2026, 10, 9, 1)) == 1
    assert Complaint.objects.get(pk=complaint.pk).state == ComplaintState.CONCLUDED


def test_a_concluded_window_names_its_end_when_asked_late(cw):
    complaint = replied(cw, at(2026, 1, 20, 15))
    reviews.close_expired_windows(at(2026, 2, 25, 1))
    with pytest.raises(InvalidState) as refused:
        reviews.request_review(complaint, cw.user("clerk"), at(2026, 2, 26, 9))
    assert "2026-02-24 24:00" in str(refused.value.message)


def test_the_window_job_is_a_periodic_worker_job(cw):
    assert "complaints.close_expired_windows" in {spec.name for spec in periodic_jobs()}
    complaint = replied(cw, at(2026, 1, 20, 15))
    assert "complaints.close_expired_windows" in run_due_jobs()
    assert Complaint.objects.get(pk=complaint.pk).state == ComplaintState.CONCLUDED


def test_review_opinion_delivery_opens_the_rereview_window(cw):
    complaint = replied(cw, at(2026, 8, 1, 10))
    complaint = reviews.request_review(complaint, cw.user("clerk"), at(2026, 8, 10, 10))
    deliver_opinion(
        cw, complaint, DocumentKind.REVIEW_OPINION, at(2026, 9, 1, 10) - dt.timedelta(hours=1)
    )
    complaint = Complaint.objects.get(pk=complaint.pk)
    assert complaint.state == ComplaintState.REVIEWED
    assert clock_of(complaint, REVIEW_OPINION).state == ClockState.MET
