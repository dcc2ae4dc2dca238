"""The complaint story of the demo county: a dozen cases received today, each moved along its
path by the real intake service and the real transitions (workflow.engine.fire), so their
history tabs, clocks and documents are exactly what the app writes. Around them: internal
notes, a callback, a backlog case, and a leader's reception day with its record.

The people are the demo logins: complaint_clerk (the desk), handling_staff and unit_leader
(住建局, the unit most cases go to), county_leader (the reception day) and cg_staff (城市管理局,
the unit one case is about: it opens the case, never the complainant's identity).
"""

from __future__ import annotations

import datetime as dt
import random
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from complaints.choices import (
    HANDLING_CLOCKS,
    AppointmentState,
    BacklogReason,
    CallbackSource,
    Channel,
    ComplaintState,
    DocumentKind,
    DocumentState,
    ReferralBody,
    Satisfaction,
)
from complaints.models import (
    BacklogCase,
    BacklogRule,
    Callback,
    CaseDocument,
    CaseNote,
    Category,
    Complaint,
    ReceptionDay,
)
from complaints.services import reviews
from complaints.services.intake import ComplainantData, Intake, RespondentData, register_complaint
from complaints.services.reception import book, mark, save_record
from core.audit import record_change
from core.models import Region, User
from demo import names
from workflow.engine import fire
from workflow.models import Clock

if TYPE_CHECKING:
    from demo.complaints import Cast

# (state reached, category, title, summary, names 城管 as respondent)
CASES: tuple[tuple[str, str, str, str, bool], ...] = (
    (ComplaintState.RECEIVED, "CITY-NOISE", "夜间施工噪声扰民", "工地每晚施工到凌晨。", False),
    (ComplaintState.ASSIGNED, "BUILD-SITE", "工地围挡倒塌占道", "围挡倒塌多日未修复。", False),
    (ComplaintState.HANDLING, "CITY-NOISE", "商铺音响噪声扰民", "临街商铺大音量播放音乐。", False),
    (ComplaintState.HANDLING, "CITY-STALLS", "城管执法态度粗暴", "查处占道经营时态度粗暴。", True),
    (ComplaintState.REPLIED, "BUILD-HOUSING", "物业拖延维修电梯", "电梯停运一个月。", False),
    (ComplaintState.REVIEWING, "BUILD-SITE", "渣土车遗撒", "渣土车沿路遗撒泥土。", False),
    (ComplaintState.REVIEWED, "BUILD-HOUSING", "保障房分配不公", "对公租房分配结果有异议。", False),
    (ComplaintState.REREVIEWING, "BUILD-SITE", "拆迁补偿标准", "对补偿标准有异议。", False),
    (ComplaintState.CONCLUDED, "BUILD-HOUSING", "小区违建未拆除", "违建搭建两年未处理。", True),
    (ComplaintState.CONCLUDED, "CITY-NOISE", "广场舞噪声扰民", "夜间广场舞音响过大。", False),
    (ComplaintState.REFERRED, "LABOUR-WAGES", "劳动合同纠纷", "已起诉的劳动合同纠纷。", False),
    (ComplaintState.NOT_ACCEPTED, "CITY-SANITATION", "匿名反映情况", "无具体事项和诉求。", False),
)  # fmt: skip
PATH = (
    ComplaintState.ASSIGNED, ComplaintState.HANDLING, ComplaintState.REPLIED,
    ComplaintState.REVIEWING, ComplaintState.REVIEWED, ComplaintState.REREVIEWING,
    ComplaintState.CONCLUDED,
)  # fmt: skip
OPINION_FOR = {
    "deliver_opinion": DocumentKind.OPINION,
    "deliver_review_opinion": DocumentKind.REVIEW_OPINION,
    "deliver_rereview_opinion": DocumentKind.REREVIEW_OPINION,
}

ASKED = {"request_review": reviews.request_review, "request_rereview": reviews.request_rereview}


