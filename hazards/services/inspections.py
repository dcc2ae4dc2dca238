"""Running an inspection: open it, record each item's outcome, photos, the representative's
signature, complete it with its score, and turn a failed item into a hazard.

Every function checks scope through restrict() inside its transaction and writes the audit
entry; the UI views and the API call the same functions. Bad input raises ValidationError with
a stable code and writes nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.attachments import store_attachment
from core.audit import record_change, snapshot
from core.models import Attachment, Premises, User
from core.scoping import get_restricted
from core.services import ensure_in_scope
from hazards.choices import HazardSource, InspectionKind, InspectionState, Outcome
from hazards.models import (
    Campaign,
    ChecklistItem,
    ChecklistTemplate,
    Inspection,
    InspectionResult,
)
from hazards.services.campaigns import refresh_schedule
from hazards.services.checklists import score_inspection, template_for
from hazards.services.hazards import report_hazard
from workflow.calendar import end_of_day, local_date
from workflow.engine import check_inputs, fire
from workflow.machine import Files

PHOTO = "photo"
SIGNATURE = "signature"


def is_enterprise_officer(user: User) -> bool:
    return bool(user.groups.filter(name="enterprise_officer").exists())


def default_template(premises: Premises) -> ChecklistTemplate | None:
    """The checklist in force today for the premises' sector (or the nearest sector above)."""
    return template_for(premises.sector, local_date(timezone.now()))


def _check_may_inspect(user: User, premises: Premises) -> None:
    if not user.has_perm("hazards.add_inspection"):
        raise PermissionDenied(_("You may not run inspections."))
    get_restricted(Premises, user, "view", premises.pk)


def open_inspection(
    *,
    user: User,
    premises: Premises,
    template: ChecklistTemplate | None = None,
    kind: str = InspectionKind.ROUTINE,
    campaign: Campaign | None = None,
    inspector: User | None = None,
    planned_on: dt.date | None = None,
    notes: str = "",
) -> Inspection:
    """Open an inspection (started now, or only planned when `planned_on` is given).

    An enterprise officer's inspection of their own premises is always a self-inspection.
    """
    template = template or default_template(premises)
    if template is None:
        raise ValidationError(
            _("There is no checklist for this premises' sector; choose one."),
            code="no_checklist",
        )
    if kind not in InspectionKind.values:
        raise ValidationError(_("Unknown kind of inspection."), code="bad_kind")
    if is_enterprise_officer(user):
        kind = InspectionKind.SELF
    with transaction.atomic():
        _check_may_inspect(user, premises)
        inspection = Inspection(
            premises=premises,
            template=template,
            kind=kind,
            campaign=campaign,
            inspector=inspector or user,
            planned_on=planned_on,
            started_at=None if planned_on else timezone.now(),
            state=InspectionState.IN_PROGRESS,
            notes=notes,
        )
        inspection.take_place_from_premises()
        inspection.save()
        ensure_in_scope(user, inspection, "add", _("The premises is outside your scope."))
        record_change(inspection, None)
    return inspection


def _in_progress_for(user: User, inspection: Inspection) -> Inspection:
    """The stored inspection, locked, if the user may change it and it is still running."""
    stored = (
        Inspection.objects.restrict(user, "change")
        .select_for_update()
        .filter(pk=inspection.pk)
        .first()
    )
    if stored is None:
        raise PermissionDenied(_("You may not change this inspection."))
    if stored.state != InspectionState.IN_PROGRESS:
        raise ValidationError(
            _("This inspection is %(state)s; it can no longer be changed.")
            % {"state": InspectionState(stored.state).label},
            code="inspection_closed",
        )
    return stored


