from hazards.models.campaigns import (
    Campaign,
    CampaignAssignment,
    InspectionFrequency,
    InspectionSchedule,
)
from hazards.models.checklists import ChecklistItem, ChecklistTemplate
from hazards.models.enforcement import EnforcementAction
from hazards.models.hazards import GovernancePlan, Hazard, InterimControl
from hazards.models.inspections import Inspection, InspectionResult
from hazards.models.listings import HazardListing
from hazards.models.risk import RiskBand, RiskBandSet, RiskPoint
from hazards.models.statistics import EnterpriseStatistics

__all__ = [
    "Campaign",
    "CampaignAssignment",
    "ChecklistItem",
    "ChecklistTemplate",
    "EnforcementAction",
    "EnterpriseStatistics",
    "GovernancePlan",
    "Hazard",
    "HazardListing",
    "Inspection",
    "InspectionFrequency",
    "InspectionResult",
    "InspectionSchedule",
    "InterimControl",
    "RiskBand",
    "RiskBandSet",
    "RiskPoint",
]