class Teller:
    def __init__(self, rng: random.Random, cast: Cast) -> None:
        self.rng, self.cast = rng, cast
        self.now = timezone.now()
        self.counts: dict[str, int] = {}
        users = {u.username: u for u in User.objects.filter(is_active=True)}
        self.clerk = cast.clerk
        self.handler = cast.handler
        self.leader = cast.leader or cast.handler
        self.county_leader = users.get("county_leader")
        self.zj = cast.departments.get("ZJ")
        self.cg = cast.departments.get("CG")

    def count(self, key: str, n: int = 1) -> None:
        self.counts[key] = self.counts.get(key, 0) + n

    def file(self, category: str, title: str, summary: str, names_cg: bool, hours: float) -> Any:
        grid = self.cast.grids[int(self.rng.random() * len(self.cast.grids))]
        person = names.person_name(self.rng)
        intake = Intake(
            channel=self.rng.choice((Channel.LETTER, Channel.VISIT, Channel.HOTLINE, Channel.WEB)),
            category=Category.objects.get(code=category),
            region=Region.objects.get(pk=grid),
            title=title,
            summary=summary,
            original_text=f"我是{person}，反映：{summary}",
            complainants=[ComplainantData(
                name=person, phone=f"139{self.rng.randrange(10**8):08d}",
                address=f"{names.COUNTY_NAME}某小区{self.rng.randint(1, 30)}幢",
            )],
            respondents=[RespondentData(department=self.cg)] if names_cg and self.cg else [],
            answers={"when": "night"} if category == "CITY-NOISE" else {},
            received_at=self.now - dt.timedelta(hours=hours),
        )  # fmt: skip
        self.count("complaints")
        return register_complaint(intake, self.clerk).complaint

    def opinion(self, case: Complaint, kind: str) -> None:
        document = CaseDocument.objects.create(
            complaint=case, kind=kind, state=DocumentState.APPROVED, request=case.title,
            facts_and_reasons="经调查核实，反映的情况基本属实。",
            decision="责成相关单位限期整改并书面答复。",
            legal_basis="《信访工作条例》第三十二条、第三十三条",
            outcome="explained", drafted_by=self.handler, approved_by=self.leader,
            approved_at=timezone.now(),
        )  # fmt: skip
        record_change(document, None)
        self.count("case documents")

    def step(self, case: Complaint, target: str) -> Complaint:
        now = timezone.now()
        moves: dict[str, tuple[str, Any, dict[str, Any]]] = {
            ComplaintState.ASSIGNED: ("route", self.clerk, {
                "department": self.zj, "summary": case.summary,
                "routing_note": "属住建局职责，请依法办理。"}),
            ComplaintState.HANDLING: ("accept", self.handler, {"handler": self.handler}),
            ComplaintState.REPLIED: ("deliver_opinion", self.clerk, {
                "opinion_delivered_at": now, "outcome": "explained"}),
            ComplaintState.REVIEWING: ("request_review", self.clerk, {"review_requested_at": now}),
            ComplaintState.REVIEWED: ("deliver_review_opinion", self.clerk, {
                "review_delivered_at": now, "outcome": "explained"}),
            ComplaintState.REREVIEWING: ("request_rereview", self.clerk, {
                "rereview_requested_at": now}),
            ComplaintState.CONCLUDED: ("deliver_rereview_opinion", self.clerk, {
                "concluded_at": now, "outcome": "explained", "concluded_after_rereview": True}),
        }  # fmt: skip
        name, actor, data = moves[target]
        if name in OPINION_FOR:
            self.opinion(case, OPINION_FOR[name])
        if name in ASKED:
            # The service sends the request to the superior organ (Arts 35-36).
            return ASKED[name](case, actor, now)
        return fire(name, case, actor, data)

    def move(self, case: Complaint, target: str, short: bool) -> Complaint:
        if target == ComplaintState.REFERRED:
            return fire("refer", case, self.clerk, {
                "referral_body": ReferralBody.COURT,
                "referral_reason": "该劳动争议已进入诉讼程序，依法由人民法院处理。"})  # fmt: skip
        if target == ComplaintState.NOT_ACCEPTED:
            return fire("not_accept", case, self.clerk, {
                "not_accepted_reason": "未提出具体事项和诉求，不予受理。"})  # fmt: skip
        if target == ComplaintState.RECEIVED:
            return case
        for state in PATH:
            if short and state == ComplaintState.REVIEWING:
                # Concluded once the complainant accepts the opinion (no review asked).
                return fire("conclude", case, self.clerk, {})
            case = self.step(case, state)
            if state == target:
                break
        return case

    def note(self, case: Complaint, text: str, for_complainant: bool = False) -> None:
        note = CaseNote.objects.create(complaint=case, text=text, author=self.handler,
                                       for_complainant=for_complainant)  # fmt: skip
        record_change(note, None)
        self.count("case notes")


