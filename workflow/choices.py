"""Choice classes of the workflow engine: value, translated label and badge colour."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.choices import ColouredChoices


class DayCount(models.TextChoices):
    # Civil Code Arts 200–204: periods in hours run from the event's time; periods in days
    # start the next day and end at 24:00 of the last day.
    HOURS = "hours", _("Hours (exact)")
    CALENDAR_DAYS = "calendar_days", _("Calendar days")
    WORKING_DAYS = "working_days", _("Working days")


class ClockState(ColouredChoices):
    RUNNING = "running", _("Running")
    PAUSED = "paused", _("Paused")
    MET = "met", _("Met")
    STOPPED = "stopped", _("Stopped")


ClockState.COLOURS = {  # type: ignore[attr-defined]
    "running": "primary",
    "paused": "secondary",
    "met": "success",
    "stopped": "dark",
}

OPEN_CLOCK_STATES = (ClockState.RUNNING, ClockState.PAUSED)


class EscalationLevel(models.IntegerChoices):
    """Who hears about a clock, in the order DESIGN.md §2 gives."""

    NONE = 0, _("Not escalated")
    HANDLER = 1, _("Handler")
    UNIT_LEADER = 2, _("Unit leader")
    SUPERVISING_OFFICE = 3, _("Supervising office")
    GOVERNMENT_LEADER = 4, _("Government leader")


class EscalationStep(models.IntegerChoices):
    """The ladder a running clock climbs; each step is taken once (see workflow.escalation)."""

    STARTED = 0, _("Started")
    WARNING = 1, _("Entering the warning window")
    DUE_TODAY = 2, _("Due today")
    OVERDUE = 3, _("Overdue: handler")
    UNIT_LEADER = 4, _("Overdue: unit leader")
    SUPERVISING_OFFICE = 5, _("Overdue: supervising office")
    GOVERNMENT_LEADER = 6, _("Overdue: government leader")


# The level each step brings the clock to (a step never lowers it).
STEP_LEVEL = {
    EscalationStep.WARNING: EscalationLevel.HANDLER,
    EscalationStep.DUE_TODAY: EscalationLevel.HANDLER,
    EscalationStep.OVERDUE: EscalationLevel.HANDLER,
    EscalationStep.UNIT_LEADER: EscalationLevel.UNIT_LEADER,
    EscalationStep.SUPERVISING_OFFICE: EscalationLevel.SUPERVISING_OFFICE,
    EscalationStep.GOVERNMENT_LEADER: EscalationLevel.GOVERNMENT_LEADER,
}


class SupervisionState(ColouredChoices):
    ISSUED = "issued", _("Issued")
    REPLIED = "replied", _("Replied")
    CLOSED = "closed", _("Closed")


SupervisionState.COLOURS = {  # type: ignore[attr-defined]
    "issued": "warning",
    "replied": "info",
    "closed": "success",
}


class Channel(models.TextChoices):
    IN_APP = "in_app", _("In-app inbox")
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    SKIPPED = "skipped", _("Skipped (preference)")
    FAILED = "failed", _("Failed")
