"""Roles (DESIGN.md §1) are Django groups; this module is the one place their permissions live.

`manage.py sync_roles` (also run by `make run` and `demo_data`) creates or updates the groups,
so adding a permission to a role is a change here and a re-run, never a hand edit.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from core.models import User

DIRECTORY_REFERENCE = ("region", "sector", "department", "licencetype")


def perms(actions: str, *models: str, app: str = "core") -> frozenset[str]:
    return frozenset(f"{app}.{action}_{model}" for model in models for action in actions.split())


# Workflow: supervisors issue supervision notices, units read and answer them.
SUPERVISION_READ = perms("view", "supervisionnotice", app="workflow")
SUPERVISION_ANSWER = perms("view change", "supervisionnotice", app="workflow")
SUPERVISION_ISSUE = perms("view add change", "supervisionnotice", app="workflow")


# The leader dashboard and periodic reports: figures for the user's own scope.
DASHBOARD = frozenset({"reports.view_dashboard"}) | perms("view", "filedreport", app="reports")

READ_DIRECTORY = perms("view", *DIRECTORY_REFERENCE, "premises", "licence", "responsibility")

# Workplace safety.
SAFETY_REFERENCE = ("checklisttemplate", "checklistitem", "riskbandset", "riskband",
                    "inspectionfrequency")  # fmt: skip
SAFETY_RECORDS = ("campaign", "campaignassignment", "inspectionschedule", "inspection",
                  "inspectionresult", "hazard", "governanceplan", "interimcontrol",
                  "hazardlisting", "enforcementaction", "riskpoint",
                  "enterprisestatistics")  # fmt: skip
READ_SAFETY = perms("view", *SAFETY_REFERENCE, *SAFETY_RECORDS, app="hazards")
INSPECT = perms("add change", "inspection", "inspectionresult", "hazard", "interimcontrol",
                app="hazards") | perms("view add", "attachment")  # fmt: skip
REGULATE = INSPECT | perms(
    "add change", "enforcementaction", "hazardlisting", "riskpoint", "campaign",
    "campaignassignment", app="hazards",
)  # fmt: skip

# Citizen complaints. Identity (complainant, original material) is its own grant:
# the desk and the handling units hold it, leaders, supervisors and auditors do not.
COMPLAINT_REFERENCE = ("category", "categoryroute", "categoryattribute", "attributeoption",
                       "backlogrule", "rateformula", "open311client")  # fmt: skip
COMPLAINT_RECORDS = ("complaint", "complaintattributevalue", "respondent", "recusal",
                     "handlingtask", "transfer", "casenote", "repeatcontact", "casedocument",
                     "backlogcase", "callback", "receptionday", "receptionappointment",
                     "receptionrecord")  # fmt: skip
READ_COMPLAINTS = perms("view", *COMPLAINT_REFERENCE, *COMPLAINT_RECORDS, app="complaints")
SEE_IDENTITY = perms("view", "complainant", "complaintoriginal", app="complaints")
HANDLE_COMPLAINTS = (
    READ_COMPLAINTS
    | SEE_IDENTITY
    | perms("change", "complaint", "handlingtask", "casedocument", app="complaints")
    | perms("add", "casenote", "casedocument", "recusal", "handlingtask", app="complaints")
    | perms("view add", "attachment")
)
DESK = (
    HANDLE_COMPLAINTS
    | perms("add change", "complainant", "complaintoriginal", "respondent", app="complaints")
    | perms("add", "complaint", "repeatcontact", "transfer", "callback",
            "complaintattributevalue", "receptionappointment", app="complaints")
    | perms("change", "receptionappointment", app="complaints")
)  # fmt: skip


@dataclass(frozen=True)
class Role:
    key: str
    label: str | Promise
    permissions: frozenset[str]
    # False for an account a system acts through (the public channels): nobody is given it.
    for_people: bool = True


ROLES: tuple[Role, ...] = (
    Role(
        "directory_admin",
        _("Directory administrator"),
        DASHBOARD
        | perms(
            "view add change delete",
            *DIRECTORY_REFERENCE,
            "premises",
            "licence",
            "responsibility",
            "user",
        )
        # Holds what the unit roles hold, so it may grant them (not the supervisor's "add").
        | SUPERVISION_ANSWER
        | perms("view add change delete", *SAFETY_REFERENCE, app="hazards")
        | READ_SAFETY
        | REGULATE
        | perms("add change", "governanceplan", "enterprisestatistics", app="hazards")
        | perms("view add", "importjob")
        | READ_COMPLAINTS
        | perms("add change delete", *COMPLAINT_REFERENCE, app="complaints"),
    ),
    Role(
        "grid_inspector",
        _("Grid inspector"),
        READ_DIRECTORY | perms("change", "premises") | READ_SAFETY | INSPECT,
    ),
    Role(
        "township_staff",
        _("Township staff"),
        DASHBOARD
        | READ_DIRECTORY
        | perms("add change delete", "premises", "licence", "responsibility")
        | perms("add change", "region")
        | perms("view", "user")
        | SUPERVISION_ANSWER
        | READ_SAFETY
        | INSPECT
        | perms("add change", "campaign", "campaignassignment", "riskpoint", app="hazards")
        | perms("view add", "importjob")
        | READ_COMPLAINTS,
    ),
    Role(
        "department_staff",
        _("Department staff"),
        DASHBOARD
        | READ_DIRECTORY
        | perms("change", "premises")
        | perms("add change", "licence")
        | SUPERVISION_ANSWER
        | READ_SAFETY
        | REGULATE
        | READ_COMPLAINTS,
    ),
    Role(
        "enterprise_officer",
        _("Enterprise safety officer"),
        perms("view", "premises", "licence", "responsibility", "sector")
        | perms("change", "premises")
        | READ_SAFETY
        | INSPECT
        | perms("add change", "governanceplan", "riskpoint", "enterprisestatistics", app="hazards")
        | perms("view add", "importjob"),
    ),
    Role("complaint_clerk", _("Complaint-desk clerk"), READ_DIRECTORY | DESK),
    Role(
        "handling_staff",
        _("Handling unit staff"),
        READ_DIRECTORY | SUPERVISION_ANSWER | HANDLE_COMPLAINTS,
    ),
    Role(
        "unit_leader",
        _("Unit leader"),
        DASHBOARD
        | READ_DIRECTORY
        | perms("view", "user")
        | SUPERVISION_ANSWER
        | READ_SAFETY
        | perms("change", "hazard", "governanceplan", "hazardlisting", app="hazards")
        | HANDLE_COMPLAINTS
        | perms("change", "backlogcase", app="complaints"),
    ),
    Role(
        "supervisor",
        _("Supervisor"),
        DASHBOARD
        | READ_DIRECTORY
        | perms("view", "user")
        | SUPERVISION_ISSUE
        | READ_SAFETY
        | READ_COMPLAINTS
        | perms("add change", "backlogcase", app="complaints")
        # Art. 36 override: the supervisor registers the matter again, with the reason.
        | perms("add", "complaint", app="complaints")
        | frozenset({"complaints.override_rereview"}),
    ),
    Role(
        "government_leader",
        _("Government leader"),
        DASHBOARD
        | READ_DIRECTORY
        | perms("view", "user")
        | SUPERVISION_READ
        | READ_SAFETY
        | READ_COMPLAINTS
        | perms("add change", "receptionday", "receptionrecord", app="complaints"),
    ),
    Role(
        "auditor",
        _("Auditor"),
        DASHBOARD
        | READ_DIRECTORY
        | perms("view", "user", "auditentry")
        | SUPERVISION_READ
        | READ_SAFETY
        | READ_COMPLAINTS,
    ),
    # Not a person: the account the public portal and Open311 clients act through
    # (complaints.services.channels); it cannot log in.
    Role(
        "citizen_channel",
        _("Public channel (portal, Open311)"),
        perms("view", "category", "categoryattribute", "attributeoption", app="complaints")
        | perms("view change", "complaint", app="complaints")
        | perms(
            "add",
            "complaint",
            "complainant",
            "complaintoriginal",
            "callback",
            "repeatcontact",
            "complaintattributevalue",
            app="complaints",
        )
        | perms("view add", "attachment"),
        for_people=False,
    ),
)
ROLE_BY_KEY = {role.key: role for role in ROLES}


def group_name(role: Role) -> str:
    return role.key


def name_of(row: object) -> str:
    """How a row is named on a page: a role's group by the role's label, not its key."""
    if isinstance(row, Group) and row.name in ROLE_BY_KEY:
        return str(ROLE_BY_KEY[row.name].label)
    if isinstance(row, ContentType):
        model = row.model_class()
        return capfirst(str(model._meta.verbose_name)) if model is not None else row.model
    return str(row)


@transaction.atomic
def sync_roles() -> list[Group]:
    groups = []
    for role in ROLES:
        group, _created = Group.objects.get_or_create(name=group_name(role))
        pairs = {tuple(name.split(".", 1)) for name in role.permissions}
        wanted = Permission.objects.filter(
            reduce(or_, (Q(content_type__app_label=app, codename=code) for app, code in pairs))
        )
        found = set(wanted.values_list("content_type__app_label", "codename"))
        missing = {f"{app}.{code}" for app, code in pairs - found}
        if missing:
            raise LookupError(f"role {role.key}: unknown permissions {sorted(missing)}")
        group.permissions.set(wanted)
        groups.append(group)
    return groups


def grantable_roles(user: User) -> QuerySet[Group]:
    """Roles whose every permission the editor holds: nobody hands out more than they have."""
    people = Group.objects.exclude(
        name__in=[group_name(role) for role in ROLES if not role.for_people]
    )
    if user.is_superuser:
        return people
    held = user.get_all_permissions()
    grantable = [
        group.pk
        for group in people.prefetch_related("permissions__content_type")
        if all(
            f"{perm.content_type.app_label}.{perm.codename}" in held
            for perm in group.permissions.all()
        )
    ]
    return Group.objects.filter(pk__in=grantable)
