"""Callbacks: made by someone outside the handling unit, after the limit or the answer; the
portal rating; the list of complaints due a callback, scoped."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from complaints.choices import CallbackSource, ComplaintState, Satisfaction
from complaints.models import Callback, Complaint
from complaints.services.callbacks import (
    CallbackRefused,
    callbacks_due,
    record_callback,
    record_portal_rating,
)
from complaints.tests.factories import ComplaintWorld, advance, complaint_world, file_complaint
from core.models import AuditEntry
from testing.world import make_user


@pytest.fixture
def cw(world) -> ComplaintWorld:  # type: ignore[no-untyped-def]
    cw = complaint_world(world)
    # A clerk who also belongs to the handling unit (a unit's own complaint desk).
    cw.users["unit_clerk"] = make_user(
        "unit_clerk", "complaint_clerk", regions=[world.county], departments=[cw.unit]
    )
    return cw


def replied(cw: ComplaintWorld) -> Complaint:
    return advance(file_complaint(cw).complaint, cw, ComplaintState.REPLIED)


def test_desk_records_a_callback_with_its_answers_and_an_audit_entry(cw):
    complaint = replied(cw)
    callback = record_callback(
        complaint, cw.user("clerk"), contacted=True, solved=True,
        satisfaction=Satisfaction.BASICALLY_SATISFIED, note="已停止夜间施工",
    )  # fmt: skip
    assert callback.source == CallbackSource.CALLBACK
    assert callback.caller_unit == cw.desk and callback.called_by == cw.user("clerk")
    assert AuditEntry.objects.filter(
        content_type__model="callback", object_id=str(callback.pk), action="create"
    ).exists()


def test_someone_in_the_handling_unit_is_refused_with_a_clear_message(cw):
    complaint = replied(cw)
    with pytest.raises(CallbackRefused, match="You belong to a unit handling this case"):
        record_callback(complaint, cw.user("unit_clerk"), contacted=False)
    assert not Callback.objects.exists()


def test_handling_staff_and_other_townships_may_not_call(cw):
    complaint = replied(cw)
    with pytest.raises(CallbackRefused, match="may not record callbacks"):
        record_callback(complaint, cw.user("handler"), contacted=False)
    with pytest.raises(CallbackRefused, match="outside your scope"):
        record_callback(complaint, cw.user("clerk_b"), contacted=False)


def test_no_callback_before_the_limit_or_the_answer(cw):
    complaint = advance(file_complaint(cw).complaint, cw, ComplaintState.HANDLING)
    with pytest.raises(ValidationError, match="after the handling limit"):
        record_callback(complaint, cw.user("clerk"), contacted=False)


def test_a_reached_complainant_needs_solved_and_a_grade(cw):
    complaint = replied(cw)
    with pytest.raises(ValidationError) as error:
        record_callback(complaint, cw.user("clerk"), contacted=True, solved=None, satisfaction="")
    assert set(error.value.message_dict) == {"solved", "satisfaction"}
    unreached = record_callback(
        complaint, cw.user("clerk"), contacted=False, solved=True, satisfaction="satisfied"
    )
    assert (unreached.solved, unreached.satisfaction) == (None, "")


def test_portal_rating_is_recorded_without_a_user(cw):
    complaint = replied(cw)
    rating = record_portal_rating(complaint, Satisfaction.UNSATISFIED, False, "还是很吵")
    assert (rating.source, rating.called_by, rating.contacted) == (
        CallbackSource.PORTAL, None, True,
    )  # fmt: skip
    received = file_complaint(cw).complaint
    with pytest.raises(ValidationError):
        record_portal_rating(received, Satisfaction.SATISFIED, True)


def test_callbacks_due_until_the_complainant_is_reached(cw):
    complaint, clerk = replied(cw), cw.user("clerk")
    open_complaint = advance(file_complaint(cw).complaint, cw, ComplaintState.HANDLING)
    due = callbacks_due(clerk)
    assert complaint in due and open_complaint not in due
    record_callback(complaint, clerk, contacted=False)
    assert callbacks_due(clerk).get(pk=complaint.pk).attempts == 1  # type: ignore[attr-defined]
    record_callback(complaint, clerk, contacted=True, solved=True, satisfaction="satisfied")
    assert complaint not in callbacks_due(clerk)


def test_callbacks_due_is_scoped_and_leaves_out_the_users_own_unit(cw):
    complaint = replied(cw)
    assert complaint not in callbacks_due(cw.user("clerk_b"))
    assert complaint not in callbacks_due(cw.user("unit_clerk"))
    respondent_clerk = make_user(
        "cg_clerk", "complaint_clerk", regions=[cw.world.county], departments=[cw.respondent_unit]
    )
    assert complaint not in callbacks_due(respondent_clerk)
    with pytest.raises(CallbackRefused, match="may not contact the complainant"):
        record_callback(complaint, respondent_clerk, contacted=False)
