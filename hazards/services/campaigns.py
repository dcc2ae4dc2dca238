"""Campaigns, who covers which grid, the recurring schedule per premises, "my inspections
today" and the random draw of premises and inspectors for unannounced checks (双随机).

Campaign create and edit go through core.services.save_in_scope (the generic edit views and
viewsets); assignments, schedules and draws are written here, audited.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import record_change, snapshot
from core.models import Premises, Region, Sector, User
from core.scoping import get_restricted, scope_of
from hazards.choices import RISK_ORDER, InspectionKind, InspectionState, RiskColour
from hazards.models import (
    Campaign,
    CampaignAssignment,
    Inspection,
    InspectionFrequency,
    InspectionSchedule,
    RiskPoint,
)
from workflow.calendar import local_date

# DESIGN.md §5 defaults, used when the configuration table has no row for a colour: every
# quarter; high-risk colours (red, orange) monthly. The seeded InspectionFrequency rows name
# their source; administrators change the rows, not this code.
DEFAULT_INTERVAL_DAYS = {"red": 30, "orange": 30, "yellow": 90, "blue": 90}
# Premises without risk points are scheduled like the low colours (blue/yellow default).
UNGRADED_COLOUR = RiskColour.BLUE
INSPECTOR_ROLES = ("grid_inspector", "township_staff", "department_staff")


def today() -> dt.date:
    return local_date(timezone.now())


# --- Assignments -----------------------------------------------------------------------------


def assign_inspector(
    *, user: User, campaign: Campaign, grid: Region, inspector: User
) -> CampaignAssignment:
    """Assign `inspector` to cover `grid` for the campaign (inside the campaign's region)."""
    if not grid.path.startswith(campaign.region.path):
        raise ValidationError(
            _("The grid is outside the campaign's region."), code="grid_outside_campaign"
        )
    with transaction.atomic():
        get_restricted(Campaign, user, "change", campaign.pk)
        get_restricted(Region, user, "view", grid.pk)
        assignment, created = CampaignAssignment.objects.get_or_create(
            campaign=campaign, grid=grid, inspector=inspector
        )
        if created:
            record_change(assignment, None)
    return assignment


def remove_assignment(*, user: User, assignment: CampaignAssignment) -> None:
    with transaction.atomic():
        get_restricted(Campaign, user, "change", assignment.campaign_id)
        before, pk = snapshot(assignment), assignment.pk
        assignment.delete()
        assignment.pk = pk
        record_change(assignment, before, deleted=True)


def campaign_targets(campaign: Campaign) -> QuerySet[Premises]:
    """Premises of the campaign's sectors (and their sub-sectors) in its region."""
    sector_paths = list(campaign.sectors.values_list("path", flat=True))
    if not sector_paths:
        return Premises.objects.none()
    in_sectors = Q()
    for path in sector_paths:
        in_sectors |= Q(sector__path__startswith=path)
    return Premises.objects.filter(in_sectors, region__path__startswith=campaign.region.path)


# --- Recurring schedule ----------------------------------------------------------------------


def interval_for(colour: str) -> int:
    row = InspectionFrequency.objects.filter(risk_colour=colour).first()
    return row.interval_days if row is not None else DEFAULT_INTERVAL_DAYS[colour]


def highest_colour(premises: Premises) -> str:
    """The most severe live colour of the premises' risk points; ungraded premises count blue."""
    colours = set(RiskPoint.objects.filter(premises=premises).values_list("live_colour", flat=True))
    if not colours:
        return UNGRADED_COLOUR
    return max(colours, key=lambda colour: RISK_ORDER.get(colour, 0))


def last_completed_on(premises: Premises) -> dt.date | None:
    completed = (
        Inspection.objects.filter(premises=premises, state=InspectionState.COMPLETED)
        .exclude(kind=InspectionKind.SELF)  # an enterprise's own check is not the grid's visit
        .order_by("-completed_at")
        .values_list("completed_at", flat=True)
        .first()
    )
    return local_date(completed) if completed else None


def refresh_schedule(premises: Premises, *, on: dt.date | None = None) -> InspectionSchedule:
    """Create or update the premises' schedule: next due = last completed inspection + the
    interval of its highest live risk colour; never inspected → due from `on` (today)."""
    interval = interval_for(highest_colour(premises))
    last = last_completed_on(premises)
    next_due = last + dt.timedelta(days=interval) if last else (on or today())
    with transaction.atomic():
        schedule = InspectionSchedule.objects.select_for_update().filter(premises=premises).first()
        before = snapshot(schedule) if schedule is not None else None
        if schedule is None:
            schedule = InspectionSchedule(premises=premises)
        schedule.region_id = premises.region_id
        schedule.interval_days = interval
        schedule.last_inspected_on = last
        schedule.next_due_on = next_due
        schedule.save()
        record_change(schedule, before)
    return schedule


def refresh_schedules(premises: Iterable[Premises]) -> int:
    count = 0
    for row in premises:
        refresh_schedule(row)
        count += 1
    return count


# --- My inspections today --------------------------------------------------------------------


@dataclass
class TodayList:
    due: list[InspectionSchedule] = field(default_factory=list)
    campaign_targets: list[tuple[Campaign, Premises]] = field(default_factory=list)
    planned: list[Inspection] = field(default_factory=list)


def my_grids(user: User) -> QuerySet[Region]:
    """The grids the user covers: their own regions' subtrees and their campaign grids."""
    scoped = Region.objects.restrict(user, "view")
    assigned = CampaignAssignment.objects.filter(inspector=user).values("grid_id")
    return scoped.filter(Q(pk__in=user.regions.values("pk")) | Q(pk__in=assigned))


def inspections_today(user: User, on: dt.date | None = None) -> TodayList:
    """Premises in the user's grids due on or before today, today's campaign targets in their
    assigned grids, and the inspections they planned for today."""
    day = on or today()
    region_paths = list(my_grids(user).values_list("path", flat=True))
    in_grids = Q()
    for path in region_paths:
        in_grids |= Q(region__path__startswith=path)
    result = TodayList()
    if region_paths:
        result.due = list(
            InspectionSchedule.objects.restrict(user, "view")
            .filter(in_grids, next_due_on__lte=day)
            .select_related("premises", "region")[:200]
        )
        result.due += never_scheduled(user, in_grids, day, limit=200 - len(result.due))
    result.campaign_targets = _campaign_targets_for(user, day)
    result.planned = list(
        Inspection.objects.restrict(user, "view")
        .filter(inspector=user, planned_on=day, state=InspectionState.IN_PROGRESS)
        .select_related("premises", "template")
    )
    return result


def never_scheduled(user: User, in_grids: Q, day: dt.date, limit: int) -> list[InspectionSchedule]:
    """Premises in the grids without a schedule row yet: never inspected, so due today. Shown
    as unsaved schedules (a page view writes nothing); completing an inspection stores one."""
    if limit <= 0:
        return []
    rows = (
        Premises.objects.restrict(user, "view")
        .filter(in_grids, inspection_schedule__isnull=True)
        .select_related("region")
        .order_by("name", "pk")[:limit]
    )
    return [
        InspectionSchedule(
            premises=premises,
            region=premises.region,
            interval_days=DEFAULT_INTERVAL_DAYS[UNGRADED_COLOUR],
            next_due_on=day,
        )
        for premises in rows
    ]


def _campaign_targets_for(user: User, day: dt.date) -> list[tuple[Campaign, Premises]]:
    rows: list[tuple[Campaign, Premises]] = []
    assignments = CampaignAssignment.objects.filter(
        inspector=user, campaign__starts_on__lte=day, campaign__ends_on__gte=day
    ).select_related("campaign", "grid")
    visible = Premises.objects.restrict(user, "view")
    for assignment in assignments:
        done = Inspection.objects.filter(
            campaign=assignment.campaign, state=InspectionState.COMPLETED
        ).values("premises_id")
        targets = (
            campaign_targets(assignment.campaign)
            .filter(region__path__startswith=assignment.grid.path, pk__in=visible.values("pk"))
            .exclude(pk__in=done)
        )
        rows += [(assignment.campaign, premises) for premises in targets[:200]]
    return rows


# --- Random draw (双随机: random premises, random inspectors) ------------------------------


@dataclass(frozen=True)
class Draw:
    seed: int
    premises: list[Premises]
    inspectors: list[User]
    inspections: list[Inspection]


def draw_candidates(user: User, region: Region, sector: Sector | None) -> QuerySet[Premises]:
    """Premises the draw may pick: in the region (and the sector), within the user's scope,
    in a stable order so that a seed always picks the same ones."""
    rows = Premises.objects.restrict(user, "view").filter(region__path__startswith=region.path)
    if sector is not None:
        rows = rows.filter(sector__path__startswith=sector.path)
    return rows.order_by("pk")


def inspector_candidates(user: User, region: Region) -> QuerySet[User]:
    """Active inspectors whose territory covers the region (at, above or inside it) and lies
    within the drawing user's own scope, in a stable order."""
    ancestors = region.path.strip("/").split("/")
    rows = User.objects.filter(is_active=True, groups__name__in=INSPECTOR_ROLES).filter(
        Q(regions__path__startswith=region.path) | Q(regions__code__in=ancestors)
    )
    scope = scope_of(user)
    if not scope.unlimited:
        rows = rows.filter(regions__in=scope.region_ids)
    return rows.distinct().order_by("pk")


def pick(
    seed: int, premises: list[Premises], inspectors: list[User], n: int, m: int
) -> tuple[list[Premises], list[User]]:
    """The draw itself: the same seed and candidates always give the same choice."""
    chooser = random.Random(seed)  # reproducible on purpose: not a secret
    chosen_premises = chooser.sample(premises, min(n, len(premises)))
    chosen_inspectors = chooser.sample(inspectors, min(m, len(inspectors)))
    return chosen_premises, chosen_inspectors


def unannounced_draw(
    *,
    user: User,
    region: Region,
    sector: Sector | None,
    premises_count: int,
    inspector_count: int,
    planned_on: dt.date,
    seed: int | None = None,
    campaign: Campaign | None = None,
) -> Draw:
    """Draw N premises and M inspectors at random, plan one unannounced inspection per drawn
    premises (inspectors in turn) and record the seed with each, so the draw can be re-run
    and checked (State Council General Office 2015 No. 58, random selection of inspected
    entities and inspectors)."""
    if premises_count < 1 or inspector_count < 1:
        raise ValidationError(_("Draw at least one premises and one inspector."), code="bad_count")
    get_restricted(Region, user, "view", region.pk)
    seed = seed if seed is not None else secrets.randbelow(2**31)
    premises = list(draw_candidates(user, region, sector).select_related("sector"))
    inspectors = list(inspector_candidates(user, region))
    if not premises:
        raise ValidationError(_("No premises to draw from."), code="no_premises")
    if not inspectors:
        raise ValidationError(_("No inspectors to draw from."), code="no_inspectors")
    chosen, people = pick(seed, premises, inspectors, premises_count, inspector_count)
    return Draw(seed, chosen, people, _plan_draw(user, seed, region, sector, chosen, people,
                                                   planned_on, campaign))  # fmt: skip


def _plan_draw(
    user: User,
    seed: int,
    region: Region,
    sector: Sector | None,
    chosen: list[Premises],
    people: list[User],
    planned_on: dt.date,
    campaign: Campaign | None,
) -> list[Inspection]:
    # hazards.services.inspections imports this module (refresh_schedule): a cycle.
    from hazards.services.inspections import open_inspection

    note = _(
        "Random draw (seed %(seed)s) of %(n)s premises and %(m)s inspectors "
        "in %(region)s%(sector)s."
    ) % {
        "seed": seed,
        "n": len(chosen),
        "m": len(people),
        "region": region,
        "sector": f" / {sector}" if sector else "",
    }
    planned = []
    with transaction.atomic():
        for index, premises in enumerate(chosen):
            planned.append(
                open_inspection(
                    user=user,
                    premises=premises,
                    kind=InspectionKind.UNANNOUNCED,
                    campaign=campaign,
                    inspector=people[index % len(people)],
                    planned_on=planned_on,
                    notes=note,
                )
            )
    return planned