def cases(teller: Teller) -> list[Complaint]:
    made = []
    concluded = 0
    for index, (state, category, title, summary, names_cg) in enumerate(CASES):
        case = teller.file(category, title, summary, names_cg, hours=30 - 2 * index)
        short = state == ComplaintState.CONCLUDED and concluded == 1
        concluded += state == ComplaintState.CONCLUDED
        made.append(teller.move(case, state, short))
    teller.note(made[2], "已联系施工单位，约定本周内现场核查。")
    teller.note(made[2], "已受理，正在调查核实。", for_complainant=True)
    teller.note(made[3], "被反映单位为城市管理局，本件由政府督查室督办，材料不得转被反映单位。")
    return made


def callback(teller: Teller, case: Complaint) -> None:
    row = Callback.objects.create(
        complaint=case, source=CallbackSource.CALLBACK, called_by=teller.clerk,
        caller_unit=teller.cast.departments.get("XFJ"), at=timezone.now(), contacted=True,
        solved=True, satisfaction=Satisfaction.SATISFIED, note="已解决，表示满意。",
    )  # fmt: skip
    record_change(row, None)
    teller.count("callbacks")


def backlog(teller: Teller) -> None:
    """The longest-overdue handling cases of the caseload become backlog cases."""
    rule = BacklogRule.objects.order_by("-effective_from").first()
    if rule is None:
        return
    overdue = Clock.objects.filter(
        kind__in=HANDLING_CLOCKS, state="running", breached=True,
        content_type__model="complaint",
    ).order_by("due", "pk").values_list("object_id", flat=True)[:3]  # fmt: skip
    for case in Complaint.objects.filter(pk__in=list(overdue)).order_by("pk"):
        row = BacklogCase.objects.create(
            complaint=case, rule=rule, reason=BacklogReason.OVERDUE, region=case.region,
            department=case.department, responsible_leader=teller.county_leader,
            plan="县领导包案，责任单位一周内提出化解方案。",
            target_date=timezone.localdate() + dt.timedelta(days=30), designated_at=timezone.now(),
        )  # fmt: skip
        record_change(row, None)
        teller.count("backlog cases")


def reception(teller: Teller, received: Complaint, missed: Complaint) -> None:
    if teller.county_leader is None:
        return
    day = ReceptionDay.objects.create(
        leader=teller.county_leader, region=teller.cast.county, day=timezone.localdate(),
        starts=dt.time(8, 30), ends=dt.time(11, 30), place="县信访接待中心一楼接待室", capacity=6,
    )  # fmt: skip
    record_change(day, None)
    future = ReceptionDay.objects.create(
        leader=teller.county_leader, region=teller.cast.county,
        day=timezone.localdate() + dt.timedelta(days=14), starts=dt.time(8, 30),
        ends=dt.time(11, 30), place="县信访接待中心一楼接待室", capacity=6,
    )  # fmt: skip
    record_change(future, None)
    teller.count("reception days", 2)
    first = book(day, received, dt.time(9), teller.clerk)
    second = book(day, missed, dt.time(9, 30), teller.clerk)
    mark(first, AppointmentState.RECEIVED, teller.clerk)
    mark(second, AppointmentState.MISSED, teller.clerk)
    teller.count("reception appointments", 2)
    save_record(
        day, teller.county_leader, "来访群众反映临街商铺噪声扰民问题，住建局现场说明了调查进展。",
        "住建局会同属地镇政府五个工作日内完成整治，并将结果书面答复来访人。",
    )  # fmt: skip
    teller.count("reception records")
    teller.count("case notes")


def tell_story(seed: int, cast: Cast) -> dict[str, int]:
    teller = Teller(random.Random(f"{seed}:complaints story"), cast)
    if teller.zj is None:
        return {}
    with transaction.atomic():
        made = cases(teller)
        callback(teller, made[9])
        backlog(teller)
        reception(teller, made[2], made[1])
    return teller.counts
