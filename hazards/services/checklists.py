"""Checklists: which version applies, how an inspection scores, when a failed item forces a
major hazard, and making a new version of a template."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from core.audit import record_bulk_create, record_change, snapshot
from core.models import Sector, User
from hazards.choices import Outcome
from hazards.models import ChecklistItem, ChecklistTemplate, Inspection

HUNDRED = Decimal("100")
CENT = Decimal("0.01")


# --- scoring ------------------------------------------------------------------------------


def score(results: Iterable[tuple[ChecklistItem, str]]) -> Decimal | None:
    """Weighted share of the applicable items that passed, in per cent to 0.01.

    Not-applicable items count neither way; None when nothing applicable was checked.
    """
    applicable = passed = Decimal(0)
    for item, outcome in results:
        if outcome == Outcome.NOT_APPLICABLE:
            continue
        applicable += item.weight
        if outcome == Outcome.PASS:
            passed += item.weight
    if not applicable:
        return None
    return (passed * HUNDRED / applicable).quantize(CENT, rounding=ROUND_HALF_UP)


def score_inspection(inspection: Inspection) -> Decimal | None:
    """The inspection's score from its recorded results (unanswered items are left out)."""
    results = inspection.results.select_related("item")
    return score((result.item, result.outcome) for result in results)


def passes(template: ChecklistTemplate, value: Decimal | None) -> bool:
    """Whether a score reaches the template's pass mark (no applicable item: nothing failed)."""
    return value is None or value >= template.pass_mark


# --- major-hazard criteria ----------------------------------------------------------------


def is_major(item: ChecklistItem | None) -> bool:
    """Whether the item is a sector major-hazard criterion."""
    return item is not None and item.major_criterion


def forces_major(
    item: ChecklistItem | None, outcome: str = Outcome.FAIL, *, exception_applies: bool = False
) -> bool:
    """A failed criterion item makes the hazard major (SAWS Order 16 Art. 3; the sector
    criteria, e.g. 房屋市政工程重大事故隐患判定标准 2022), unless the inspector records that
    one of the criterion's exceptions holds (e.g. GB 35181-2025 4.2)."""
    return outcome == Outcome.FAIL and is_major(item) and not exception_applies


# --- which version applies ----------------------------------------------------------------


def sector_line(sector: Sector) -> list[str]:
    """The sector's code and its ancestors' codes, nearest first (the path is made of codes)."""
    return [code for code in reversed(sector.path.strip("/").split("/")) if code]


def in_force(on_date: datetime.date) -> Q:
    return Q(effective_from__lte=on_date) & (
        Q(effective_until__isnull=True) | Q(effective_until__gte=on_date)
    )


def template_for(sector: Sector, on_date: datetime.date) -> ChecklistTemplate | None:
    """The checklist in force on the date for the sector; a sector without its own checklist
    uses its nearest ancestor's (a primary school uses the schools checklist)."""
    line = sector_line(sector)
    candidates = (
        ChecklistTemplate.objects.filter(in_force(on_date), sector__code__in=line)
        .select_related("sector")
        .order_by("-effective_from", "-version")
    )
    by_nearness = sorted(candidates, key=lambda template: line.index(template.sector.code))
    return by_nearness[0] if by_nearness else None


# --- new version --------------------------------------------------------------------------


def new_version(
    *,
    user: User,
    template: ChecklistTemplate,
    effective_from: datetime.date,
    name: str = "",
    source: str = "",
) -> ChecklistTemplate:
    """Copy a template and its items as the next version of its code, in force from the date;
    the version in force until then ends the day before. Inspections keep the version they
    ran (DESIGN.md §4: an item keeps the rule version that applied when it started)."""
    if not user.has_perm("hazards.add_checklisttemplate"):
        raise PermissionDenied(_("You may not add checklist versions."))
    with transaction.atomic():
        # Lock the code's versions: two editors cannot both make "the next" version.
        versions = list(ChecklistTemplate.objects.select_for_update().filter(code=template.code))
        latest = max(versions, key=lambda version: version.version)
        if effective_from <= latest.effective_from:
            raise ValidationError(
                _("A new version must take effect after %(date)s, when version %(v)s did."),
                code="effective_from_too_early",
                params={"date": latest.effective_from.isoformat(), "v": latest.version},
            )
        copy = ChecklistTemplate.objects.create(
            code=template.code,
            version=latest.version + 1,
            name=name or template.name,
            sector=template.sector,
            source=source or template.source,
            effective_from=effective_from,
            pass_mark=template.pass_mark,
        )
        record_change(copy, None)
        items = ChecklistItem.objects.bulk_create(copied_items(template, copy))
        record_bulk_create(items)
        close_open_versions(versions, effective_from)
    return copy


def copied_items(source: ChecklistTemplate, target: ChecklistTemplate) -> list[ChecklistItem]:
    return [
        ChecklistItem(
            template=target,
            number=item.number,
            section=item.section,
            text=item.text,
            clause=item.clause,
            weight=item.weight,
            major_criterion=item.major_criterion,
            major_condition=item.major_condition,
            major_exceptions=item.major_exceptions,
            default_rectify_days=item.default_rectify_days,
        )
        for item in source.items.order_by("number")
    ]


def close_open_versions(versions: list[ChecklistTemplate], starts: datetime.date) -> None:
    """End the earlier versions that would otherwise still be in force on `starts`."""
    last_day = starts - datetime.timedelta(days=1)
    for version in versions:
        if version.effective_until is None or version.effective_until >= starts:
            before = snapshot(version)
            version.effective_until = last_day
            version.save(update_fields=["effective_until"])
            record_change(version, before)
