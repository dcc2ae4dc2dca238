"""Citizen-complaint content of the demo county (issue 5): routes, a caseload in every state at
any scale, and a small story told through the real services.

Two parts:
- **Caseload at scale**, as tuples (demo.bulk: COPY on PostgreSQL, one prepared insert
  on SQLite): about one complaint per two premises, across channels, categories and grids, in
  every state of the Letters and Visits Regulations 2022 path (DESIGN.md §6), numbered
  "XF-<year>-<seq>" in order of receipt (the sequence is moved past them, so intake continues
  the numbering). Each case's dates follow its path (received → routed → accepted → opinion
  → review …); open cases get the running clock of their step, with the deadline the rule
  gives (workflow.clocks.compute_deadline, cached per start day) and the escalation steps
  already passed counted as taken, as the safety ledger does. Closed-loop rows go with them:
  one complainant (identity apart from the matter), the lead unit's task, callbacks on
  answered cases, and the unit complained about (城市管理局) on some city-management cases,
  which are then never routed to it (Arts 30, 46).
- **Story**, through `register_complaint` and `workflow.engine.fire` (a dozen cases received
  today): one case at each step, notes, a callback, a backlog case, a reception day with its
  record.

Every draw comes from the stream "<seed>:complaints" (and "<seed>:complaints story"), so the
steps before this one generate exactly what they did without it.
"""

from __future__ import annotations

import datetime as dt
import hmac
import random
from collections.abc import Callable, Iterable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from functools import cache, partial
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from complaints.choices import (
    HANDLE_CLOCK,
    RECEIPT_NOTICE,
    REGISTER_ROUTE,
    REMIT_OBJECTION,
    REREVIEW_OPINION,
    REREVIEW_REQUEST,
    REVIEW_OPINION,
    REVIEW_REQUEST,
    Channel,
    ComplaintState,
    HotlineLimit,
    ReferralBody,
    Satisfaction,
)
from complaints.models import (
    Callback,
    Category,
    CategoryRoute,
    Complainant,
    Complaint,
    HandlingTask,
    Respondent,
)
from complaints.services.intake import CODE_ALPHABET, NUMBER_PREFIX
from complaints.services.routing import route_for
from core.models import Department, DocumentSequence, Premises, Region, User
from demo import names
from demo.bulk import (
    TableWriter,
    analyze,
    foreign_key_checks_deferred_to_end,
    next_id,
    reset_sequences,
    secondary_indexes_rebuilt_after,
)
from demo.complaints_story import tell_story
from demo.departments import COUNTY_GOVERNMENT
from demo.premises import datetime_adapter
from workflow.choices import STEP_LEVEL, ClockState, EscalationStep
from workflow.clocks import compute_deadline, step_offset
from workflow.models import Clock, ClockRule
from workflow.rules import rule_for

COMPLAINTS_PER_PREMISES = 0.5
DEFAULT_BATCH = 20_000
REBUILD_INDEXES_FROM = 50_000
# The query password of every demo case is this (shown nowhere else; demo data only).
DEMO_QUERY_PASSWORD = "demo1234"
LOADED = (Complaint, Complainant, Respondent, HandlingTask, Callback, Clock)

# Category (or parent) code → the county department (short code) that handles it: the
# demo county's routes (complaints.services.routing reads them).
ROUTES: tuple[tuple[str, str], ...] = (
    ("EMERG", "YJ"), ("UTIL", "CG"), ("UTIL-WATER", "SL"), ("SAFETY", "YJ"),
    ("BUILD", "ZJ"), ("CITY", "CG"), ("CITY-NOISE", "ZJ"), ("TRAFFIC", "JT"), ("EDU", "JY"),
    ("LABOUR", "RS"), ("HEALTH", "WJ"),
)  # fmt: skip
# Cases about 城市管理局 itself go to the government's supervision office instead.
RESPONDENT_UNIT, RESPONDENT_HANDLER = "CG", "DC"
RESPONDENT_PER_MILLE = 120  # of city-management cases
REFERRAL_REASON = "属于诉讼程序处理的事项，依法引导至人民法院。"  # 诉访分离, Art. 31

