"""Handling a complaint: routing, transfers, objections, acceptance, unit tasks, notes, referral
(诉访分离) and extension — Letters and Visits Regulations 2022, Arts 22–23, 31 and 34.

Every state change goes through `workflow.engine.fire`, inside one transaction with the
records it needs (a Transfer row, the counted transfer, a notice for the complainant), so a
refusal anywhere leaves nothing half-written. Who may take a step on the complaint (never the unit
it is about; the lead unit's own acts) is declared on the machine
(complaints.machines.complaints) and checked by the engine alone. Refusals are WorkflowErrors
with a stable code and a message the page or the API shows as it is; a complaint outside the scope
is a 404.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.choices import (
    HANDLING_CLOCKS,
    ComplaintState,
    DocumentKind,
    ReferralBody,
    TaskRole,
    TaskState,
    TransferKind,
)
from complaints.machines.complaints import HANDLERS, units_under_review
from complaints.models import CaseNote, Complaint, HandlingTask, Transfer
from complaints.services import documents
from complaints.services.protection import is_shielded_from
from complaints.services.routing import route_for
from core.audit import record_change, snapshot
from core.models import Department, User
from core.observers import observed
from core.scoping import get_restricted, scope_of
from workflow.clocks import due_text, open_clocks
from workflow.engine import fire, update_versioned
from workflow.errors import (
    InvalidState,
    MissingFields,
    PreconditionFailed,
    TransitionForbidden,
)
from workflow.notifications import notify

# Tasks are given once the lead unit has accepted the matter, and again for a review.
TASK_STATES = (ComplaintState.HANDLING, ComplaintState.REVIEWING, ComplaintState.REREVIEWING)


# --- who may act -------------------------------------------------------------------------


def visible_complaint(user: User, complaint: Complaint) -> Complaint:
    """The complaint as the user may see it; outside the scope it does not exist (404)."""
    return get_restricted(Complaint, user, "view", complaint.pk)


def answers_for_complaint(user: User, complaint: Complaint) -> bool:
    """The desk or territory over the complaint's place, or the lead unit — never a unit or person
    the complaint is about (Arts 30, 46), nor an assisting unit, which only does its own task."""
    scope = scope_of(user)
    reach = (
        scope.unlimited
        or complaint.department_id in scope.department_ids
        or complaint.region_id in scope.region_ids
    )
    return reach and not is_shielded_from(user, complaint)


def _require(user: User, permission: str, complaint: Complaint) -> Complaint:
    if not user.has_perm(permission):
        raise TransitionForbidden()
    complaint = visible_complaint(user, complaint)
    if not answers_for_complaint(user, complaint):
        raise TransitionForbidden(_("Only the desk and the lead unit can do this on the case."))
    return complaint


def is_respondent_unit(complaint: Complaint, department: Department | int | None) -> bool:
    unit_id: Any = getattr(department, "pk", department)
    return bool(unit_id) and complaint.respondents.filter(department_id=unit_id).exists()


# --- routing, transfers and objections ---------------------------------------------------


def suggested_unit(complaint: Complaint) -> Department | None:
    """The unit the category and place route to (complaints.services.routing), never a unit the
    complaint is about (Arts 30, 46)."""
    named = complaint.respondents.filter(department__isnull=False).values_list(
        "department_id", flat=True
    )
    return route_for(complaint.category, complaint.region, excluding=list(named))


def route(
    complaint: Complaint,
    user: User,
    department: Department | None = None,
    summary: str | None = None,
    note: str = "",
    expected_version: int | str | None = None,
) -> Complaint:
    """The desk sends the matter to the unit responsible (Art. 22: within 15 days of receipt);
    the unit's 5 working days to object start now (Art. 23). Without a department, the unit
    that the category and place route to."""
    department = department or suggested_unit(complaint)
    if department is None:
        raise MissingFields(
            _("No unit is set up for this category and place; choose the unit."),
            fields=["department"],
        )
    data: dict[str, Any] = {
        "department": department,
        "summary": complaint.summary if summary is None else summary,
    }
    if note:  # the engine reads "" as no value, and the note column holds text
        data["routing_note"] = note
    with transaction.atomic():
        routed = fire("route", complaint, user, data, expected_version)
        record_move(routed, user, TransferKind.ROUTE, None, department, note or _("Routed."))
    return routed


def transfer(
    complaint: Complaint,
    user: User,
    to_department: Department,
    reason: str,
    expected_version: int | str | None = None,
) -> Complaint:
    """The desk moves an assigned or accepted complaint to another unit, with its reason.

    How the state and clocks behave, and why:
    - The complaint goes back to "assigned" and the new unit must accept it itself: acceptance
      (受理) is each unit's own act, and Art. 34 counts the 60 days "from acceptance" by the
      unit that handles and answers. The old unit's handling clock is therefore cancelled (it
      fell away, it was not met) and a new one starts when the new unit accepts.
    - The new unit gets its own 5 working days to say the matter is not its remit (Art. 23
      gives that right to whichever unit receives the matter), running from the transfer.
    - So that moving a complaint cannot quietly buy time, every transfer is recorded with its
      reason and counted (DESIGN.md §6: transfers per complaint is a published rate), and the old
      handling clock stays in the history with its due date and whether it was already late.
    - The old unit's open lead task is cancelled; assisting units keep theirs.
    """
    if not (reason or "").strip():
        raise MissingFields(_("Say why the case moves to another unit."), fields=["reason"])
    with transaction.atomic():
        from_id = _stored_unit(complaint)
        moved = fire(
            "transfer",
            complaint,
            user,
            {"department": to_department, "handler": None},
            expected_version,
        )
        _cancel_lead_tasks(moved, user, from_id)
        record_move(moved, user, TransferKind.TRANSFER, from_id, to_department, reason)
        moved = count_transfer(moved)
    return moved


def object_to_remit(
    complaint: Complaint,
    user: User,
    reason: str,
    expected_version: int | str | None = None,
) -> Complaint:
    """The unit says the matter is not its remit (Art. 23: within 5 working days of receiving
    it); the complaint goes back to the desk without a unit, and the return is counted."""
    with transaction.atomic():
        from_id = _stored_unit(complaint)
        back = fire(
            "object_remit",
            complaint,
            user,
            {"objection_reason": reason, "department": None},
            expected_version,
        )
        record_move(back, user, TransferKind.OBJECTION, from_id, None, reason)
        back = count_transfer(back)
    return back


def accept(
    complaint: Complaint,
    user: User,
    handler: Any = None,
    expected_version: int | str | None = None,
) -> Complaint:
    """The lead unit accepts the matter: the 60 days of Art. 34 (or the category's 12345
    limit) start now."""
    with transaction.atomic():
        return fire("accept", complaint, user, {"handler": handler or user}, expected_version)


def _stored_unit(complaint: Complaint) -> int | None:
    return Complaint.objects.filter(pk=complaint.pk).values_list("department_id", flat=True)[0]


def record_move(
    complaint: Complaint,
    user: User,
    kind: str,
    from_id: int | None,
    to_department: Department | None,
    reason: str,
) -> Transfer:
    move = Transfer.objects.create(
        complaint=complaint,
        kind=kind,
        from_department_id=from_id,
        to_department=to_department,
        reason=reason,
        by=user,
        at=timezone.now(),
    )
    record_change(move, None)
    return move


def count_transfer(complaint: Complaint) -> Complaint:
    """transfer_count + 1 in the database (F(), no lost update), with the version bumped so a
    form opened before the move is refused; audited."""
    before = snapshot(Complaint.objects.get(pk=complaint.pk))
    with observed(complaint):
        Complaint.objects.filter(pk=complaint.pk).update(
            transfer_count=F("transfer_count") + 1, version=F("version") + 1
        )
    counted = Complaint.objects.get(pk=complaint.pk)
    record_change(counted, before)
    return counted


def _cancel_lead_tasks(complaint: Complaint, user: User, unit_id: int | None) -> None:
    if unit_id is None:
        return
    open_lead = HandlingTask.objects.filter(
        complaint=complaint, department_id=unit_id, role=TaskRole.LEAD, state=TaskState.OPEN
    )
    for task in open_lead:
        fire("cancel", task, user)


# --- tasks ---------------------------------------------------------------------------------


def assign_task(
    complaint: Complaint,
    user: User,
    department: Department,
    role: str,
    instructions: str,
    due: dt.datetime,
) -> HandlingTask:
    """Give the lead unit or an assisting unit its own task and deadline on the complaint. A unit
    the complaint is about is never given a task: it would see the matter's file (Arts 30, 46)."""
    with transaction.atomic():
        complaint = _require(user, "complaints.add_handlingtask", complaint)
        _check_task(complaint, department, role, instructions, due)
        task = HandlingTask.objects.create(
            complaint=complaint,
            department=department,
            role=role,
            instructions=instructions.strip(),
            due=due,
            assigned_by=user,
            state=TaskState.OPEN,
        )
        record_change(task, None)
        _tell_unit(task, user)
    return task


