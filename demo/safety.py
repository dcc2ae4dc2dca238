"""Workplace-safety content of the demo county (issue 4): hazards at every premises, and a
small, hand-shaped story around townships A and B.

Two parts:
- **Ledger at scale**, in batches of premises: about one hazard per premises (0–3 each), in
  every state of the closed loop (DESIGN.md §5), general and major. Each is registered as
  `report_hazard` registers one (`build_hazard`: number "YH-<year>-<seq>" from the document
  sequence in order of discovery within the batch, place from the premises' grid and lead
  sector regulator, grade and entry state), then moved along the loop to its drawn state and
  written through `core.bulk`. Open hazards with a deadline get a running `hazards.rectify`
  clock (`new_clock`), with the escalation steps already passed counted as taken (no flood of
  notifications on the first scan; the next step is due later). Every draw is a hash of
  (seed, premises id, slot), so a premises gets the same hazards whatever its batch.
- **Story**, through the ORM (a few dozen rows): a campaign for schools with its inspector
  assignments, completed inspections on the seeded checklists (when the checklists migration
  is in; without templates there are none), hazards from their failed items and ad hoc ones in
  every state at township A, running clocks (some overdue, so escalation has work), governance
  plans and interim controls for open major hazards, risk points scored by LEC and the 5×5
  matrix against the seeded bands (when present), and two draft enforcement actions.

Dates are relative to the day of generation, so deadlines fall around the demo: the same seed
gives the same rows on the same day.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import Any

from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone

from core import bulk
from core.models import Premises, Region, Sector, User, next_number
from demo import names
from demo.bulk import (
    analyze,
    foreign_key_checks_deferred_to_end,
    secondary_indexes_rebuilt_after,
)
from demo.users import TOWNSHIP_A, TOWNSHIP_B, school_of
from hazards.choices import (
    RECTIFY_CLOCK,
    EnforcementKind,
    EnforcementState,
    HazardGrade,
    HazardSource,
    HazardState,
    InspectionKind,
    InspectionState,
    InterimControlKind,
    Outcome,
    RiskMethod,
)
from hazards.models import (
    Campaign,
    CampaignAssignment,
    ChecklistTemplate,
    EnforcementAction,
    GovernancePlan,
    Hazard,
    Inspection,
    InspectionResult,
    InterimControl,
    RiskBandSet,
    RiskPoint,
)
from hazards.services.hazards import (
    Place,
    build_hazard,
    forced_grade,
    hazard_numbers,
    place_of,
    places_of,
)
from hazards.services.risk import refresh_live_colour
from workflow.calendar import local_date
from workflow.choices import STEP_LEVEL, EscalationStep
from workflow.clocks import new_clock, next_step, start_clock
from workflow.models import Clock, ClockRule
from workflow.rules import rule_for

# Premises whose hazards are drawn, numbered and written together.
LEDGER_BATCH = 5_000
# From this many hazards into an empty table, its indexes are built after the load.
REBUILD_INDEXES_FROM = 50_000
MODULUS = 2_147_483_647  # 2^31 - 1, prime: the draws are Lehmer-style products modulo it
# Independent draws per hazard: each multiplies the row's hash by its own multiplier.
DRAW = {
    "present": 3_791,
    "state": 48_271,
    "grade": 16_807,
    "title": 69_621,
    "days": 39_373,
    "second": 40_692,
    "deadline": 40_014,
    "source": 53_668,
    "finder": 12_211,
}
# Per-mille chance that a premises has its 1st, 2nd and 3rd hazard: one per premises on average.
SLOTS = ((1, 700), (2, 250), (3, 50))
# Per-mille shares of the states (most hazards on a ledger are closed) and how far back the
# hazards in each state were found (days before the day of generation).
STATES: tuple[tuple[str, int, int], ...] = (
    (HazardState.FOUND, 30, 7),
    (HazardState.REGISTERED, 40, 14),
    (HazardState.GRADED, 50, 10),
    (HazardState.RECTIFYING, 230, 20),
    (HazardState.RECTIFIED, 80, 90),
    (HazardState.VERIFIED, 50, 120),
    (HazardState.CLOSED, 520, 1000),
)
MAJOR_PER_MILLE = 40
GENERAL_DEADLINE_DAYS = (7, 15, 30, 45)
MAJOR_DEADLINE_DAYS = (60, 90)
# Per-cent bounds of who found the hazards on the ledger.
SOURCES = (
    (45, HazardSource.ENTERPRISE),
    (85, HazardSource.AD_HOC),
    (95, HazardSource.IMPORT),
    (100, HazardSource.COMPLAINT),
)
DEADLINE_STATES = (HazardState.GRADED, HazardState.RECTIFYING)
RECTIFIED_STATES = (HazardState.RECTIFIED, HazardState.VERIFIED, HazardState.CLOSED)
VERIFIED_STATES = (HazardState.VERIFIED, HazardState.CLOSED)

# (title, location at the premises, rectification measures) — common findings (the kinds of
# item in GB/T 33000-2016 and the sector checklists), phrased for a ledger.
FINDINGS: tuple[tuple[str, str, str], ...] = (
    ("安全出口被杂物堵塞", "一楼东侧安全出口", "清理杂物，保持安全出口畅通"),
    ("疏散指示标志损坏不亮", "二楼走廊", "更换疏散指示标志并检测应急电源"),
    ("灭火器压力不足", "仓库门口", "更换灭火器，建立月度检查记录"),
    ("消防通道占用停放车辆", "厂区北侧消防车道", "清理占道车辆，设置禁停标识"),
    ("电气线路私拉乱接", "配电间", "由持证电工重新敷设线路"),
    ("配电箱未上锁且无警示标识", "车间配电箱", "配电箱加锁并张贴警示标识"),
    ("应急照明灯不能正常工作", "楼梯间", "维修应急照明并定期测试"),
    ("特种作业人员无证上岗", "生产车间", "停止无证人员作业，组织培训取证"),
    ("安全生产责任制未更新", "办公室", "修订安全生产责任制并组织学习"),
    ("未按规定开展应急演练", "全单位", "制定演练计划并于本季度组织演练"),
    ("危险化学品未分类存放", "化学品仓库", "按性质分区分类存放并设置标识"),
    ("消防设施维保记录缺失", "消防控制室", "委托维保单位检测并补齐记录"),
    ("可燃物与电热设备距离过近", "后厨", "移除可燃物，保持安全间距"),
    ("防护栏杆高度不足", "二楼平台", "加高防护栏杆至规范高度"),
    ("隐患排查台账未建立", "安全管理部门", "建立隐患排查治理台账"),
    ("员工三级安全教育记录不全", "人事部门", "补充培训并完善教育档案"),
    ("燃气管道未安装泄漏报警装置", "厨房燃气间", "安装可燃气体报警装置并联动切断"),
    ("楼梯扶手松动", "教学楼三楼楼梯", "加固扶手并检查全部楼梯"),
    ("监控室值班人员未持证", "消防控制室", "安排持证人员值班"),
    ("机械设备防护罩缺失", "加工车间", "恢复设备防护罩"),
)


@dataclass(frozen=True)
class Cast:
    """The demo users the safety content is attributed to."""

    grid_a: User
    grid_a2: User
    grid_b: User
    officer: User
    edu_staff: User
    safety_staff: User

    @classmethod
    def load(cls) -> Cast:
        users = {u.username: u for u in User.objects.all()}
        fallback = next(iter(users.values()))  # a county without some demo user still loads
        pick = lambda name: users.get(name, fallback)  # noqa: E731
        return cls(
            pick("grid_a"),
            pick("grid_a2"),
            pick("grid_b"),
            pick("school_officer"),
            pick("edu_staff"),
            pick("safety_staff"),
        )


def day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


def demo_today() -> dt.date:
    return timezone.localdate()


# --- the ledger at scale (set-based) ----------------------------------------------------------


@dataclass(frozen=True)
class Drawn:
    """One ledger hazard's draws: what was found, when, by whom and how far it has gone."""

    premises_id: int
    state: str
    grade: str
    finding: tuple[str, str, str]
    found_s: int  # seconds from the anchor
    deadline_days: int
    days_back: int
    source: str
    finder: int


