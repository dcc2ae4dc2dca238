"""Choices of the citizen-complaints area (DESIGN.md §6): value, translated label, colour."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.choices import ColouredChoices


class Channel(ColouredChoices):
    """How the matter reached us (Letters and Visits Regulations 2022, Art. 17)."""

    LETTER = "letter", _("Letter")
    VISIT = "visit", _("Visit")
    PHONE = "phone", _("Phone")
    HOTLINE = "hotline", _("12345 hotline")
    WEB = "web", _("Online message")
    PORTAL = "portal", _("Public portal")
    OPEN311 = "open311", _("Open311 client")


class ComplaintState(ColouredChoices):
    RECEIVED = "received", _("Received")
    ASSIGNED = "assigned", _("Assigned to a unit")
    HANDLING = "handling", _("Being handled")
    REPLIED = "replied", _("Opinion delivered")
    REVIEWING = "reviewing", _("Under review")
    REVIEWED = "reviewed", _("Review opinion delivered")
    REREVIEWING = "rereviewing", _("Under re-review")
    CONCLUDED = "concluded", _("Concluded")
    REFERRED = "referred", _("Referred elsewhere")
    NOT_ACCEPTED = "not_accepted", _("Not accepted")


ComplaintState.COLOURS = {  # type: ignore[attr-defined]
    "received": "secondary", "assigned": "info", "handling": "primary", "replied": "success",
    "reviewing": "warning", "reviewed": "success", "rereviewing": "warning",
    "concluded": "dark", "referred": "secondary", "not_accepted": "secondary",
}  # fmt: skip
# States in which the matter is still being worked on (Art. 19: link, don't open twice).
OPEN_STATES = ("received", "assigned", "handling", "reviewing", "rereviewing")
# States after which the complainant holds a written opinion.
ANSWERED_STATES = ("replied", "reviewed", "concluded")


class HotlineLimit(ColouredChoices):
    """12345 limits by kind of matter (DESIGN.md §6 defaults; the clock rules hold the hours)."""

    EMERGENCY = "hotline.emergency", _("Emergency")
    UTILITIES = "hotline.utilities", _("Water, power, gas, heat")
    GENERAL = "hotline.general", pgettext_lazy("12345 limit", "General")
    COMPLEX = "hotline.complex", _("Complex")


# Kinds of the complaint's statutory clocks (workflow.models.Clock.kind; their lengths are
# ClockRule rows). Letters and Visits Regulations 2022: routing and the receipt notice (Art. 22),
# the unit's objection to its remit (Art. 23), handling (Art. 34, 60 days, or a 12345 limit),
# review and re-review requests and opinions (Arts 35, 36).
REGISTER_ROUTE = "complaints.register_route"
RECEIPT_NOTICE = "complaints.receipt_notice"
REMIT_OBJECTION = "complaints.remit_objection"
HANDLE_CLOCK = "complaints.handle"
REVIEW_REQUEST = "complaints.review_request"
REVIEW_OPINION = "complaints.review_opinion"
REREVIEW_REQUEST = "complaints.rereview_request"
REREVIEW_OPINION = "complaints.rereview_opinion"
# Every clock kind a complaint may be handled on: the statutory 60 days or a 12345 limit.
HANDLING_CLOCKS = (HANDLE_CLOCK, *HotlineLimit.values)
# The clocks' names as people read them (workflow.clock_labels).
CLOCK_LABELS = {
    REGISTER_ROUTE: _("Register and route"),
    RECEIPT_NOTICE: _("Notice of receipt and route"),
    REMIT_OBJECTION: _("Objection to remit"),
    HANDLE_CLOCK: _("Handle and give a written opinion"),
    REVIEW_REQUEST: _("Window to ask for review"),
    REVIEW_OPINION: _("Review opinion"),
    REREVIEW_REQUEST: _("Window to ask for re-review"),
    REREVIEW_OPINION: _("Re-review opinion"),
    **{limit.value: limit.label for limit in HotlineLimit},
}

# The clock a matter starts with: Art. 22's 15 days to register and route it or, for danger to
# life, the 12345 emergency limit from receipt (DESIGN.md §6). Routing it on ends either.
ROUTING_CLOCKS = (REGISTER_ROUTE, HotlineLimit.EMERGENCY.value)


class RespondentKind(ColouredChoices):
    UNIT = "unit", _("Unit")
    PREMISES = "premises", _("Premises")
    PERSON = "person", _("Staff member")


class TransferKind(ColouredChoices):
    ROUTE = "route", _("Routed")
    TRANSFER = "transfer", _("Transferred")
    OBJECTION = "objection", _("Returned: not the unit's remit")


class TaskRole(ColouredChoices):
    LEAD = "lead", _("Lead unit")
    ASSISTING = "assisting", _("Assisting unit")


class TaskState(ColouredChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


TaskState.COLOURS = {"open": "primary", "done": "success"}  # type: ignore[attr-defined]


class DocumentKind(ColouredChoices):
    RECEIPT_NOTICE = "receipt_notice", _("Notice of receipt")
    NOT_ACCEPTED_NOTICE = "not_accepted_notice", _("Notice of non-acceptance")
    REFERRAL_NOTICE = "referral_notice", _("Referral notice")
    EXTENSION_NOTICE = "extension_notice", _("Extension notice")
    OPINION = "opinion", _("Written opinion")
    REVIEW_OPINION = "review_opinion", _("Review opinion")
    REREVIEW_OPINION = "rereview_opinion", _("Re-review opinion")


OPINION_KINDS = ("opinion", "review_opinion", "rereview_opinion")
# The case states in which each kind of document may be drafted and approved (Letters and Visits
# Regulations 2022): the notice of receipt while the matter is registered and routed (Arts 21–23);
# the notice of non-acceptance once acceptance is refused, never on a case routed and accepted
# (Art. 32); the referral notice once referred to a legal route (Art. 31); the extension notice
# while the extended matter is handled (Art. 34); each opinion in the stage it answers (Arts 33–36).
ISSUED_IN: dict[str, tuple[str, ...]] = {
    DocumentKind.RECEIPT_NOTICE: (
        ComplaintState.RECEIVED, ComplaintState.ASSIGNED, ComplaintState.HANDLING,
    ),
    DocumentKind.NOT_ACCEPTED_NOTICE: (ComplaintState.NOT_ACCEPTED,),
    DocumentKind.REFERRAL_NOTICE: (ComplaintState.REFERRED,),
    DocumentKind.EXTENSION_NOTICE: (ComplaintState.HANDLING,),
    DocumentKind.OPINION: (ComplaintState.HANDLING,),
    DocumentKind.REVIEW_OPINION: (ComplaintState.REVIEWING,),
    DocumentKind.REREVIEW_OPINION: (ComplaintState.REREVIEWING,),
}  # fmt: skip


class DocumentState(ColouredChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    DELIVERED = "delivered", _("Delivered")
    SUPERSEDED = "superseded", _("Superseded by a correction")


DocumentState.COLOURS = {  # type: ignore[attr-defined]
    "draft": "secondary", "submitted": "warning", "approved": "info", "delivered": "success",
    "superseded": "dark",
}  # fmt: skip


class DeliveryMethod(ColouredChoices):
    IN_PERSON = "in_person", _("Handed over in person")
    POST = "post", _("Registered post")
    EMAIL = "email", _("Email")
    SMS = "sms", _("Text message")
    PORTAL = "portal", _("Public portal")


class OpinionOutcome(ColouredChoices):
    """Letters and Visits Regulations 2022, Art. 33: support, explain, or not support."""

    SUPPORTED = "supported", _("Supported")
    EXPLAINED = "explained", _("Explained")
    NOT_SUPPORTED = "not_supported", _("Not supported")


class ReferralBody(ColouredChoices):
    """诉访分离: matters that belong to another procedure (Art. 31)."""

    COURT = "court", _("Court")
    ARBITRATION = "arbitration", _("Arbitration")
    RECONSIDERATION = "reconsideration", _("Administrative reconsideration")
    DISCIPLINE = "discipline", _("Discipline inspection / supervision")


class BacklogReason(ColouredChoices):
    OVERDUE = "overdue", _("Overdue")
    REPEATED = "repeated", _("Repeated")


class BacklogState(ColouredChoices):
    OPEN = "open", _("Being resolved")
    RESOLVED = "resolved", _("Resolved")


BacklogState.COLOURS = {"open": "danger", "resolved": "success"}  # type: ignore[attr-defined]


class Satisfaction(ColouredChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASICALLY_SATISFIED = "basically_satisfied", _("Basically satisfied")
    UNSATISFIED = "unsatisfied", _("Unsatisfied")


Satisfaction.COLOURS = {  # type: ignore[attr-defined]
    "satisfied": "success", "basically_satisfied": "info", "unsatisfied": "danger",
}  # fmt: skip


class CallbackSource(ColouredChoices):
    CALLBACK = "callback", _("Callback")
    PORTAL = "portal", pgettext_lazy("rated on", "Public portal")


class AppointmentState(ColouredChoices):
    BOOKED = "booked", _("Booked")
    RECEIVED = "received", _("Received")
    MISSED = "missed", _("Did not come")
    CANCELLED = "cancelled", _("Cancelled")


class AttributeType(ColouredChoices):
    """Open311 GeoReport v2 service-definition datatypes."""

    STRING = "string", _("Short text")
    NUMBER = "number", _("Number")
    DATETIME = "datetime", _("Date and time")
    TEXT = "text", _("Long text")
    SINGLE = "singlevaluelist", _("One of a list")
    MULTI = "multivaluelist", _("Several of a list")