def _check_task(
    complaint: Complaint, department: Department, role: str, instructions: str, due: dt.datetime
) -> None:
    if complaint.state not in TASK_STATES:
        raise InvalidState(_("Tasks are given once the lead unit has accepted the case."))
    if role not in TaskRole.values:
        raise PreconditionFailed(_("Choose lead or assisting unit."), fields=["role"])
    if not (instructions or "").strip():
        raise MissingFields(_("Say what the unit is to do."), fields=["instructions"])
    if is_respondent_unit(complaint, department):
        raise PreconditionFailed(
            _("This unit is the one complained about; it cannot be given a task on the case."),
            fields=["department"],
        )
    if department.pk in units_under_review(complaint):
        raise PreconditionFailed(
            _("This unit's decision is under review; it cannot be given a task on the review."),
            fields=["department"],
        )
    _check_role(complaint, department, role)
    _check_due(complaint, due)


def _check_role(complaint: Complaint, department: Department, role: str) -> None:
    if role == TaskRole.LEAD and department.pk != complaint.department_id:
        raise PreconditionFailed(
            _("The lead task goes to the case's lead unit (%(unit)s).")
            % {"unit": complaint.department},
            fields=["department"],
        )
    if role == TaskRole.ASSISTING and department.pk == complaint.department_id:
        raise PreconditionFailed(
            _("The lead unit has the lead task; choose another unit to assist."),
            fields=["department"],
        )
    open_same = HandlingTask.objects.filter(
        complaint=complaint, department=department, state=TaskState.OPEN
    )
    if open_same.exists():
        raise PreconditionFailed(
            _("%(unit)s already has an open task on this case.") % {"unit": department},
            fields=["department"],
        )


