"""Which clock rule applies to an item: the version in force on the day, nearest jurisdiction."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils.translation import gettext as _

from core.models import Region
from workflow.errors import WorkflowError
from workflow.models import ClockRule


class NoRule(WorkflowError):
    """No rule set was in force on the day: the day given is wrong (a date before the first
    rule set, e.g. before 2022-05-01 for letters and visits), so it is bad input, not a conflict."""

    code = "no_clock_rule"


def rule_for(kind: str, on: dt.date, region: Region | None = None) -> ClockRule:
    """The rule for `kind` in force on `on`: a region's own version beats its parent's, which
    beats the national one; among equals the highest version wins."""
    codes = region.path.strip("/").split("/") if region is not None else []
    in_force = Q(rule_set__effective_from__lte=on) & (
        Q(rule_set__effective_until__isnull=True) | Q(rule_set__effective_until__gte=on)
    )
    where = Q(rule_set__jurisdiction__isnull=True) | Q(rule_set__jurisdiction__code__in=codes)
    candidates = ClockRule.objects.filter(in_force, where, kind=kind).select_related(
        "rule_set__jurisdiction"
    )
    best = max(candidates, key=_specificity, default=None)
    if best is None:
        raise NoRule(
            _(
                "No rule set is in force on %(day)s for the deadline %(kind)s: check the date "
                "(the rules begin later)."
            )
            % {"kind": kind, "day": on.isoformat()},
            day=on.isoformat(),
        )
    return best


def _specificity(rule: ClockRule) -> tuple[int, int]:
    jurisdiction = rule.rule_set.jurisdiction
    depth = jurisdiction.depth + 1 if jurisdiction is not None else 0
    return depth, rule.rule_set.version
