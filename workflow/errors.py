"""What can go wrong when firing a transition, each with a stable machine-readable code.

Pages show `message` (core.views.generic.RefusalMessages); the API answers `status` with
`{"detail", "code", ...details}` (core.api.exceptions); nothing here ever becomes a 500.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.services import ServiceError


class WorkflowError(ServiceError):
    code = "workflow_error"


class UnknownTransition(WorkflowError):
    code = "unknown_transition"
    default_message = _("There is no such action for this record.")


class TransitionForbidden(WorkflowError):
    code = "transition_forbidden"
    status = 403
    default_message = _("You may not take this action on this record.")


class InvalidState(WorkflowError):
    """The record is not in a state the transition starts from (often: someone moved it)."""

    code = "invalid_state"
    status = 409
    default_message = _("This action is not possible in the record's current state.")


class PreconditionFailed(WorkflowError):
    code = "precondition_failed"
    default_message = _("The conditions for this action are not met.")


class MissingFields(PreconditionFailed):
    code = "missing_fields"
    default_message = _("Fill in the required fields first.")


class MissingAttachments(PreconditionFailed):
    code = "missing_attachments"
    default_message = _("Attach the required documents first.")


class VersionConflict(WorkflowError):
    code = "version_conflict"
    status = 409
    default_message = _(
        "This record was changed by someone else after you opened it. Reload it and try again."
    )


class ExtensionRefused(WorkflowError):
    code = "extension_refused"
    default_message = _("This deadline cannot be extended that far.")


class ClockError(WorkflowError):
    code = "clock_error"
    status = 409
    default_message = _("The deadline is not in a state that allows this.")


class CalendarDataMissing(WorkflowError):
    """A working-day count needs a year whose holidays nobody has entered yet."""

    code = "calendar_data_missing"
    default_message = _(
        "The official holidays of %(year)s are not entered yet; an administrator must add them "
        "(Workflow → Calendar) before working days in that year can be counted."
    )

    def __init__(self, year: int) -> None:
        super().__init__(self.default_message % {"year": year}, year=year)
        self.year = year