def _check_due(complaint: Complaint, due: dt.datetime) -> None:
    if due <= timezone.now():
        raise PreconditionFailed(_("The task's deadline must be in the future."), fields=["due"])
    clock = open_clocks(complaint, HANDLING_CLOCKS).first()
    if clock is not None and due > clock.due:
        raise PreconditionFailed(
            _("A task cannot be due after the case itself (%(due)s).") % {"due": due_text(clock)},
            fields=["due"],
        )


def _tell_unit(task: HandlingTask, user: User) -> None:
    staff = User.objects.filter(
        departments=task.department_id, groups__name__in=HANDLERS, is_active=True
    ).exclude(pk=user.pk)
    # The title names the matter only; identity never travels in a notification.
    notify(
        staff.distinct(),
        topic="complaint.task",
        title=_("Task on %(case)s") % {"case": task.complaint.number},
        url=task.get_absolute_url(),
    )


def complete_task(
    task: HandlingTask, user: User, result: str, expected_version: int | str | None = None
) -> HandlingTask:
    """The unit reports its task done, with the result."""
    return fire("complete", task, user, {"result": result}, expected_version)


def cancel_task(
    task: HandlingTask, user: User, expected_version: int | str | None = None
) -> HandlingTask:
    return fire("cancel", task, user, {}, expected_version)


