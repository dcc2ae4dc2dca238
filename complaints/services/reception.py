"""Leader reception days (领导接访日): booking complaints onto a day, marking who came, and the
record of the day linked to the complaints received.

Letters and Visits Regulations 2022, Art. 11 (leaders receive visitors in person): the desk
books a complaint for a slot within the day's hours and capacity, a complaint at most once a day;
the leader's instructions from the record reach each complaint received as an internal note.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.choices import AppointmentState
from complaints.models import (
    CaseNote,
    Complaint,
    ReceptionAppointment,
    ReceptionDay,
    ReceptionRecord,
)
from core.audit import record_change, snapshot
from core.models import User
from core.scoping import get_restricted

# Appointments that take a place on the day (a cancelled one frees its place).
HOLDING_A_PLACE = (AppointmentState.BOOKED, AppointmentState.RECEIVED, AppointmentState.MISSED)
MARKS = (AppointmentState.RECEIVED, AppointmentState.MISSED, AppointmentState.CANCELLED)


def places_taken(day: ReceptionDay) -> int:
    return day.appointments.filter(state__in=HOLDING_A_PLACE).count()


def _lock_day(day: ReceptionDay) -> ReceptionDay:
    # Two desks booking the last place at once: the second waits here and sees the first.
    return ReceptionDay.objects.select_for_update().get(pk=day.pk)


def _check_bookable(day: ReceptionDay, complaint: Complaint, at: dt.time) -> None:
    if day.cancelled:
        raise ValidationError(_("This reception day is cancelled; nothing can be booked on it."))
    if day.day < timezone.localdate():
        raise ValidationError(_("This reception day is over; book a case on a coming day."))
    if not (day.starts <= at < day.ends):
        raise ValidationError(
            {"at": _("Pick a time between %(starts)s and %(ends)s.")
             % {"starts": f"{day.starts:%H:%M}", "ends": f"{day.ends:%H:%M}"}}
        )  # fmt: skip
    if not complaint.region.path.startswith(day.region.path):
        raise ValidationError(
            {"complaint": _("Case %(number)s is not in %(region)s, which this day is for.")
             % {"number": complaint.number, "region": day.region}}
        )  # fmt: skip
    if (
        day.appointments.filter(complaint=complaint)
        .exclude(state=AppointmentState.CANCELLED)
        .exists()
    ):
        raise ValidationError(
            {"complaint": _("Case %(number)s is already booked on this day.")
             % {"number": complaint.number}}
        )  # fmt: skip
    if places_taken(day) >= day.capacity:
        raise ValidationError(
            _("This day is full: all %(capacity)s places are booked. Book another day or ask "
              "the leader to receive more.") % {"capacity": day.capacity}
        )  # fmt: skip


def _check_day_in_scope(day: ReceptionDay, user: User) -> None:
    get_restricted(ReceptionDay, user, "view", day.pk)


def book(day: ReceptionDay, complaint: Complaint, at: dt.time, user: User) -> ReceptionAppointment:
    """Book `complaint` on `day` at `at` (the desk; the complaint must be one the user may see)."""
    if not user.has_perm("complaints.add_receptionappointment"):
        raise PermissionDenied(_("You may not book appointments."))
    _check_day_in_scope(day, user)
    get_restricted(Complaint, user, "view", complaint.pk)
    with transaction.atomic():
        day = _lock_day(day)
        _check_bookable(day, complaint, at)
        # A cancelled booking of the same complaint on the day is booked again in place.
        appointment = day.appointments.filter(complaint=complaint).first()
        before = snapshot(appointment) if appointment is not None else None
        if appointment is None:
            appointment = ReceptionAppointment(day=day, complaint=complaint)
        appointment.at, appointment.state = at, AppointmentState.BOOKED
        try:
            with transaction.atomic():
                appointment.save()
        except IntegrityError as error:
            raise ValidationError(
                {"complaint": _("Case %(number)s is already booked on this day.")
                 % {"number": complaint.number}}
            ) from error  # fmt: skip
        record_change(appointment, before)
    return appointment


def mark(appointment: ReceptionAppointment, state: str, user: User) -> ReceptionAppointment:
    """Received, did not come, or cancelled; only a booked appointment is marked."""
    if state not in MARKS:
        raise ValidationError({"state": _("Mark an appointment received, missed or cancelled.")})
    get_restricted(ReceptionAppointment, user, "change", appointment.pk)
    with transaction.atomic():
        locked = ReceptionAppointment.objects.select_for_update().get(pk=appointment.pk)
        if locked.state == state:
            return locked
        if locked.state != AppointmentState.BOOKED and state == AppointmentState.CANCELLED:
            raise ValidationError(_("Only a booked appointment can be cancelled."))
        before = snapshot(locked)
        locked.state = state
        locked.save(update_fields=["state"])
        record_change(locked, before)
    return locked


def _instruction_note(record: ReceptionRecord, complaint: Complaint, user: User) -> CaseNote:
    day = record.day
    text = _("Leader's instructions at the reception of %(day)s (%(leader)s): %(text)s") % {
        "day": f"{day.day:%Y-%m-%d}", "leader": day.leader, "text": record.instructions.strip(),
    }  # fmt: skip
    note = CaseNote.objects.create(complaint=complaint, text=text, for_complainant=False,
                                   author=user)  # fmt: skip
    record_change(note, None)
    return note


def save_record(
    day: ReceptionDay, user: User, summary: str, instructions: str = ""
) -> ReceptionRecord:
    """Write (or rewrite) the record of `day`, linked to the complaints received that day. Each
    linked complaint gets the leader's instructions as an internal note: once, and again when the
    instructions change."""
    if not summary.strip():
        raise ValidationError({"summary": _("Say what was discussed.")})
    if day.day > timezone.localdate():
        raise ValidationError(_("The record is written on or after the day of the reception."))
    action = "change" if hasattr(day, "record") else "add"
    if not user.has_perm(f"complaints.{action}_receptionrecord"):
        raise PermissionDenied(_("You may not write the record of this day."))
    _check_day_in_scope(day, user)
    with transaction.atomic():
        day = _lock_day(day)
        record = ReceptionRecord.objects.filter(day=day).first()
        before = snapshot(record) if record is not None else None
        old_complaints = set(record.complaints.values_list("pk", flat=True)) if record else set()
        old_instructions = record.instructions if record else ""
        if record is None:
            record = ReceptionRecord(day=day, recorded_by=user)
        record.summary, record.instructions = summary.strip(), instructions.strip()
        record.save()
        received = Complaint.objects.filter(
            pk__in=day.appointments.filter(state=AppointmentState.RECEIVED).values("complaint")
        ).order_by("pk")
        record.complaints.set(received)
        record_change(record, before)
        if record.instructions:
            changed = record.instructions != old_instructions
            for complaint in received:
                if changed or complaint.pk not in old_complaints:
                    _instruction_note(record, complaint, user)
    return record