# (title, summary) by category; a leaf without its own uses its parent's.
MATTERS: dict[str, tuple[tuple[str, str], ...]] = {
    "EMERG": (("道路塌陷有人员被困", "路面突然塌陷，请求紧急处置。"),),
    "UTIL-WATER": (("小区停水未提前通知", "小区连续停水，未见停水公告。"),
                   ("自来水浑浊有异味", "自来水发黄有异味，请求检测。")),
    "UTIL-POWER": (("频繁停电影响生活", "近一周多次停电，影响正常生活。"),),
    "UTIL-GAS": (("燃气管道疑似泄漏", "楼道内有燃气味，请求检查。"),),
    "UTIL-HEAT": (("供暖温度不达标", "室内温度低于标准，请求供热单位处理。"),),
    "SAFETY": (("小作坊存在安全隐患", "居民区内小作坊违规使用明火。"),
               ("商店违规储存烟花爆竹", "临街商店大量存放烟花爆竹。")),
    "BUILD": (("建筑工地夜间施工扰民", "工地夜间施工至凌晨，噪声扰民。"),
              ("物业不作为", "小区电梯长期故障，物业拖延维修。")),
    "CITY": (("垃圾清运不及时", "小区垃圾堆积多日无人清运。"),
             ("占道经营影响通行", "商贩长期占用人行道经营。"),
             ("城管执法态度粗暴", "执法人员在查处占道经营时态度粗暴。")),
    "CITY-NOISE": (("广场舞噪声扰民", "夜间广场舞音响声音过大。"),
                   ("商铺音响噪声扰民", "临街商铺大音量播放音乐。")),
    "TRAFFIC": (("公交线路调整不便出行", "公交线路调整后出行不便。"),
                ("道路破损坑洼", "道路多处破损，雨天积水。")),
    "EDU": (("学校周边交通安全隐患", "上下学时段校门口车辆拥堵。"),
            ("幼儿园收费不规范", "幼儿园额外收取费用。")),
    "LABOUR": (("拖欠农民工工资", "工程完工后工资至今未付。"),
               ("单位未缴纳社会保险", "单位未按规定缴纳社保。")),
    "HEALTH": (("医院就诊排队时间长", "门诊挂号排队时间过长。"),),
}  # fmt: skip

# Per-mille shares of the states, with how long ago (days) the case's last step happened:
# open cases are recent, closed ones spread over two years.
STATES: tuple[tuple[str, int, int, int], ...] = (
    (ComplaintState.RECEIVED, 30, 0, 20),
    (ComplaintState.ASSIGNED, 40, 0, 6),
    (ComplaintState.HANDLING, 160, 0, 75),
    (ComplaintState.REPLIED, 70, 0, 28),
    (ComplaintState.REVIEWING, 25, 0, 28),
    (ComplaintState.REVIEWED, 15, 0, 28),
    (ComplaintState.REREVIEWING, 10, 0, 25),
    (ComplaintState.CONCLUDED, 550, 1, 700),
    (ComplaintState.REFERRED, 50, 1, 400),
    (ComplaintState.NOT_ACCEPTED, 50, 1, 400),
)
CHANNELS: tuple[tuple[str, int], ...] = (
    (Channel.HOTLINE, 400), (Channel.WEB, 150), (Channel.LETTER, 150), (Channel.VISIT, 150),
    (Channel.PHONE, 100), (Channel.PORTAL, 50),
)  # fmt: skip
# The step each state ends on, in days after receipt (drawn per case).
ROUTED_STATES = {s for s, *_ in STATES} - {ComplaintState.RECEIVED}
ACCEPTED_STATES = {
    ComplaintState.HANDLING, ComplaintState.REPLIED, ComplaintState.REVIEWING,
    ComplaintState.REVIEWED, ComplaintState.REREVIEWING, ComplaintState.CONCLUDED,
}  # fmt: skip

