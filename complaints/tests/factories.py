"""A small complaint world for tests: the shared `World` plus the units and people of §1.

    cw = complaint_world(world)
    complaint = file_complaint(cw).complaint                     # received, at township A
    complaint = advance(complaint, cw, ComplaintState.HANDLING)      # routed to cw.unit, accepted

`advance` moves a complaint with the real transitions (fire), writing an approved opinion row
directly where a step needs one, so tests of later steps start from a true state.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from complaints.choices import Channel, ComplaintState, DocumentKind, DocumentState
from complaints.models import CaseDocument, Category, Complaint
from complaints.services.intake import (
    ComplainantData,
    Intake,
    Receipt,
    RespondentData,
    register_complaint,
)
from core.models import Department, Region, User
from testing.world import World, make_user
from workflow.engine import fire, perform

PERSONAS = ("clerk", "clerk_b", "handler", "leader", "respondent", "supervisor", "leader_gov")


@dataclass
class ComplaintWorld:
    world: World
    desk: Department  # the letters-and-visits bureau
    unit: Department  # a handling unit
    other_unit: Department  # an assisting unit
    respondent_unit: Department  # the unit complained about
    users: dict[str, User]
    government: Department  # the county government: superior organ of the county's units
    city_government: Department  # the city government: superior of the county government

    def user(self, persona: str) -> User:
        return self.users.get(persona) or self.world.user(persona)


def complaint_world(world: World) -> ComplaintWorld:
    county = world.county
    city = Region.objects.get(children=county)
    city_government = Department.objects.create(code="T-SZF", name="测试市人民政府", region=city)
    government = Department.objects.create(
        code="T-ZF", name="测试县人民政府", region=county, superior=city_government
    )

    def unit_of_county(code: str, name: str) -> Department:
        return Department.objects.create(code=code, name=name, region=county, superior=government)

    desk = unit_of_county("T-XFJ", "测试县信访局")
    unit = unit_of_county("T-ZJ", "测试县住建局")
    other = unit_of_county("T-SW", "测试县水务局")
    respondent = unit_of_county("T-CG", "测试县城管局")
    users = {
        "clerk": make_user("clerk", "complaint_clerk", regions=[county], departments=[desk]),
        "clerk_b": make_user("clerk_b", "complaint_clerk", regions=[world.township_b]),
        "handler": make_user("handler", "handling_staff", departments=[unit]),
        "leader": make_user("leader", "unit_leader", departments=[unit]),
        # the head of the desk: approves the desk's notices (four eyes over the clerk)
        "desk_leader": make_user(
            "desk_leader", "unit_leader", regions=[county], departments=[desk]
        ),
        "assistant": make_user("assistant", "handling_staff", departments=[other]),
        "respondent": make_user("cg_staff", "handling_staff", departments=[respondent]),
        "supervisor": make_user("supervisor", "supervisor", regions=[county]),
        "leader_gov": make_user("county_leader", "government_leader", regions=[county]),
        "reviewer": make_user("zf_staff", "handling_staff", departments=[government]),
        "review_leader": make_user("zf_leader", "unit_leader", departments=[government]),
        "city_reviewer": make_user("szf_staff", "handling_staff", departments=[city_government]),
        "city_leader": make_user("szf_leader", "unit_leader", departments=[city_government]),
    }
    return ComplaintWorld(world, desk, unit, other, respondent, users, government, city_government)


def file_complaint(cw: ComplaintWorld, **overrides: Any) -> Receipt:
    """A letter about night-time noise at township A naming the respondent unit."""
    values: dict[str, Any] = {
        "channel": Channel.LETTER,
        "category": Category.objects.get(code="CITY-NOISE"),
        "region": cw.world.grid_a,
        "title": "夜间施工噪声",
        "summary": "工地夜间施工，噪声扰民。",
        "original_text": "我是张三，住某路1号，工地每晚施工到凌晨。",
        "complainants": [ComplainantData(name="张三", phone="13800000000", address="某路1号")],
        "respondents": [RespondentData(department=cw.respondent_unit)],
        "answers": {"when": "night"},
        "received_at": timezone.now(),
    }
    values.update(overrides)
    return register_complaint(Intake(**values), cw.user("clerk"))


# Who drafts and who approves each opinion: the unit that handled the matter, then its superior
# organ for the review and that organ's superior for the re-review (Arts 35-36).
AUTHORS: dict[str, tuple[str, str]] = {
    DocumentKind.OPINION: ("handler", "leader"),
    DocumentKind.REVIEW_OPINION: ("reviewer", "review_leader"),
    DocumentKind.REREVIEW_OPINION: ("city_reviewer", "city_leader"),
}


def authors(cw: ComplaintWorld, kind: str) -> tuple[User, User]:
    drafter, approver = AUTHORS[kind]
    return cw.user(drafter), cw.user(approver)


def approved_opinion(complaint: Complaint, cw: ComplaintWorld, kind: str) -> CaseDocument:
    return CaseDocument.objects.create(
        complaint=complaint, kind=kind, state=DocumentState.APPROVED, request="请求",
        facts_and_reasons="事实和理由", decision="处理意见",
        legal_basis="《信访工作条例》第三十四条",
        outcome="explained", drafted_by=cw.user("handler"), approved_by=cw.user("leader"),
        approved_at=timezone.now(),
    )  # fmt: skip


def _now() -> dt.datetime:
    return timezone.now()


STEPS: tuple[tuple[str, str, Any], ...] = (
    # (state reached, transition, data(complaint, cw))
    (ComplaintState.ASSIGNED, "route", lambda c, cw: {"department": cw.unit}),
    (ComplaintState.HANDLING, "accept", lambda c, cw: {"handler": cw.user("handler")}),
    (ComplaintState.REPLIED, "deliver_opinion",
     lambda c, cw: {"opinion_delivered_at": _now(), "outcome": "explained"}),
    (ComplaintState.REVIEWING, "request_review", lambda c, cw: {"review_requested_at": _now()}),
    (ComplaintState.REVIEWED, "deliver_review_opinion",
     lambda c, cw: {"review_delivered_at": _now(), "outcome": "explained"}),
    (ComplaintState.REREVIEWING, "request_rereview",
     lambda c, cw: {"rereview_requested_at": _now()}),
    (ComplaintState.CONCLUDED, "deliver_rereview_opinion",
     lambda c, cw: {"concluded_at": _now(), "outcome": "explained",
                    "concluded_after_rereview": True}),
)  # fmt: skip
ACTOR = {"route": "clerk", "accept": "handler", "request_review": "clerk",
         "request_rereview": "clerk"}  # fmt: skip
OPINION_BEFORE = {"deliver_opinion": DocumentKind.OPINION,
                  "deliver_review_opinion": DocumentKind.REVIEW_OPINION,
                  "deliver_rereview_opinion": DocumentKind.REREVIEW_OPINION}  # fmt: skip


def advance(complaint: Complaint, cw: ComplaintWorld, target: str) -> Complaint:
    """Fire the transitions from a received complaint up to `target` (along the main path)."""
    for reached, transition, data in STEPS:
        if complaint.state == target:
            break
        if transition in OPINION_BEFORE:
            approved_opinion(complaint, cw, OPINION_BEFORE[transition])
        actor = cw.user(ACTOR.get(transition, "handler"))
        complaint = fire(transition, complaint, actor, data(complaint, cw))
        assert complaint.state == reached
    return complaint


# What the desk writes for publication: the matter in general terms, nobody named.
PUBLIC_SUMMARY = "某工地夜间施工噪声扰民，已交住建部门办理。"


def publish(complaint: Complaint, cw: ComplaintWorld, text: str = PUBLIC_SUMMARY) -> Complaint:
    """The desk writes the public summary through the one door of every step."""
    return perform("publish", complaint, cw.user("clerk"), {"public_summary": text})