def row_hash(seed_mix: int, premises_id: int, slot: int) -> int:
    x = (premises_id * 1103515245 + slot * 2654435761 + seed_mix) % MODULUS
    return (x * x) % MODULUS


def draw_hazard(seed_mix: int, premises_id: int, slot: int) -> Drawn | None:
    """The hazard in `slot` (1–3) of a premises, or None: every draw a hash of (seed,
    premises id, slot), so a premises gets the same hazards whatever the batch it is in."""
    y = row_hash(seed_mix, premises_id, slot)

    def draw(name: str, modulo: int) -> int:
        return ((y * DRAW[name]) % MODULUS) % modulo

    if draw("present", 1000) >= dict(SLOTS).get(slot, 0):
        return None
    state_draw, cumulative = draw("state", 1000), 0
    state: str = HazardState.CLOSED
    span = 1000
    for candidate, share, candidate_span in STATES:
        cumulative += share
        if state_draw < cumulative:
            state, span = candidate, candidate_span
            break
    major = draw("grade", 1000) < MAJOR_PER_MILLE
    deadlines = MAJOR_DEADLINE_DAYS if major else GENERAL_DEADLINE_DAYS
    days_back = 1 + draw("days", 1_000_000) % span
    source = draw("source", 100)
    return Drawn(
        premises_id=premises_id,
        state=state,
        grade=HazardGrade.MAJOR if major else HazardGrade.GENERAL,
        finding=FINDINGS[draw("title", len(FINDINGS))],
        found_s=28800 + draw("second", 36_000) - 86400 * days_back,
        deadline_days=deadlines[draw("deadline", 4) % len(deadlines)],
        days_back=days_back,
        source=next(kind for below, kind in SOURCES if source < below),
        finder=draw("finder", 4),
    )


