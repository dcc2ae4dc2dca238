"""Choices of the workplace-safety area (DESIGN.md §5): value, translated label, colour."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.choices import ColouredChoices

# Clock kinds of the safety area (workflow Clock.kind; their lengths are rule-set rows).
RECTIFY_CLOCK = "hazards.rectify"  # a hazard's rectification deadline
POWER_CUT_CLOCK = "hazards.power_cut_notice"  # Work Safety Law Art. 70: 24 h written notice
RESUME_REVIEW_CLOCK = "hazards.resume_review"  # SAWS Order 16 Art. 23: review within 10 days
# Their names as people read them (workflow.clock_labels).
CLOCK_LABELS = {
    RECTIFY_CLOCK: _("Rectify by the ordered deadline"),
    POWER_CUT_CLOCK: _("Written notice before cutting power"),
    RESUME_REVIEW_CLOCK: _("On-site review before resuming"),
}


class Outcome(ColouredChoices):
    """One checklist item at one inspection."""

    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")
    NOT_APPLICABLE = "na", _("Not applicable")


Outcome.COLOURS = {"pass": "success", "fail": "danger", "na": "secondary"}  # type: ignore[attr-defined]


class InspectionState(ColouredChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


InspectionState.COLOURS = {"in_progress": "info", "completed": "success"}  # type: ignore[attr-defined]


class InspectionKind(ColouredChoices):
    ROUTINE = "routine", _("Routine (grid)")
    CAMPAIGN = "campaign", _("Campaign")
    UNANNOUNCED = "unannounced", _("Unannounced (random)")
    SELF = "self", _("Enterprise self-inspection")
    FOLLOW_UP = "follow_up", _("Follow-up")


class HazardSource(ColouredChoices):
    INSPECTION = "inspection", _("Inspection")
    AD_HOC = "ad_hoc", _("Reported ad hoc")
    ENTERPRISE = "enterprise", _("Enterprise self-report")
    COMPLAINT = "complaint", _("Citizen complaint")
    IMPORT = "import", _("Imported ledger")


class HazardGrade(ColouredChoices):
    # SAWS Order 16 Art. 3: general (一般) and major (重大) hazards.
    GENERAL = "general", _("General")
    MAJOR = "major", _("Major")


HazardGrade.COLOURS = {"general": "warning", "major": "danger"}  # type: ignore[attr-defined]


class HazardState(ColouredChoices):
    """The closed loop of DESIGN.md §5: found → registered → graded → rectifying → rectified →
    verified → closed; a rejected verification goes back to rectifying."""

    FOUND = "found", _("Found")
    REGISTERED = "registered", _("Registered")
    GRADED = "graded", _("Graded")
    RECTIFYING = "rectifying", _("Rectifying")
    RECTIFIED = "rectified", _("Rectified, awaiting verification")
    VERIFIED = "verified", _("Verified")
    CLOSED = "closed", pgettext_lazy("hazard state", "Closed")  # 销号, not a closed premises


HazardState.COLOURS = {  # type: ignore[attr-defined]
    "found": "secondary",
    "registered": "info",
    "graded": "primary",
    "rectifying": "warning",
    "rectified": "info",
    "verified": "success",
    "closed": "dark",
}
OPEN_HAZARD_STATES = (
    HazardState.FOUND,
    HazardState.REGISTERED,
    HazardState.GRADED,
    HazardState.RECTIFYING,
    HazardState.RECTIFIED,
    HazardState.VERIFIED,
)


class InterimControlKind(ColouredChoices):
    # Work Safety Law Art. 41 / SAWS Order 16 Art. 16: measures while a major hazard is open.
    WORKERS_WITHDRAWN = "workers_withdrawn", _("Workers withdrawn")
    CORDON = "cordon", _("Cordon and warning signs")
    EQUIPMENT_STOPPED = "equipment_stopped", _("Equipment or use stopped")
    MONITORING = "monitoring", _("Monitoring and patrols")
    OTHER = "other", _("Other")


class ListingLevel(ColouredChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    COUNTY = "county", _("County")


class ListingState(ColouredChoices):
    LISTED = "listed", _("Listed")
    RESUMPTION_APPLIED = "resumption_applied", _("Applied to resume")
    REVIEWED = "reviewed", _("Reviewed on site")
    DELISTED = "delisted", _("De-listed")


ListingState.COLOURS = {  # type: ignore[attr-defined]
    "listed": "danger",
    "resumption_applied": "warning",
    "reviewed": "info",
    "delisted": "success",
}


class EnforcementKind(ColouredChoices):
    """Work Safety Law Arts 65, 70, 102, 113 and the Administrative Penalty Law."""

    RECTIFICATION_ORDER = "rectification_order", _("Order to rectify")
    IMMEDIATE_REMOVAL = "immediate_removal", _("Order of immediate removal")
    SUSPENSION = "suspension", _("Temporary suspension of production")
    SEALING = "sealing", _("Sealing or seizure")
    POWER_CUT_NOTICE = "power_cut_notice", _("Notice of power cut")
    WARNING = "warning", _("Warning")
    FINE = "fine", _("Fine")
    CONFISCATION = "confiscation", _("Confiscation of illegal gains")
    PENALTY_SUSPENSION = "penalty_suspension", _("Order to suspend production for rectification")
    LICENCE_REVOCATION = "licence_revocation", _("Suspension or revocation of a licence")
    CLOSURE_REQUEST = "closure_request", _("Request for closure")
    HEARING_NOTICE = "hearing_notice", _("Hearing notice")


# Administrative Penalty Law 2021 Art. 9: warnings, fines, confiscation, suspension of production
# or business, suspension or revocation of a licence (closure and detention are decided by the
# government and the police, not by this regulator). An order to rectify (Art. 28), the on-site
# measures of Work Safety Law Art. 65 (temporary suspension, sealing) and a power cut (Art. 70)
# are not penalties, so Art. 113 does not count them.
PENALTY_KINDS = frozenset(
    {
        EnforcementKind.WARNING,
        EnforcementKind.FINE,
        EnforcementKind.CONFISCATION,
        EnforcementKind.PENALTY_SUSPENSION,
        EnforcementKind.LICENCE_REVOCATION,
    }
)


class EnforcementState(ColouredChoices):
    DRAFT = "draft", _("Draft")
    ISSUED = "issued", _("Issued")
    LIFTED = "lifted", _("Lifted")
    CANCELLED = "cancelled", _("Cancelled")


EnforcementState.COLOURS = {"draft": "secondary", "issued": "danger", "lifted": "success"}  # type: ignore[attr-defined]


class RiskMethod(ColouredChoices):
    LEC = "lec", _("LEC (D = L × E × C)")
    MATRIX = "matrix", _("5×5 matrix (R = L × S)")


class RiskColour(ColouredChoices):
    """Four levels, most severe first (DESIGN.md §5)."""

    RED = "red", _("Major (red)")
    ORANGE = "orange", _("Larger (orange)")
    YELLOW = "yellow", _("General (yellow)")
    BLUE = "blue", _("Low (blue)")


RiskColour.COLOURS = {"red": "danger", "orange": "orange", "yellow": "warning", "blue": "primary"}  # type: ignore[attr-defined]
RISK_ORDER = {"blue": 0, "yellow": 1, "orange": 2, "red": 3}


class PeriodKind(ColouredChoices):
    QUARTER = "quarter", _("Quarter")
    YEAR = "year", _("Year")


class ImportMode(ColouredChoices):
    ALL_OR_NOTHING = "all", _("Import nothing if any row fails")
    VALID_ROWS = "valid", _("Import the valid rows")