COMPLAINT_FIELDS = (
    "id", "state", "version", "number", "receipt_code", "query_password", "channel",
    "category_id", "region_id", "department_id", "handler_id", "premises_id", "title",
    "summary", "address", "received_at", "registered_by_id", "contact_known", "visitor_count",
    "routed_at", "routing_note", "accepted_at", "objection_reason", "not_accepted_reason",
    "referral_body", "referral_reason", "referral_result", "outcome", "opinion_delivered_at",
    "review_requested_at", "review_delivered_at", "rereview_requested_at", "concluded_at",
    "concluded_after_rereview", "repeat_count", "transfer_count", "override_reason",
    "public_note", "updated", "opinion_unit_id", "review_unit_id", "public_summary",
)  # fmt: skip
COMPLAINANT_FIELDS = ("id", "complaint_id", "name", "id_number", "phone", "address", "email",
                      "is_representative", "phone_digest", "id_digest")  # fmt: skip
RESPONDENT_FIELDS = ("id", "complaint_id", "kind", "department_id")
TASK_FIELDS = ("id", "complaint_id", "department_id", "role", "instructions", "due",
               "assigned_by_id", "assigned_at", "result", "done_by_id", "done_at", "state",
               "version")  # fmt: skip
CALLBACK_FIELDS = ("id", "complaint_id", "source", "called_by_id", "caller_unit_id", "at",
                   "contacted", "solved", "satisfaction", "note")  # fmt: skip
CLOCK_FIELDS = ("id", "content_type_id", "object_id", "kind", "rule_id", "state", "started_at",
                "due", "provisional", "paused_days", "paused_seconds", "extension_days",
                "extension_reason", "breached", "escalation_level", "escalation_step",
                "next_escalation_at")  # fmt: skip


def complaints_for(premises: int) -> int:
    return int(premises * COMPLAINTS_PER_PREMISES)


def day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


@cache
def secret_key() -> bytes:
    return settings.SECRET_KEY.encode()


def keyed(value: str) -> str:
    """complaints.services.intake.identity_digest / password_digest, without the per-call
    normalisation (the demo values are already plain digits)."""
    return hmac.digest(secret_key(), value.encode(), "sha256").hex()


def receipt_code(number: int, mix: int) -> str:
    """A 10-character code, unique per id: an odd multiplier is a bijection modulo 32^10."""
    value = (number * 0x5DEECE66D + mix) % (32**10)
    chars = []
    for _ in range(10):
        value, digit = divmod(value, 32)
        chars.append(CODE_ALPHABET[digit])
    return "".join(chars)


# --- who and where ----------------------------------------------------------------------------


@dataclass
class Cast:
    county: Region
    departments: dict[str, Department]
    clerk: User
    handler: User
    leader: User | None
    county_leader: User | None
    grids: list[int]
    premises: list[tuple[int, int]]  # (premises id, grid id): a sample to name on cases
    categories: list[Category]
    unit_of: dict[int, int]  # category id → department id (by the routes)
    hotline_kind: dict[int, str]  # category id → its 12345 limit

    @classmethod
    def load(cls) -> Cast:
        county = Region.objects.filter(level="county").order_by("pk").first()
        if county is None:
            raise LookupError("the demo county has no county region")
        prefix = f"{county.code[:6]}-"
        departments = {
            d.code.removeprefix(prefix): d
            for d in Department.objects.filter(code__startswith=prefix)
        }
        users = {u.username: u for u in User.objects.filter(is_active=True)}
        fallback = next(iter(users.values()))
        grids = list(
            Region.objects.filter(level="grid").order_by("pk").values_list("pk", flat=True)
        )
        premises = sample_premises()
        leaves = list(Category.objects.filter(children__isnull=True).order_by("path"))
        return cls(
            county, departments, users.get("complaint_clerk", fallback),
            users.get("handling_staff", fallback), users.get("unit_leader"),
            users.get("county_leader"), grids or [county.pk], premises, leaves, {},
            {c.pk: hotline_limit(c) for c in leaves},
        )  # fmt: skip

    def department(self, code: str) -> int | None:
        found = self.departments.get(code)
        return found.pk if found is not None else None


