from workflow.models.calendar import CalendarDay, CalendarYear
from workflow.models.clocks import Clock, ClockPause, EscalationEvent
from workflow.models.notifications import Notification, NotificationPreference
from workflow.models.rules import ClockRule, RuleSet
from workflow.models.stateful import StatefulModel
from workflow.models.supervision import SupervisionNotice
from workflow.models.worker import PeriodicJob, WorkerHeartbeat

__all__ = [
    "CalendarDay",
    "CalendarYear",
    "Clock",
    "ClockPause",
    "ClockRule",
    "EscalationEvent",
    "Notification",
    "NotificationPreference",
    "PeriodicJob",
    "RuleSet",
    "StatefulModel",
    "SupervisionNotice",
    "WorkerHeartbeat",
]
