from core.models.audit import AuditChainHead, AuditEntry
from core.models.directory import Department, LicenceType, Region, Sector
from core.models.premises import Licence, Premises, Responsibility
from core.models.users import User

__all__ = [
    "AuditChainHead",
    "AuditEntry",
    "Department",
    "Licence",
    "LicenceType",
    "Premises",
    "Region",
    "Responsibility",
    "Sector",
    "User",
]
