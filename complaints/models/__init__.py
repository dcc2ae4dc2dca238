from complaints.models.backlog import BacklogCase, BacklogRule
from complaints.models.callbacks import Callback, RateFormula
from complaints.models.categories import AttributeOption, Category, CategoryAttribute, CategoryRoute
from complaints.models.complaints import Complaint, ComplaintAttributeValue, complaint_scope
from complaints.models.documents import CaseDocument
from complaints.models.handling import CaseNote, HandlingTask, RepeatContact, Transfer
from complaints.models.identity import Complainant, ComplaintOriginal, Recusal, Respondent
from complaints.models.open311 import Open311Client
from complaints.models.reception import ReceptionAppointment, ReceptionDay, ReceptionRecord

__all__ = [
    "AttributeOption",
    "BacklogCase",
    "BacklogRule",
    "Callback",
    "CaseDocument",
    "CaseNote",
    "Category",
    "CategoryAttribute",
    "CategoryRoute",
    "Complainant",
    "Complaint",
    "ComplaintAttributeValue",
    "ComplaintOriginal",
    "HandlingTask",
    "Open311Client",
    "RateFormula",
    "ReceptionAppointment",
    "ReceptionDay",
    "ReceptionRecord",
    "Recusal",
    "RepeatContact",
    "Respondent",
    "Transfer",
    "complaint_scope",
]