# --- notes -------------------------------------------------------------------------------


def add_note(
    complaint: Complaint, user: User, text: str, for_complainant: bool = False
) -> CaseNote:
    """An internal note, or (for_complainant) progress the complainant reads on the portal.
    Only the desk and the lead unit speak to the complainant."""
    if not user.has_perm("complaints.add_casenote"):
        raise TransitionForbidden()
    if not (text or "").strip():
        raise MissingFields(_("Write the note."), fields=["text"])
    with transaction.atomic():
        complaint = visible_complaint(user, complaint)
        if is_shielded_from(user, complaint):
            # Arts 30, 46: the unit complained about reads the matter, it writes nothing on it.
            raise TransitionForbidden(
                _("You are named in this complaint or stepped aside from it: you cannot act on it.")
            )
        if for_complainant and not answers_for_complaint(user, complaint):
            raise TransitionForbidden(
                _("Only the desk and the lead unit write what the complainant is told.")
            )
        note = CaseNote.objects.create(
            complaint=complaint, text=text.strip(), for_complainant=for_complainant, author=user
        )
        record_change(note, None)
    return note


def notes_for(user: User) -> QuerySet[CaseNote]:
    """Notes the user may read (CaseNote.protection_filter keeps internal notes from the unit
    or person the complaint is about)."""
    return CaseNote.objects.restrict(user, "view")


# --- referral (诉访分离) and extension -------------------------------------------------------


def refer(
    complaint: Complaint,
    user: User,
    body: str,
    reason: str,
    expected_version: int | str | None = None,
) -> Complaint:
    """A matter for a court, arbitration, administrative reconsideration or a discipline body
    leaves this procedure with a reasoned notice to the complainant (Art. 31, 诉访分离); what
    became of it is recorded later (`record_referral_result`)."""
    if body not in ReferralBody.values:
        raise PreconditionFailed(_("Choose where the matter is referred."), fields=["body"])
    data = {"referral_body": body, "referral_reason": reason}
    with transaction.atomic():
        referred = fire("refer", complaint, user, data, expected_version)
        documents.issue_notice(referred, user, DocumentKind.REFERRAL_NOTICE)
    return referred


def record_referral_result(
    complaint: Complaint,
    user: User,
    result: str,
    expected_version: int | str | None = None,
) -> Complaint:
    """What the court, arbitrator or body did with a referred matter; audited."""
    if not (result or "").strip():
        raise MissingFields(_("Say what became of the referral."), fields=["result"])
    with transaction.atomic():
        complaint = _require(user, "complaints.change_complaint", complaint)
        if complaint.state != ComplaintState.REFERRED:
            raise InvalidState(_("Only a referred case has a referral result."))
        version = complaint.version if expected_version is None else int(expected_version)
        data = {"referral_result": result.strip(), "referral_result_at": timezone.now()}
        return update_versioned(
            user, complaint, data, version, fields=("referral_result", "referral_result_at")
        )


def referrals_awaiting_result(user: User) -> QuerySet[Complaint]:
    return Complaint.objects.restrict(user, "view").filter(
        state=ComplaintState.REFERRED, referral_result=""
    )


def extend(
    complaint: Complaint,
    user: User,
    days: int,
    reason: str,
    expected_version: int | str | None = None,
) -> Complaint:
    """The unit head extends the handling time (Art. 34: at most 30 days more in total) and
    the complainant is told why, in an extension notice."""
    data = {"extension_days": days, "extension_reason": reason}
    with transaction.atomic():
        extended = fire("extend", complaint, user, data, expected_version)
        # The notice's default wording quotes the days, the new due time and the reason.
        documents.issue_notice(extended, user, DocumentKind.EXTENSION_NOTICE)
    return extended
