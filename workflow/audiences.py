"""Who hears about an item at each escalation level: by role and by where the item sits."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet

from core.models import User
from workflow.choices import EscalationLevel

# The role (group) that answers at each level above the handler (DESIGN.md §1).
LEVEL_ROLE = {
    EscalationLevel.UNIT_LEADER: "unit_leader",
    EscalationLevel.SUPERVISING_OFFICE: "supervisor",
    EscalationLevel.GOVERNMENT_LEADER: "government_leader",
}


def handlers_of(obj: Any) -> list[User]:
    """The person working the item: a `handler` or `assignee` field, when the model has one."""
    for name in ("handler", "assignee"):
        person = getattr(obj, name, None)
        if isinstance(person, User):
            return [person]
    return []


def covering(role: str, obj: Any) -> QuerySet[User]:
    """Active users holding `role` whose scope covers the item's region or department."""
    region, department = getattr(obj, "region", None), getattr(obj, "department", None)
    where = Q(pk__in=[])
    if region is not None:
        where |= Q(regions__code__in=region.path.strip("/").split("/"))
    if department is not None:
        where |= Q(departments=department)
    return User.objects.filter(where, groups__name=role, is_active=True).distinct()


def default_audience(obj: Any, level: int) -> Iterable[User]:
    if level <= EscalationLevel.HANDLER:
        return handlers_of(obj)
    return covering(LEVEL_ROLE[EscalationLevel(level)], obj)


def audience_by_name(obj: Any, name: str) -> Iterable[User]:
    """A Notify audience named like an escalation level ("handler", "unit_leader", …)."""
    return default_audience(obj, EscalationLevel[name.upper()])