def sample_premises(limit: int = 20_000) -> list[tuple[int, int]]:
    """Up to `limit` premises spread over the id range, without reading a million rows."""
    total = Premises.objects.count()
    step = max(1, total // limit)
    return list(
        Premises.objects.annotate(bucket=models.F("pk") % step)
        .filter(bucket=0)
        .order_by("pk")
        .values_list("pk", "region_id")[:limit]
    )


def hotline_limit(category: Category) -> str:
    node: Category | None = category
    while node is not None:
        if node.hotline_limit:
            return node.hotline_limit
        node = node.parent  # type: ignore[assignment]
    return HotlineLimit.GENERAL.value


def create_routes(cast: Cast) -> list[CategoryRoute]:
    """The county's routes; a category's leaves inherit its route (most specific wins)."""
    by_code = {c.code: c for c in Category.objects.all()}
    routes = [
        CategoryRoute(category=by_code[cat], region=cast.county, department=cast.departments[unit])
        for cat, unit in ROUTES
        if cat in by_code and unit in cast.departments
    ]
    CategoryRoute.objects.bulk_create(routes)

    cast.unit_of = {}
    for leaf in cast.categories:
        unit = route_for(leaf, cast.county)
        desk = cast.department("XFJ")
        cast.unit_of[leaf.pk] = unit.pk if unit is not None else (desk or 0)
    return routes


# --- clocks ----------------------------------------------------------------------------------


class ClockMaker:
    """Running clocks as rows: deadline by the rule in force, escalation steps already due
    counted as taken (so the first scan after generation sends no flood)."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now
        self.content_type = ContentType.objects.get_for_model(Complaint).pk
        self.zone = timezone.get_current_timezone()
        self.rules: dict[str, ClockRule] = {}
        self.dues: dict[tuple[str, Any], tuple[dt.datetime, bool]] = {}
        self.ladders: dict[tuple[str, dt.datetime], tuple[bool, int, int, dt.datetime | None]] = {}

    def rule(self, kind: str, at: dt.datetime) -> ClockRule:
        if kind not in self.rules:
            self.rules[kind] = rule_for(kind, timezone.localdate(self.now))
        return self.rules[kind]

    def due(self, kind: str, started: dt.datetime) -> tuple[dt.datetime, bool]:
        rule = self.rule(kind, started)
        key = (kind, started if rule.unit == "hours" else started.astimezone(self.zone).date())
        if key not in self.dues:
            probe = Clock(rule=rule, started_at=started, due=started)
            deadline = compute_deadline(probe)
            self.dues[key] = (deadline.due, deadline.provisional)
        return self.dues[key]

    def ladder(self, kind: str, due: dt.datetime) -> tuple[bool, int, int, dt.datetime | None]:
        key = (kind, due)
        if key not in self.ladders:
            rule = self.rules[kind]
            steps = [
                (step, offset)
                for step in EscalationStep.values
                if step > EscalationStep.STARTED and (offset := step_offset(rule, step)) is not None
            ]
            taken = [(s, o) for s, o in steps if due + o <= self.now]
            step = taken[-1][0] if taken else EscalationStep.STARTED
            level = int(STEP_LEVEL[EscalationStep(step)]) if taken else 0
            following = [o for s, o in steps if s > step]
            self.ladders[key] = (due <= self.now, level, step,
                                 due + following[0] if following else None)  # fmt: skip
        return self.ladders[key]

    def row(self, pk: int, case: int, kind: str, started: dt.datetime, stamp: Callable) -> tuple:
        due, provisional = self.due(kind, started)
        breached, level, step, next_at = self.ladder(kind, due)
        return (pk, self.content_type, case, kind, self.rules[kind].pk, ClockState.RUNNING,
                stamp(started), stamp(due), provisional, 0, 0, 0, "", breached, level, step,
                stamp(next_at) if next_at else None)  # fmt: skip


# --- the caseload ------------------------------------------------------------------------------


@dataclass
class Ids:
    complaint: int
    complainant: int
    respondent: int
    task: int
    callback: int
    clock: int

    @classmethod
    def next(cls) -> Ids:
        return cls(*(next_id(m) for m in (Complaint, Complainant, Respondent, HandlingTask,
                                           Callback, Clock)))  # fmt: skip


@dataclass
class Batch:
    complaints: list[tuple] = field(default_factory=list)
    complainants: list[tuple] = field(default_factory=list)
    respondents: list[tuple] = field(default_factory=list)
    tasks: list[tuple] = field(default_factory=list)
    callbacks: list[tuple] = field(default_factory=list)
    clocks: list[tuple] = field(default_factory=list)


def cumulative(shares: Iterable[tuple[Any, int]]) -> list[tuple[Any, int]]:
    total, result = 0, []
    for value, share in shares:
        total += share
        result.append((value, total))
    return result


def pick(draw: float, table: list[tuple[Any, int]]) -> Any:
    point = draw * table[-1][1]
    return next((value for value, edge in table if point < edge), table[-1][0])


@dataclass
class Path:
    """The dates of one case's steps, as seconds after receipt."""

    state: str
    received: dt.datetime
    routed: dt.datetime | None = None
    accepted: dt.datetime | None = None
    opinion: dt.datetime | None = None
    review_requested: dt.datetime | None = None
    review_delivered: dt.datetime | None = None
    rereview_requested: dt.datetime | None = None
    concluded: dt.datetime | None = None
    after_rereview: bool = False

    @property
    def last(self) -> dt.datetime:
        steps = (self.concluded, self.rereview_requested, self.review_delivered,
                 self.review_requested, self.opinion, self.accepted, self.routed)  # fmt: skip
        return next((s for s in steps if s is not None), self.received)


def draw_path(
    rng: random.Random, state: str, recent: int, anchor: dt.datetime, now: dt.datetime
) -> Path:
    """Steps in days after receipt, then the whole path placed so its last step lies
    `recent` days (and some hours) before the day of generation."""
    r = rng.random
    day = dt.timedelta(days=1)
    offsets: dict[str, dt.timedelta] = {}
    at = dt.timedelta(0)
    plan: dict[str, tuple[str, ...]] = {
        ComplaintState.RECEIVED: (),
        ComplaintState.ASSIGNED: ("routed",),
        ComplaintState.REFERRED: ("routed",),
        ComplaintState.NOT_ACCEPTED: (),
        ComplaintState.HANDLING: ("routed", "accepted"),
        ComplaintState.REPLIED: ("routed", "accepted", "opinion"),
        ComplaintState.REVIEWING: ("routed", "accepted", "opinion", "review_requested"),
        ComplaintState.REVIEWED: ("routed", "accepted", "opinion", "review_requested",
                                  "review_delivered"),
        ComplaintState.REREVIEWING: ("routed", "accepted", "opinion", "review_requested",
                                     "review_delivered", "rereview_requested"),
    }  # fmt: skip
    after_rereview = state == ComplaintState.CONCLUDED and r() < 0.06
    if state == ComplaintState.CONCLUDED:
        steps: tuple[str, ...] = ("routed", "accepted", "opinion")
        if after_rereview:
            steps += ("review_requested", "review_delivered", "rereview_requested")
        steps += ("concluded",)
    else:
        steps = plan[state]
    gaps = {"routed": (0.2, 3), "accepted": (0.2, 2), "opinion": (8, 50),
            "review_requested": (2, 25), "review_delivered": (10, 28),
            "rereview_requested": (2, 25), "concluded": (1, 28)}  # fmt: skip
    for name in steps:
        low, high = gaps[name]
        at += day * (low + r() * (high - low))
        offsets[name] = at
    back = dt.timedelta(days=recent, hours=1 + r() * 10)
    received = anchor + dt.timedelta(hours=8) + dt.timedelta(hours=r() * 11) - back - at
    if received + at > now:  # today's cases happened earlier today, never later
        received -= day
    path = Path(state, received, after_rereview=after_rereview)
    for name, offset in offsets.items():
        setattr(path, name, received + offset)
    return path


class CaseloadFactory:
    """Complaint rows and their companions, a batch at a time, from one random stream."""

    def __init__(self, rng: random.Random, cast: Cast, ids: Ids, anchor: dt.datetime,
                 now: dt.datetime) -> None:  # fmt: skip
        self.rng, self.random, self.cast, self.ids = rng, rng.random, cast, ids
        self.anchor, self.now = anchor, now
        self.stamp = datetime_adapter()
        self.zone = timezone.get_current_timezone()
        self.clocks = ClockMaker(now)
        self.states = cumulative((s[0], s[1]) for s in STATES)
        self.spans = {s[0]: (s[2], s[3]) for s in STATES}
        self.channels = cumulative(CHANNELS)
        self.mix = rng.randrange(32**10)
        self.password = DEMO_QUERY_PASSWORD
        self.respondent_unit = cast.department(RESPONDENT_UNIT)
        self.respondent_handler = cast.department(RESPONDENT_HANDLER)
        self.desk = cast.department("XFJ")
        self.zj = cast.department("ZJ")
        government = cast.departments.get(COUNTY_GOVERNMENT)
        self.reviewers = (
            (government.pk, government.superior_id) if government is not None else (None, None)
        )
        matters = {c.pk: self.matters_of(c) for c in cast.categories}
        self.matters = matters

    @staticmethod
    def matters_of(category: Category) -> tuple[tuple[str, str], ...]:
        for code in category.path.strip("/").split("/")[::-1]:
            if code in MATTERS:
                return MATTERS[code]
        return ((category.name, category.name),)

    def paths(self, count: int) -> list[Path]:
        """`count` cases in order of receipt (the numbering follows it)."""
        found = []
        for _ in range(count):
            state = pick(self.random(), self.states)
            low, high = self.spans[state]
            recent = low + int(self.random() * (high - low + 1))
            found.append(draw_path(self.rng, state, recent, self.anchor, self.now))
        found.sort(key=lambda p: p.received)
        return found

    def batches(self, paths: list[Path], size: int) -> Iterator[Batch]:
        numbers: dict[int, int] = {}
        for start in range(0, len(paths), size):
            batch = Batch()
            for path in paths[start : start + size]:
                year = path.received.astimezone(self.zone).year
                numbers[year] = numbers.get(year, 0) + 1
                self.case(batch, path, f"{NUMBER_PREFIX}-{year}-{numbers[year]:06d}")
            yield batch

    def case(self, batch: Batch, path: Path, number: str) -> None:
        r, cast, stamp = self.random, self.cast, self.stamp
        pk = self.ids.complaint
        self.ids.complaint += 1
        category = cast.categories[int(r() * len(cast.categories))]
        channel = pick(r(), self.channels)
        title, summary = self.matters[category.pk][int(r() * len(self.matters[category.pk]))]
        premises_id, region_id = None, cast.grids[int(r() * len(cast.grids))]
        if cast.premises and r() < 0.2:
            premises_id, region_id = cast.premises[int(r() * len(cast.premises))]
        named = (
            self.respondent_unit is not None
            and category.path.startswith("/CITY/")
            and r() * 1000 < RESPONDENT_PER_MILLE
        )
        if named:
            title, summary = MATTERS["CITY"][2]
        unit = self.respondent_handler if named else cast.unit_of.get(category.pk)
        state, routed = path.state, path.routed is not None
        department = unit if routed and state != ComplaintState.NOT_ACCEPTED else None
        contact_known = r() < 0.85
        outcome = ""
        if path.opinion is not None:
            outcome = pick(r(), [("explained", 500), ("supported", 800), ("not_supported", 1000)])
        code = receipt_code(pk, self.mix)
        handler = cast.handler.pk if department == self.zj and path.accepted else None
        lead, opinion_unit, review_unit = self.review_bodies(path, department)
        batch.complaints.append((
            pk, state, 1 + sum(x is not None for x in (path.routed, path.accepted, path.opinion,
                                                      path.concluded)),
            number, code, keyed(f"{code}:{self.password}"), channel, category.pk, region_id,
            lead, handler if lead == department else None, premises_id, title, summary, "",
            stamp(path.received),
            cast.clerk.pk, contact_known, 1, stamp(path.routed) if path.routed else None,
            "" if not routed else "按职责转办。", stamp(path.accepted) if path.accepted else None,
            "", "不属于信访事项受理范围。" if state == ComplaintState.NOT_ACCEPTED else "",
            ReferralBody.COURT.value if state == ComplaintState.REFERRED else "",
            REFERRAL_REASON if state == ComplaintState.REFERRED else "",
            "", outcome, stamp(path.opinion) if path.opinion else None,
            stamp(path.review_requested) if path.review_requested else None,
            stamp(path.review_delivered) if path.review_delivered else None,
            stamp(path.rereview_requested) if path.rereview_requested else None,
            stamp(path.concluded) if path.concluded else None, path.after_rereview, 0, 0, "",
            "", stamp(path.last), opinion_unit, review_unit, "",
        ))  # fmt: skip
        self.complainant(batch, pk, contact_known)
        if named:
            batch.respondents.append((self.ids.respondent, pk, "unit", self.respondent_unit))
            self.ids.respondent += 1
        if department and path.routed and state != ComplaintState.REFERRED:
            self.task(batch, pk, department, path)
        if path.opinion is not None and state in (ComplaintState.CONCLUDED, ComplaintState.REPLIED):
            self.callback(batch, pk, path)
        self.open_clocks(batch, pk, path, channel, category, contact_known)

    def review_bodies(
        self, path: Path, department: int | None
    ) -> tuple[int | None, int | None, int | None]:
        """(lead unit, unit that gave the opinion, review organ): a review sits with the county
        government, a re-review with the city government (Arts 35-36)."""
        county, city = self.reviewers
        if county is None or city is None:
            return department, None, None
        if path.rereview_requested is not None:
            return city, department, county
        if path.review_requested is not None:
            return county, department, None
        return department, None, None

    def complainant(self, batch: Batch, case: int, contact_known: bool) -> None:
        phone = f"1{3 + int(self.random() * 7)}{int(self.random() * 1e9):09d}"
        name = names.person_name(self.rng)
        address = (
            f"{names.COUNTY_NAME}某小区{1 + int(self.random() * 30)}幢" if contact_known else ""
        )
        batch.complainants.append((self.ids.complainant, case, name, "", phone, address, "",
                                   False, keyed(phone), ""))  # fmt: skip
        self.ids.complainant += 1

    def task(self, batch: Batch, case: int, department: int, path: Path) -> None:
        done = path.opinion is not None
        assigned = path.routed or path.received
        due = (path.accepted or assigned) + dt.timedelta(days=60)
        batch.tasks.append((
            self.ids.task, case, department, "lead", "请依法依规办理并按期答复。",
            self.stamp(due), self.cast.clerk.pk, self.stamp(assigned),
            "已调查核实并形成处理意见。" if done else "",
            self.cast.handler.pk if done else None,
            self.stamp(path.opinion) if done and path.opinion else None,
            "done" if done else "open", 2 if done else 1,
        ))  # fmt: skip
        self.ids.task += 1

    def callback(self, batch: Batch, case: int, path: Path) -> None:
        r = self.random
        if r() >= 0.4 or path.opinion is None:
            return
        at = path.opinion + dt.timedelta(days=2)
        if at > self.now:
            return
        contacted = r() < 0.9
        satisfaction = (
            pick(
                r(),
                [
                    (Satisfaction.SATISFIED.value, 600),
                    (Satisfaction.BASICALLY_SATISFIED.value, 850),
                    (Satisfaction.UNSATISFIED.value, 1000),
                ],
            )
            if contacted
            else ""
        )
        batch.callbacks.append((self.ids.callback, case, "callback", self.cast.clerk.pk,
                                self.desk, self.stamp(at), contacted,
                                (r() < 0.75) if contacted else None, satisfaction, ""))  # fmt: skip
        self.ids.callback += 1

    def open_clocks(self, batch: Batch, case: int, path: Path, channel: str,
                    category: Category, contact_known: bool) -> None:  # fmt: skip
        running: list[tuple[str, dt.datetime]] = []
        state = path.state
        if state == ComplaintState.RECEIVED:
            running.append((REGISTER_ROUTE, path.received))
            if contact_known:
                running.append((RECEIPT_NOTICE, path.received))
        elif state == ComplaintState.ASSIGNED and path.routed:
            running.append((REMIT_OBJECTION, path.routed))
        elif state == ComplaintState.HANDLING and path.accepted:
            kind = (self.cast.hotline_kind[category.pk] if channel == Channel.HOTLINE
                    else HANDLE_CLOCK)  # fmt: skip
            running.append((kind, path.accepted))
        elif state == ComplaintState.REPLIED and path.opinion:
            running.append((REVIEW_REQUEST, path.opinion))
        elif state == ComplaintState.REVIEWING and path.review_requested:
            running.append((REVIEW_OPINION, path.review_requested))
        elif state == ComplaintState.REVIEWED and path.review_delivered:
            running.append((REREVIEW_REQUEST, path.review_delivered))
        elif state == ComplaintState.REREVIEWING and path.rereview_requested:
            running.append((REREVIEW_OPINION, path.rereview_requested))
        for kind, started in running:
            batch.clocks.append(self.clocks.row(self.ids.clock, case, kind, started, self.stamp))
            self.ids.clock += 1


WRITERS = (
    (Complaint, COMPLAINT_FIELDS, "complaints"),
    (Complainant, COMPLAINANT_FIELDS, "complainants"),
    (Respondent, RESPONDENT_FIELDS, "respondents"),
    (HandlingTask, TASK_FIELDS, "tasks"),
    (Callback, CALLBACK_FIELDS, "callbacks"),
    (Clock, CLOCK_FIELDS, "clocks"),
)

Record = Callable[[type[models.Model], range, Callable[[], Iterable[models.Model]]], None]


def by_ids(model: type[models.Model], ids: range) -> list[models.Model]:
    return list(model._default_manager.filter(pk__in=ids).order_by("pk"))


def caseload(seed: int, count: int, cast: Cast, record: Record, batch_size: int) -> dict[str, int]:
    today = timezone.localdate()
    # In UTC: the rows are written as UTC values (demo.premises.datetime_adapter).
    anchor = day_start(today).astimezone(dt.UTC)
    now = timezone.now().replace(microsecond=0)
    factory = CaseloadFactory(random.Random(f"{seed}:complaints"), cast, Ids.next(), anchor, now)
    paths = factory.paths(count)
    writers = [(m, TableWriter(m, f), attr) for m, f, attr in WRITERS]
    rows: dict[str, int] = {}
    indexes = (
        secondary_indexes_rebuilt_after(Complaint, Complainant, HandlingTask, Callback)
        if count >= REBUILD_INDEXES_FROM and not Complaint.objects.exists()
        else nullcontext()
    )
    with foreign_key_checks_deferred_to_end(*LOADED), indexes:
        for batch in factory.batches(paths, batch_size):
            with transaction.atomic():
                for model, writer, attr in writers:
                    written = getattr(batch, attr)
                    writer.write(written)
                    if written:
                        ids = range(written[0][0], written[-1][0] + 1)
                        record(model, ids, partial(by_ids, model, ids))
                    rows[attr] = rows.get(attr, 0) + len(written)
    reset_sequences(*LOADED)
    set_number_sequences(factory)
    return rows


def set_number_sequences(factory: CaseloadFactory) -> None:
    """Move the XF sequence of each year past the numbers just written."""
    last: dict[int, int] = {}
    for number in (
        Complaint.objects.filter(number__startswith=f"{NUMBER_PREFIX}-")
        .values_list("number", flat=True)
        .iterator(chunk_size=10_000)
    ):
        _prefix, year_text, seq = number.split("-")
        last[int(year_text)] = max(last.get(int(year_text), 0), int(seq))
    for year, top in last.items():
        DocumentSequence.objects.update_or_create(
            prefix=NUMBER_PREFIX, year=year, defaults={"last": top}
        )


# --- the step -----------------------------------------------------------------------------------


def generate_complaints(
    seed: int, complaints: int, record: Record, batch_size: int = DEFAULT_BATCH
) -> dict[str, int]:
    """Routes, the caseload of `complaints` cases and the story; row counts."""
    cast = Cast.load()
    with transaction.atomic():
        routes = create_routes(cast)
        if routes:
            record(CategoryRoute, range(routes[0].pk, routes[-1].pk + 1), partial(list, routes))
    rows = {"category routes": len(routes)}
    rows.update(caseload(seed, complaints, cast, record, batch_size))
    story = tell_story(seed, cast)
    for key, count in story.items():
        rows[key] = rows.get(key, 0) + count
    analyze(*LOADED)
    return rows