def ledger_hazard(
    drawn: Drawn, place: Place, number: str, anchor: dt.datetime, cast: Cast
) -> Hazard:
    """The drawn hazard as report_hazard registers it, then moved along the loop to its state:
    rectified within the deadline (or half-way to today, if that is sooner), verified within
    five days of that, by someone other than the rectifier; both before the day of generation."""
    at = lambda seconds: anchor + dt.timedelta(seconds=seconds)  # noqa: E731
    finders = (cast.grid_a, cast.grid_a2, cast.grid_b, cast.safety_staff)
    opened = drawn.state not in (HazardState.FOUND, HazardState.REGISTERED)
    hazard = build_hazard(
        place=place,
        number=number,
        source=drawn.source,
        title=drawn.finding[0],
        location=drawn.finding[1],
        found_at=at(drawn.found_s),
        found_by_id=finders[drawn.finder].pk,
        rectify_by=at(drawn.found_s + drawn.deadline_days * 86400) if opened else None,
        grade=drawn.grade,
    )
    hazard.state = drawn.state
    hazard.rectification_measures = drawn.finding[2] if opened else ""
    half = min(drawn.days_back // 2, drawn.deadline_days - 1)
    rest = min((drawn.days_back - drawn.days_back // 2) // 2, 5)
    verifier = cast.grid_a if drawn.finder == 1 else cast.grid_a2
    if drawn.state in RECTIFIED_STATES:
        hazard.rectification_note = "已按要求整改完毕"
        hazard.rectified_by_id = cast.officer.pk
        hazard.rectified_at = at(drawn.found_s + half * 86400 + 3600)
    if drawn.state in VERIFIED_STATES:
        hazard.verification_note = "现场复查，整改到位"
        hazard.verified_by_id = verifier.pk
        hazard.verified_at = at(drawn.found_s + (half + rest) * 86400 + 7200)
    if drawn.state == HazardState.CLOSED:
        hazard.closed_by_id = verifier.pk
        hazard.closed_at = at(drawn.found_s + (half + rest) * 86400 + 7200 + 3600)
    return hazard


def caught_up(clock: Clock, ladder: list[tuple[int, dt.timedelta]], now: dt.datetime) -> Clock:
    """A ledger clock has run since the finding: the escalation steps of the rule's `ladder`
    whose time has passed count as taken (no flood of notifications on the first scan; the
    next step is due later)."""
    passed = [step for step, offset in ladder if clock.due + offset <= now]
    if passed:
        clock.escalation_step = passed[-1]
        clock.escalation_level = STEP_LEVEL[EscalationStep(passed[-1])]
    following = [offset for step, offset in ladder if step > clock.escalation_step][:1]
    clock.next_escalation_at = clock.due + following[0] if following else None
    clock.breached = clock.due <= now
    return clock


def escalation_ladder(rule: ClockRule) -> list[tuple[int, dt.timedelta]]:
    """The rule's escalation steps after the start, with their offsets from the due time."""
    ladder, step = [], next_step(rule, EscalationStep.STARTED)
    while step is not None:
        ladder.append(step)
        step = next_step(rule, step[0])
    return ladder


def write_ledger_batch(
    premises: list[tuple[int, int]], seed_mix: int, anchor: dt.datetime, now: dt.datetime,
    cast: Cast, rule: ClockRule, ladder: list[tuple[int, dt.timedelta]],
) -> None:  # fmt: skip
    """The hazards of a batch of premises (id, region id), numbered in order of discovery, and
    the running rectify clock of each open one with a deadline."""
    places = dict(zip((pk for pk, _region in premises), places_of(premises), strict=True))
    drawn = [
        found
        for premises_id, _region in premises
        for slot in (1, 2, 3)
        if (found := draw_hazard(seed_mix, premises_id, slot)) is not None
    ]
    drawn.sort(key=lambda d: (d.found_s, d.premises_id))
    years = [local_date(anchor + dt.timedelta(seconds=d.found_s)).year for d in drawn]
    hazards = [
        ledger_hazard(d, places[d.premises_id], number, anchor, cast)
        for d, number in zip(drawn, hazard_numbers(years), strict=True)
    ]
    bulk.insert(hazards)
    bulk.insert(
        [
            caught_up(
                new_clock(h, RECTIFY_CLOCK, rule, at=h.found_at, due=h.rectify_by), ladder, now
            )
            for h in hazards
            if h.state in DEADLINE_STATES and h.rectify_by is not None
        ]
    )


def top_id(model: type[models.Model]) -> int:
    return model._default_manager.aggregate(top=Max("pk"))["top"] or 0


def ledger_at_scale(
    seed: int, anchor: dt.datetime, now: dt.datetime, cast: Cast, expected: int
) -> tuple[range, range]:
    """Write the hazards and their running clocks; the id ranges written."""
    indexes = (
        secondary_indexes_rebuilt_after(Hazard)
        if expected >= REBUILD_INDEXES_FROM and not Hazard.objects.exists()
        else nullcontext()
    )
    hazards_before, clocks_before = top_id(Hazard), top_id(Clock)
    seed_mix = random.Random(f"{seed}:hazards").randrange(MODULUS)
    rule = rule_for(RECTIFY_CLOCK, anchor.date())
    ladder = escalation_ladder(rule)
    with foreign_key_checks_deferred_to_end(Hazard, Clock), indexes, transaction.atomic():
        for batch in premises_batches():
            write_ledger_batch(batch, seed_mix, anchor, now, cast, rule, ladder)
    hazards = range(hazards_before + 1, top_id(Hazard) + 1)
    return hazards, range(clocks_before + 1, top_id(Clock) + 1)


def premises_batches() -> Iterator[list[tuple[int, int]]]:
    """(id, region id) of every premises in id order, a batch at a time (memory stays flat)."""
    last = 0
    while batch := list(
        Premises.objects.filter(pk__gt=last)
        .order_by("pk")
        .values_list("pk", "region_id")[:LEDGER_BATCH]
    ):
        yield batch
        last = batch[-1][0]


# --- the story (ORM, a few dozen rows) --------------------------------------------------------


@dataclass
class Story:
    rng: random.Random
    anchor: dt.datetime
    cast: Cast
    created: dict[type[models.Model], list[models.Model]]

    def add(self, instance: models.Model) -> Any:
        instance.save()
        self.created.setdefault(type(instance), []).append(instance)
        return instance

    def days_ago(self, days: float, hour: int = 9) -> dt.datetime:
        return self.anchor - dt.timedelta(days=days) + dt.timedelta(hours=hour)


def templates_by_sector() -> list[tuple[str, ChecklistTemplate]]:
    """(sector path, newest template version) — the most specific sector first."""
    newest: dict[str, ChecklistTemplate] = {}
    for template in ChecklistTemplate.objects.select_related("sector").order_by("code", "version"):
        newest[template.code] = template
    found = [(t.sector.path, t) for t in newest.values()]
    return sorted(found, key=lambda pair: (-len(pair[0]), pair[1].code))


def template_for(premises: Premises, templates: list[tuple[str, ChecklistTemplate]]) -> Any:
    path = premises.sector.path
    return next((t for prefix, t in templates if path.startswith(prefix)), None)


def school_sectors() -> list[Sector]:
    return list(Sector.objects.filter(code__startswith="SCHOOL").order_by("path"))


def township(name: str) -> Region | None:
    return Region.objects.filter(name=name, level="township").first()


def campaign_for_schools(story: Story, county: Region, organiser: Any) -> Campaign:
    today = story.anchor.date()
    campaign = story.add(
        Campaign(
            name=f"{today.year}年{names.COUNTY_NAME}校园安全专项检查",
            organiser=organiser,
            region=county,
            starts_on=today - dt.timedelta(days=30),
            ends_on=today + dt.timedelta(days=60),
            description="对全县中小学、幼儿园和职业学校开展消防、食堂、校舍和校车安全检查。",
        )
    )
    campaign.sectors.set(school_sectors())
    grids = {story.cast.grid_a: story.cast.grid_a.regions.first()}
    grids[story.cast.grid_a2] = story.cast.grid_a2.regions.first()
    grids[story.cast.grid_b] = story.cast.grid_b.regions.first()
    for inspector, grid in grids.items():
        if grid is not None:
            story.add(CampaignAssignment(campaign=campaign, grid=grid, inspector=inspector))
    return campaign


def story_premises(story: Story, school: Premises | None, count: int) -> list[Premises]:
    """The school first, then a sample of township A and B premises (grid A's grid first)."""
    chosen: list[Premises] = [school] if school is not None else []
    for name in (TOWNSHIP_A, TOWNSHIP_B):
        place = township(name)
        if place is None:
            continue
        candidates = list(
            Premises.objects.filter(region__path__startswith=place.path)
            .exclude(pk__in=[p.pk for p in chosen])
            .select_related("sector", "region")
            .order_by("pk")[:400]
        )
        chosen += story.rng.sample(candidates, min(count, len(candidates)))
    return chosen


def inspector_for(story: Story, premises: Premises, n: int) -> User:
    cast = story.cast
    if premises.region.path.startswith(township_path(TOWNSHIP_B)):
        return cast.grid_b
    return cast.grid_a if n % 2 == 0 else cast.grid_a2


def township_path(name: str) -> str:
    place = township(name)
    return place.path if place is not None else "\0"


def inspect(
    story: Story,
    premises: Premises,
    template: ChecklistTemplate,
    inspector: User,
    campaign: Campaign | None,
    days: int,
) -> list[InspectionResult]:
    """A completed inspection; the failed results are returned."""
    started = story.days_ago(days, hour=9)
    inspection = Inspection(
        premises=premises,
        template=template,
        kind=InspectionKind.CAMPAIGN if campaign else InspectionKind.ROUTINE,
        campaign=campaign,
        inspector=inspector,
        planned_on=started.date(),
        started_at=started,
        completed_at=started + dt.timedelta(hours=1),
        representative_name=names.person_name(story.rng),
        state=InspectionState.COMPLETED,
    )
    inspection.take_place_from_premises()
    story.add(inspection)
    results, failed = [], []
    passed_weight, applicable_weight = Decimal(0), Decimal(0)
    items = list(template.items.order_by("number"))
    for n, item in enumerate(items):
        draw = story.rng.random()
        outcome = Outcome.FAIL if draw < 0.12 or n == 0 else Outcome.PASS
        if outcome == Outcome.PASS and draw > 0.95:
            outcome = Outcome.NOT_APPLICABLE
        result = story.add(InspectionResult(inspection=inspection, item=item, outcome=outcome))
        results.append(result)
        if outcome != Outcome.NOT_APPLICABLE:
            applicable_weight += item.weight
        if outcome == Outcome.PASS:
            passed_weight += item.weight
        if outcome == Outcome.FAIL:
            failed.append(result)
    inspection.failed_count = len(failed)
    if applicable_weight:
        inspection.score = (passed_weight * 100 / applicable_weight).quantize(Decimal("0.01"))
    inspection.save(update_fields=["failed_count", "score"])
    return failed


def story_hazard(
    story: Story,
    premises: Premises,
    state: str,
    *,
    title: str,
    location: str,
    measures: str,
    found_by: User,
    found_days: int,
    major: bool = False,
    overdue: bool = False,
    result: InspectionResult | None = None,
) -> Hazard:
    cast, found_at = story.cast, story.days_ago(found_days, hour=10)
    item = result.item if result is not None else None
    grade = forced_grade(item, HazardGrade.MAJOR if major else HazardGrade.GENERAL)
    major = grade == HazardGrade.MAJOR
    opened = state not in (HazardState.FOUND, HazardState.REGISTERED)
    days = (60 if major else 15) if not overdue else max(1, found_days - 5)
    hazard = build_hazard(
        place=place_of(premises),
        number=hazard_numbers([local_date(found_at).year])[0],
        source=HazardSource.INSPECTION if result is not None else HazardSource.AD_HOC,
        title=title,
        location=location,
        found_at=found_at,
        found_by_id=found_by.pk,
        inspection_result=result,
        rectify_by=found_at + dt.timedelta(days=days) if opened else None,
        grade=grade,
    )
    hazard.state = state
    if opened:
        hazard.rectification_measures = measures
    if state in RECTIFIED_STATES:
        hazard.rectified_by = cast.officer
        hazard.rectified_at = found_at + dt.timedelta(days=found_days / 2)
        hazard.rectification_note = f"{measures}，已完成并附整改前后照片。"
    if state in VERIFIED_STATES:
        verifier = cast.grid_a2 if found_by != cast.grid_a2 else cast.grid_a
        hazard.verified_by = verifier
        hazard.verified_at = found_at + dt.timedelta(days=found_days * 3 / 4)
        hazard.verification_note = "现场复查：整改到位。"
    if state == HazardState.CLOSED:
        hazard.closed_by = hazard.verified_by
        hazard.closed_at = (hazard.verified_at or found_at) + dt.timedelta(hours=2)
    story.add(hazard)
    if major and state in (HazardState.GRADED, HazardState.RECTIFYING, HazardState.RECTIFIED):
        governance(story, hazard)
    return hazard


def governance(story: Story, hazard: Hazard) -> None:
    """SAWS Order 16 Art. 15 plan and Work Safety Law Art. 41 interim controls."""
    assert hazard.rectify_by is not None
    story.add(
        GovernancePlan(
            hazard=hazard,
            goals_and_tasks=f"在期限内消除“{hazard.title}”重大事故隐患。",
            methods_and_measures=hazard.rectification_measures or "委托专业单位整改。",
            funds_and_materials="整改资金5万元，由单位安全生产费用列支。",
            responsible_body_and_people="单位主要负责人牵头，安全管理部门负责实施。",
            deadline=timezone.localtime(hazard.rectify_by).date(),
            deadline_requirements="按期完成，完成后申请复查。",
            safety_and_emergency="整改期间设置警戒区域，专人值守，制定应急处置方案。",
            submitted_by=story.cast.officer,
            submitted_at=hazard.found_at + dt.timedelta(days=2),
            reported_to_regulator_at=hazard.found_at + dt.timedelta(days=3),
        )
    )
    for kind in (InterimControlKind.CORDON, InterimControlKind.MONITORING):
        story.add(
            InterimControl(
                hazard=hazard,
                kind=kind,
                description="隐患区域停止使用，设置警戒线和警示标志。",
                in_place_from=hazard.found_at + dt.timedelta(hours=2),
                recorded_by=story.cast.officer,
            )
        )


def start_story_clocks(hazards: list[Hazard]) -> None:
    for hazard in hazards:
        if hazard.state in DEADLINE_STATES and hazard.rectify_by is not None:
            start_clock(
                hazard, RECTIFY_CLOCK, at=hazard.found_at, region=hazard.region,
                due=hazard.rectify_by,
            )  # fmt: skip


def risk_points(story: Story, premises: list[Premises], assessor: User) -> list[RiskPoint]:
    """Two risk points per premises (LEC and matrix) scored against the newest bands."""
    band_sets = {
        method: RiskBandSet.objects.filter(method=method, effective_from__lte=story.anchor.date())
        .order_by("-version")
        .prefetch_related("bands")
        .first()
        for method in (RiskMethod.LEC, RiskMethod.MATRIX)
    }
    points: list[RiskPoint] = []
    for place in premises:
        for method, band_set in band_sets.items():
            if band_set is None:
                continue
            point = risk_point(story, place, method, band_set, assessor)
            if point is not None:
                points.append(story.add(point))
    return points


def risk_point(
    story: Story, premises: Premises, method: str, band_set: RiskBandSet, assessor: User
) -> RiskPoint | None:
    rng = story.rng
    if method == RiskMethod.LEC:
        likelihood = Decimal(rng.choice(("0.5", "1", "3", "6")))
        exposure, severity = Decimal(rng.choice(("1", "2", "3", "6"))), None
        consequence: Decimal | None = Decimal(rng.choice(("3", "7", "15", "40")))
        score = likelihood * exposure * (consequence or 1)
        name, factors = "配电间", "电气线路老化、过载，可能引发触电和火灾"
    else:
        likelihood, exposure, consequence = Decimal(rng.randint(1, 5)), None, None
        severity = Decimal(rng.randint(1, 5))
        score = likelihood * severity
        name, factors = "人员密集区域", "疏散通道不畅时可能发生拥挤踩踏"
    colour = next(
        (
            band.colour
            for band in band_set.bands.all()
            if (band.above is None or score > band.above)
            and (band.up_to is None or score <= band.up_to)
        ),
        None,
    )
    if colour is None:
        return None
    point = RiskPoint(
        premises=premises,
        name=name,
        location=name,
        hazard_factors=factors,
        controls="落实岗位责任，定期巡查，设置警示标志。",
        method=method,
        likelihood=likelihood,
        exposure=exposure,
        consequence=consequence,
        severity=severity,
        score=score,
        band_set=band_set,
        assessed_colour=colour,
        live_colour=colour,
        assessed_at=story.days_ago(120),
        assessed_by=assessor,
    )
    point.take_place_from_premises()
    return point


def link_hazards_to_points(hazards: list[Hazard], points: list[RiskPoint]) -> None:
    """An open hazard at a premises points at one of its risk points, which raises its live
    colour (the risk service does that when it is there)."""
    by_premises: dict[int, RiskPoint] = {}
    for point in points:
        by_premises.setdefault(point.premises_id, point)
    linked = []
    for hazard in hazards:
        at_point = by_premises.get(hazard.premises_id)
        if at_point is not None and hazard.state != HazardState.CLOSED:
            Hazard.objects.filter(pk=hazard.pk).update(risk_point=at_point)
            hazard.risk_point = at_point
            linked.append(at_point)
    for point in {p.pk: p for p in linked}.values():
        refresh_live_colour(point)


def draft_enforcement(story: Story, hazards: list[Hazard]) -> list[EnforcementAction]:
    """Two drafts: an order to rectify an overdue hazard and a suspension for a major one."""
    now = story.anchor
    overdue = next(
        (
            h
            for h in hazards
            if h.state == HazardState.RECTIFYING and h.rectify_by and h.rectify_by < now
        ),
        None,
    )
    major = next(
        (h for h in hazards if h.grade == HazardGrade.MAJOR and h.state in DEADLINE_STATES), None
    )
    drafts = []
    year = timezone.localtime(now).year
    specs = (
        (
            overdue,
            EnforcementKind.RECTIFICATION_ORDER,
            "责改",
            "《中华人民共和国安全生产法》第六十五条第一款第（三）项",
            "逾期未完成隐患整改。",
        ),
        (
            major,
            EnforcementKind.SUSPENSION,
            "停产",
            "《中华人民共和国安全生产法》第六十五条第一款第（三）项、第七十条",
            "重大事故隐患排除前或者排除过程中无法保证安全。",
        ),
    )
    for hazard, kind, prefix, basis, facts in specs:
        if hazard is None:
            continue
        action = EnforcementAction(
            premises=hazard.premises,
            region_id=hazard.region_id,
            department_id=hazard.department_id,
            number=f"{names.COUNTY_SHORT}{prefix}〔{year}〕{next_number(prefix, year)}号",
            kind=kind,
            hazard=hazard,
            facts=f"{hazard.number} {hazard.title}：{facts}",
            legal_basis=basis,
            requirements=hazard.rectification_measures,
            deadline=now + dt.timedelta(days=7),
            created_by=story.cast.safety_staff,
            state=EnforcementState.DRAFT,
        )
        drafts.append(story.add(action))
    return drafts


def tell_story(story: Story) -> None:
    county = Region.objects.filter(level="county").order_by("pk").first()
    place_a = township(TOWNSHIP_A)
    school = school_of(place_a) if place_a is not None else None
    organiser = story.cast.edu_staff.departments.first()
    campaign = campaign_for_schools(story, county, organiser) if county is not None else None
    templates = templates_by_sector()
    premises = story_premises(story, school, count=12)
    hazards: list[Hazard] = []
    states = [s for s, _share, _span in STATES]
    n = 0
    for index, place in enumerate(premises):
        template = template_for(place, templates)
        if template is None:
            continue
        inspector = inspector_for(story, place, index)
        is_school = place.sector.path.startswith("/SCHOOL") or "SCHOOL" in place.sector.code
        failed = inspect(
            story, place, template, inspector, campaign if is_school else None, 10 + index
        )
        for result in failed[:3]:
            finding = FINDINGS[n % len(FINDINGS)]
            hazards.append(
                story_hazard(
                    story, place, states[n % len(states)], title=result.item.text[:200],
                    location=finding[1], measures=finding[2], found_by=inspector,
                    found_days=10 + index, overdue=n % 3 == 0, result=result,
                )
            )  # fmt: skip
            n += 1
    # Ad hoc hazards at township A: two of every state, one general and one major.
    at_a = [p for p in premises if place_a is not None and p.region.path.startswith(place_a.path)]
    for index, state in enumerate(states * 2):
        if not at_a:
            break
        title, location, measures = FINDINGS[(index * 7) % len(FINDINGS)]
        finder = story.cast.grid_a if index % 2 == 0 else story.cast.grid_a2
        hazards.append(
            story_hazard(
                story, at_a[index % len(at_a)], state, title=title, location=location,
                measures=measures, found_by=finder, found_days=3 + 2 * index,
                major=index >= len(states), overdue=index % 2 == 1,
            )
        )  # fmt: skip
    start_story_clocks(hazards)
    points = risk_points(story, premises, story.cast.safety_staff)
    link_hazards_to_points(hazards, points)
    draft_enforcement(story, hazards)


# --- the step -----------------------------------------------------------------------------------


def generate_safety(
    seed: int,
    expected_hazards: int,
    record: Callable[[type[models.Model], range, Callable[[], Iterable[models.Model]]], None],
) -> dict[str, int]:
    """Write the safety content; `record` audits each model's id range. Row counts by kind."""
    today = demo_today()
    anchor, now = day_start(today), timezone.now().replace(microsecond=0)
    cast = Cast.load()
    hazard_ids, clock_ids = ledger_at_scale(seed, anchor, now, cast, expected_hazards)
    rows = {"hazards": len(hazard_ids), "clocks": len(clock_ids)}
    with transaction.atomic():
        record(Hazard, hazard_ids, lambda: Hazard.objects.filter(pk__in=hazard_ids).order_by("pk"))
        record(Clock, clock_ids, lambda: Clock.objects.filter(pk__in=clock_ids).order_by("pk"))
    story = Story(random.Random(f"{seed}:safety story"), anchor, cast, {})
    with transaction.atomic():
        tell_story(story)
        for model, created in story.created.items():
            ids = sorted(obj.pk for obj in created)
            if model is Hazard:
                rows["hazards"] += len(ids)
            else:
                key = re.sub(r"(?<!^)(?=[A-Z])", " ", model.__name__).lower() + "s"
                rows[key] = rows.get(key, 0) + len(ids)
            record(model, range(ids[0], ids[-1] + 1), partial(list, created))
    analyze(Hazard, Clock)  # not the whole file: the premises step did that
    return rows