def record_result(
    *, user: User, inspection: Inspection, item: ChecklistItem, outcome: str, note: str = ""
) -> InspectionResult:
    """Record (or correct) one item's outcome and note; saved item by item so nothing is lost."""
    if outcome not in Outcome.values:
        raise ValidationError(_("Choose pass, fail or not applicable."), code="bad_outcome")
    if item.template_id != inspection.template_id:
        raise ValidationError(_("That item is not on this checklist."), code="wrong_item")
    with transaction.atomic():
        stored = _in_progress_for(user, inspection)
        result = InspectionResult.objects.filter(inspection=stored, item=item).first()
        before = snapshot(result) if result is not None else None
        if result is None:
            result = InspectionResult(inspection=stored, item=item)
        result.outcome, result.note = outcome, note
        result.save()
        if stored.started_at is None:
            Inspection.objects.filter(pk=stored.pk).update(started_at=timezone.now())
        record_change(result, before)
    return result


def add_photo(
    *, user: User, result: InspectionResult, upload: Any, taken_at: dt.datetime | None = None
) -> Attachment:
    """A photo of one item, stored with its time, size and hash."""
    with transaction.atomic():
        _in_progress_for(user, result.inspection)
        return store_attachment(
            subject=result, upload=upload, kind=PHOTO, user=user, taken_at=taken_at
        )


def sign(
    *, user: User, inspection: Inspection, representative_name: str, upload: Any
) -> Attachment:
    """The premises representative's name and drawn signature (a PNG)."""
    name = representative_name.strip()
    if not name:
        raise ValidationError(_("Give the representative's name."), code="name_required")
    with transaction.atomic():
        stored = _in_progress_for(user, inspection)
        before = snapshot(stored)
        Inspection.objects.filter(pk=stored.pk).update(representative_name=name[:50])
        stored.representative_name = name[:50]
        record_change(stored, before)
        return store_attachment(subject=stored, upload=upload, kind=SIGNATURE, user=user)


def score_of(inspection: Inspection) -> tuple[Decimal | None, int]:
    """Score (%) by the checklists' scoring rule, and the number of failed items."""
    failed = inspection.results.filter(outcome=Outcome.FAIL).count()
    return score_inspection(inspection), failed


def complete_inspection(
    *, user: User, inspection: Inspection, version: int | None = None, notes: str | None = None
) -> Inspection:
    """Complete the inspection with its score (engine transition `complete`)."""
    score, failed = score_of(inspection)
    data: dict[str, Any] = {"score": score, "failed_count": failed}
    if notes is not None:
        data["notes"] = notes
    completed = fire("complete", inspection, user, data, version)
    refresh_schedule(completed.premises)
    return completed


def transition_inspection(
    name: str,
    inspection: Inspection,
    user: User,
    data: dict[str, Any],
    expected_version: Any,
    files: Files,
) -> Inspection:
    """The inspection machine's door: completing scores the results first (nobody posts a
    score); cancelling is the engine's."""
    if name != "complete":
        return fire(name, inspection, user, data, expected_version, files)
    check_inputs(data, ("notes",))
    version = int(expected_version) if expected_version is not None else None
    return complete_inspection(
        user=user, inspection=inspection, version=version, notes=data.get("notes")
    )


def hazard_deadline(item: ChecklistItem, now: dt.datetime | None = None) -> dt.datetime:
    """The end of the day `default_rectify_days` after today (SAWS Order 16 Art. 15: a general
    hazard is rectified at once or by the deadline the regulator sets)."""
    today = local_date(now or timezone.now())
    return end_of_day(today + dt.timedelta(days=item.default_rectify_days))


def record_failed_item_as_hazard(*, user: User, result: InspectionResult) -> Any:
    """Register the failed item as a hazard, prefilled; a second call returns the same hazard."""
    existing = getattr(result, "hazard", None) if result.pk else None
    if existing is not None:
        return existing
    if result.outcome != Outcome.FAIL:
        raise ValidationError(_("Only a failed item becomes a hazard."), code="not_failed")
    get_restricted(InspectionResult, user, "view", result.pk)
    item = result.item
    return report_hazard(
        user=user,
        premises=result.inspection.premises,
        title=item.text[:200],
        source=HazardSource.INSPECTION,
        description="\n\n".join(part for part in (result.note, item.clause) if part),
        inspection_result=result,
        checklist_item=item,
        rectify_by=hazard_deadline(item),
    )
