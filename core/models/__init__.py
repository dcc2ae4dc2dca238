from core.models.attachments import Attachment
from core.models.audit import AuditChainHead, AuditEntry
from core.models.directory import Department, LicenceType, Region, Sector
from core.models.documents import (
    DocumentSequence,
    ImportJob,
    ImportProblem,
    next_number,
    next_numbers,
)
from core.models.premises import Licence, Premises, Responsibility
from core.models.users import SecondFactorToken, User

__all__ = [
    "Attachment",
    "AuditChainHead",
    "AuditEntry",
    "Department",
    "DocumentSequence",
    "ImportJob",
    "ImportProblem",
    "Licence",
    "LicenceType",
    "Premises",
    "Region",
    "Responsibility",
    "SecondFactorToken",
    "Sector",
    "User",
    "next_number",
    "next_numbers",
]
