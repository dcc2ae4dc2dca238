"""Hazards in bulk, to fill a list: what the export tests and the export benchmark write."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator

from core.models import Premises, User
from hazards.choices import HazardGrade, HazardSource, HazardState
from hazards.models import Hazard

BATCH = 2000
TITLES = ("消防通道堵塞", "配电箱未接地", "灭火器过期未更换", "安全出口指示灯损坏", "燃气管道老化")


def write_hazards(premises: Premises, found_by: User, count: int, tag: str) -> None:
    """`count` registered hazards at `premises`, numbered `EXP-<tag>-0000001`…, newest last,
    written in batches (memory stays flat) and without clocks or audit entries: they are
    rows to list, not hazards anyone works on."""
    template = Hazard(premises=premises)
    template.take_place_from_premises()  # one look-up of the premises' grid and regulator
    for batch in itertools.batched(_hazards(template, found_by, count, tag), BATCH):
        Hazard.objects.bulk_create(batch)


def _hazards(template: Hazard, found_by: User, count: int, tag: str) -> Iterator[Hazard]:
    start = dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC)
    for n in range(1, count + 1):
        yield Hazard(
            premises_id=template.premises_id,
            region_id=template.region_id,
            department_id=template.department_id,
            number=f"EXP-{tag}-{n:07d}",
            source=HazardSource.AD_HOC,
            title=f"{TITLES[n % len(TITLES)]}（{n}号）",
            location="二楼东侧",
            grade=HazardGrade.MAJOR if n % 50 == 0 else HazardGrade.GENERAL,
            found_at=start + dt.timedelta(minutes=n),
            found_by=found_by,
            state=HazardState.REGISTERED,
        )
