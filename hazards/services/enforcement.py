"""Enforcement documents a regulator issues to a premises, and the premises status they set.

A document is drafted (provisional number "DRAFT-<id>"), then issued: numbered gap-free per
kind and year ("〔2026〕责改 第17号"), stamped with who issued it and when, checked against the
rules of its kind; some are later lifted, a draft may be cancelled. Issuing or lifting a
suspension or sealing recomputes the premises' status, which every page and the API show.

Sources: Work Safety Law 2021 Arts 65 (on-site measures), 70 (power cut after a refused
suspension, 24 h written notice), 102 (fines for hazards not removed), 113 (closure request);
Administrative Penalty Law 2021 Arts 44–45 (telling the party, statement and defence), 60
(cases decided within 90 days), 63–64 (hearings before heavy penalties).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import record_change, snapshot
from core.choices import PremisesStatus
from core.models import Premises, User, next_number
from core.scoping import get_restricted
from core.services import save_in_scope
from hazards.choices import (
    OPEN_HAZARD_STATES,
    PENALTY_KINDS,
    POWER_CUT_CLOCK,
    EnforcementKind,
    EnforcementState,
    HazardGrade,
    ListingState,
)
from hazards.models import EnforcementAction, Hazard, HazardListing
from workflow.calendar import local_date, local_zone
from workflow.clocks import start_clock
from workflow.engine import check_inputs, fire
from workflow.errors import InvalidState, PreconditionFailed, VersionConflict
from workflow.machine import Files

K = EnforcementKind
# Work Safety Law Art. 70: the unit is told in writing 24 hours before the power is cut.
POWER_CUT_NOTICE = dt.timedelta(hours=24)
# Work Safety Law Art. 65(1)(3) with Art. 70: a temporary suspension generally lasts no more
# than six months (DESIGN.md §5).
SUSPENSION_MONTHS = 6
# Work Safety Law Art. 113(1): a major hazard and 3 penalties in 180 days or 4 in one year.
CLOSURE_PENALTIES_180_DAYS = 3
CLOSURE_PENALTIES_ONE_YEAR = 4
# Administrative Penalty Law Art. 63: "较大数额" fines need a hearing notice. The amount is set
# by each province; 50,000 yuan for a unit is the common default in work-safety enforcement.
LARGE_FINE = Decimal("50000")
# Administrative Penalty Law Art. 60: a penalty case is decided within 90 days of filing, so a
# hearing notice older than that belongs to an earlier case.
HEARING_NOTICE_VALID_DAYS = 90
HEARING_BEFORE = frozenset(
    {K.SUSPENSION, K.PENALTY_SUSPENSION, K.LICENCE_REVOCATION, K.CLOSURE_REQUEST}
)
# Administrative Penalty Law Art. 63(1): a large fine or a large confiscation needs a hearing.
AMOUNT_KINDS = frozenset({K.FINE, K.CONFISCATION})
# Orders with a lasting effect can be lifted; fines, closure requests and hearing notices are
# one-off documents that stay issued.
LIFTABLE_KINDS = frozenset(
    {
        K.RECTIFICATION_ORDER,
        K.IMMEDIATE_REMOVAL,
        K.SUSPENSION,
        K.PENALTY_SUSPENSION,
        K.SEALING,
        K.POWER_CUT_NOTICE,
    }
)
# Production stops under the on-site measure (Art. 65) and under the penalty (Art. 102) alike.
SUSPENDING_KINDS = frozenset({K.SUSPENSION, K.PENALTY_SUSPENSION})

# The word of the document number per kind: "〔2026〕责改 第17号".
NUMBER_PREFIXES: dict[str, str] = {
    K.RECTIFICATION_ORDER: "责改",
    K.IMMEDIATE_REMOVAL: "撤离",
    K.SUSPENSION: "停产",
    K.SEALING: "查封",
    K.POWER_CUT_NOTICE: "停电",
    K.WARNING: "警告",
    K.FINE: "罚",
    K.CONFISCATION: "没收",
    K.PENALTY_SUSPENSION: "停整",
    K.LICENCE_REVOCATION: "吊证",
    K.CLOSURE_REQUEST: "关闭",
    K.HEARING_NOTICE: "听证",
}

# The legal basis a new draft starts with: our own summary of the clause, naming it. These are
# the text of a Chinese official document, so they are written in Chinese, not translated.
DEFAULT_LEGAL_BASIS: dict[str, str] = {
    K.RECTIFICATION_ORDER: (
        "《中华人民共和国安全生产法》第六十五条第一款第（二）项、第（三）项：监督检查中发现的"
        "安全生产违法行为应当当场纠正或者限期改正，发现的事故隐患应当立即排除或者限期排除。"
    ),
    K.IMMEDIATE_REMOVAL: (
        "《中华人民共和国安全生产法》第六十五条第一款第（三）项：重大事故隐患排除前或者排除过程中"
        "无法保证安全的，应当从危险区域内撤出作业人员，并立即排除隐患。"
    ),
    K.SUSPENSION: (
        "《中华人民共和国安全生产法》第六十五条第一款第（三）项、第七十条：重大事故隐患排除前或者"
        "排除过程中无法保证安全的，责令暂时停产停业或者停止使用相关设施、设备；"
        "停产停业期限一般不超过六个月，隐患排除并经审查同意后方可恢复生产经营。"
    ),
    K.SEALING: (
        "《中华人民共和国安全生产法》第六十五条第一款第（四）项：对有根据认为不符合保障安全生产的"
        "国家标准或者行业标准的设施、设备、器材，以及违法生产、储存、使用、经营、运输的危险物品，"
        "予以查封或者扣押。"
    ),
    K.POWER_CUT_NOTICE: (
        "《中华人民共和国安全生产法》第七十条：生产经营单位拒不执行停产停业决定，有发生生产安全事故"
        "的现实危险的，在保证安全的前提下，经本部门主要负责人批准，可以通知有关单位停止供电，"
        "并应当提前二十四小时以书面方式通知生产经营单位。"
    ),
    K.FINE: (
        "《中华人民共和国安全生产法》第一百零二条：未采取措施消除事故隐患的，责令立即消除或者"
        "限期消除，并处罚款；《中华人民共和国行政处罚法》第四十四条、第四十五条：作出处罚决定前"
        "已告知拟处罚的事实、理由、依据及陈述、申辩的权利。"
    ),
    K.WARNING: (
        "《中华人民共和国行政处罚法》第九条第（一）项：警告；《中华人民共和国安全生产法》"
        "第九十七条：生产经营单位有下列行为之一的，责令限期改正，处以罚款。"
    ),
    K.CONFISCATION: (
        "《中华人民共和国行政处罚法》第九条第（二）项：没收违法所得、没收非法财物；"
        "《中华人民共和国安全生产法》第九十九条、第一百条：没收违法所得。"
    ),
    K.PENALTY_SUSPENSION: (
        "《中华人民共和国安全生产法》第一百零二条：拒不执行的，责令停产停业整顿；"
        "《中华人民共和国行政处罚法》第九条第（四）项：责令停产停业。"
    ),
    K.LICENCE_REVOCATION: (
        "《中华人民共和国行政处罚法》第九条第（三）项：暂扣许可证件、吊销许可证件；"
        "《中华人民共和国安全生产法》第一百一十三条：吊销其有关证照。"
    ),
    K.CLOSURE_REQUEST: (
        "《中华人民共和国安全生产法》第一百一十三条第（一）项：存在重大事故隐患，一百八十日内三次"
        "或者一年内四次受到本法规定的行政处罚的，负有安全生产监督管理职责的部门应当提请地方人民"
        "政府予以关闭。"
    ),
    K.HEARING_NOTICE: (
        "《中华人民共和国行政处罚法》第六十三条、第六十四条：拟作出较大数额罚款、责令停产停业、"
        "责令关闭等行政处罚的，当事人有权要求听证；要求听证的，应当在被告知后五日内提出。"
    ),
}


class EnforcementRefused(PreconditionFailed):
    """A rule of the kind of document is not met; `code` says which (API: 400 with the code)."""

    def __init__(self, code: str, message: Any, **details: Any) -> None:
        super().__init__(message, **details)
        self.code = code


# Drafting


def default_legal_basis(kind: str) -> str:
    return DEFAULT_LEGAL_BASIS.get(kind, "")


def _check_may_draft(user: User, premises: Premises, hazard: Hazard | None) -> None:
    if not user.has_perm("hazards.add_enforcementaction"):
        raise PermissionDenied(_("You may not draft enforcement documents."))
    get_restricted(Premises, user, "view", premises.pk)
    if hazard is not None:
        get_restricted(Hazard, user, "view", hazard.pk)
    if hazard is not None and hazard.premises_id != premises.pk:
        raise ValidationError(_("The hazard is at another premises."), code="hazard_elsewhere")


def _clean_amount(amount: Any) -> Decimal | None:
    if amount in (None, ""):
        return None
    try:
        value = Decimal(str(amount))
    except InvalidOperation as error:
        raise ValidationError(_("Give the amount as a number."), code="bad_amount") from error
    if not value.is_finite() or value <= 0:
        raise ValidationError(_("The amount must be more than zero."), code="bad_amount")
    return value.quantize(Decimal("0.01"))


def draft_action(
    *,
    user: User,
    premises: Premises,
    kind: str,
    facts: str,
    legal_basis: str = "",
    requirements: str = "",
    hazard: Hazard | None = None,
    deadline: dt.datetime | None = None,
    effective_until: dt.date | None = None,
    amount: Any = None,
) -> EnforcementAction:
    """A new draft with the provisional number "DRAFT-<id>"; nothing is in force until issued.

    Raises PermissionDenied (premises outside the scope, no permission) or ValidationError;
    in either case nothing is written.
    """
    if kind not in K.values:
        raise ValidationError(_("Unknown kind of enforcement document."), code="bad_kind")
    _check_may_draft(user, premises, hazard)
    action = EnforcementAction(
        premises=premises,
        kind=kind,
        hazard=hazard,
        facts=facts.strip(),
        legal_basis=legal_basis.strip() or default_legal_basis(kind),
        requirements=requirements.strip(),
        deadline=deadline,
        effective_until=effective_until,
        amount=_clean_amount(amount),
        state=EnforcementState.DRAFT,
        created_by=user,
        number=f"DRAFT-{timezone.now():%Y%m%d%H%M%S%f}-{user.pk}",
    )
    action.take_place_from_premises()

    def save() -> EnforcementAction:
        action.save()
        action.number = f"DRAFT-{action.pk}"  # unique: the id is
        EnforcementAction.objects.filter(pk=action.pk).update(number=action.number)
        return action

    return save_in_scope(user, action, save)


# The rules of issuing, one function per rule; each returns (code, message) when broken.

Problem = tuple[str, str]


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later; the month's last day when it is shorter (Civil Code
    Art. 201: a period in months ends on the corresponding day)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("every month has 28 days")


def _required_text(action: EnforcementAction) -> Problem | None:
    if not action.facts.strip():
        return "facts_required", _("State the facts found before issuing.")
    if not action.legal_basis.strip():
        return "legal_basis_required", _("Cite the legal basis before issuing.")
    return None


def _fine_amount(action: EnforcementAction) -> Problem | None:
    # Work Safety Law Art. 102: the decision states the amount of the fine.
    if action.kind in AMOUNT_KINDS and (action.amount is None or action.amount <= 0):
        return "amount_required", _("A fine or confiscation needs an amount of more than zero.")
    return None


def _deadline_set(action: EnforcementAction) -> Problem | None:
    # Work Safety Law Art. 65(1)(2)–(3): a rectification order names the date to rectify by.
    if action.kind == K.RECTIFICATION_ORDER and action.deadline is None:
        return "deadline_required", _("An order to rectify needs a deadline.")
    return None


def _suspension_term(action: EnforcementAction, today: dt.date) -> Problem | None:
    # Work Safety Law Arts 65 and 70 (DESIGN.md §5): temporary suspension, generally no longer
    # than six months from the day it is issued.
    if action.kind != K.SUSPENSION:
        return None
    if action.effective_until is None:
        return "term_required", _("A suspension needs the date it lasts until.")
    latest = add_months(today, SUSPENSION_MONTHS)
    if not today < action.effective_until <= latest:
        return "term_too_long", _(
            "A suspension lasts from today until at most %(latest)s (six months)."
        ) % {"latest": latest.isoformat()}
    return None


def refused_suspension(premises_id: int) -> EnforcementAction | None:
    """The suspension in force at the premises, the one a power cut enforces."""
    return (
        EnforcementAction.objects.filter(
            premises_id=premises_id, kind=K.SUSPENSION, state=EnforcementState.ISSUED
        )
        .order_by("-issued_at")
        .first()
    )


def _power_cut_after_suspension(action: EnforcementAction) -> Problem | None:
    # Work Safety Law Art. 70: power is cut only when the unit refuses to carry out a decision
    # to suspend, so a suspension order must be in force there (the facts say how it was
    # refused).
    if action.kind == K.POWER_CUT_NOTICE and refused_suspension(action.premises_id) is None:
        return "suspension_required", _(
            "A power cut notice follows only a suspension order in force at this premises "
            "that the unit refuses to carry out."
        )
    return None


def _hearing_first(action: EnforcementAction, now: dt.datetime) -> Problem | None:
    # Administrative Penalty Law Arts 63–64: before suspending, closing or fining heavily the
    # party is told of its right to a hearing; the notice must belong to this case (Art. 60).
    heavy = action.kind in HEARING_BEFORE or (
        action.kind in AMOUNT_KINDS and action.amount is not None and action.amount >= LARGE_FINE
    )
    if not heavy:
        return None
    since = now - dt.timedelta(days=HEARING_NOTICE_VALID_DAYS)
    notified = EnforcementAction.objects.filter(
        premises_id=action.premises_id,
        kind=K.HEARING_NOTICE,
        state=EnforcementState.ISSUED,
        issued_at__gte=since,
        issued_at__lte=now,
    ).exists()
    if notified:
        return None
    return "hearing_notice_required", _(
        "Issue a hearing notice to the unit first (Administrative Penalty Law Art. 63)."
    )


def _closure_grounds(action: EnforcementAction, today: dt.date) -> Problem | None:
    if action.kind != K.CLOSURE_REQUEST:
        return None
    premises = action.premises
    if not has_major_hazard(premises):
        return "major_hazard_required", _(
            "A closure request needs a major hazard open at the premises (Art. 113)."
        )
    count = penalty_counter(premises, today)
    if not count.closure_reached:
        return "penalty_counter_not_reached", _(
            "Administrative penalties in the last 180 days: %(days)s / 3; "
            "in the last year: %(year)s / 4. "
            "A closure request needs 3 or 4 (Work Safety Law Art. 113)."
        ) % {"days": count.in_180_days, "year": count.in_one_year}
    return None


def issue_problems(action: EnforcementAction, now: dt.datetime | None = None) -> list[Problem]:
    """Every rule the draft does not meet yet (empty: it may be issued)."""
    now = now or timezone.now()
    today = local_date(now)
    checks = (
        _required_text(action),
        _fine_amount(action),
        _deadline_set(action),
        _suspension_term(action, today),
        _power_cut_after_suspension(action),
        _closure_grounds(action, today),
        _hearing_first(action, now),
    )
    return [problem for problem in checks if problem is not None]


def issue_rules_met(action: EnforcementAction, user: User, data: dict[str, Any]) -> str | None:
    """The machine's condition on issuing (the service checks the same rules first)."""
    problems = issue_problems(action)
    return problems[0][1] if problems else None


# Issuing, lifting, cancelling


def document_number(kind: str, year: int) -> str:
    """ "〔2026〕责改 第17号": gap-free per kind and year, so call it inside the transaction that
    issues the document (a failed issue rolls the sequence back too)."""
    prefix = NUMBER_PREFIXES[kind]
    return f"〔{year}〕{prefix} 第{next_number(prefix, year)}号"


def _check_may_change(user: User) -> None:
    if not user.has_perm("hazards.change_enforcementaction"):
        raise PermissionDenied(_("You may not issue or lift enforcement documents."))


def issue_action(user: User, action: EnforcementAction, expected_version: Any = None) -> Any:
    """Issue a draft: check its rules, number it, stamp it, start the power-cut clock, and
    set the premises' status. Raises a WorkflowError (EnforcementRefused with a code when a
    rule of its kind is not met); then nothing is written and no number is used."""
    _check_may_change(user)
    with transaction.atomic():
        now = timezone.now()
        problems = issue_problems(action, now)
        if problems:
            code, message = problems[0]
            raise EnforcementRefused(code, message)
        data: dict[str, Any] = {
            "number": document_number(action.kind, local_date(now).year),
            "issued_at": now,
        }
        if action.kind == K.POWER_CUT_NOTICE:
            # Work Safety Law Art. 70: the power may be cut 24 hours after the written notice.
            data["deadline"] = now + POWER_CUT_NOTICE
        issued = fire("issue", action, user, data, expected_version)
        if issued.kind == K.POWER_CUT_NOTICE:
            # The 24-hour notice runs on the clock table, so the deadline shows and escalates.
            start_clock(issued, POWER_CUT_CLOCK, at=issued.issued_at, region=issued.region)
        premises_status_from_orders(issued.premises)
    return issued


def lift_action(
    user: User, action: EnforcementAction, reason: str, expected_version: Any = None
) -> Any:
    """Lift an order in force (the hazard is removed, the review passed); the premises'
    status follows."""
    _check_may_change(user)
    with transaction.atomic():
        lifted = fire("lift", action, user, {"lift_reason": reason.strip()}, expected_version)
        premises_status_from_orders(lifted.premises)
    return lifted


def cancel_action(user: User, action: EnforcementAction, expected_version: Any = None) -> Any:
    """Withdraw a draft; it never had a number and never took effect."""
    _check_may_change(user)
    return fire("cancel", action, user, {}, expected_version)


def transition_action(
    name: str,
    action: EnforcementAction,
    user: User,
    data: dict[str, Any],
    expected_version: Any,
    files: Files,
) -> Any:
    """The enforcement machine's door: issuing numbers and stamps the document itself (nothing
    is posted with it), lifting takes its `lift_reason`, a draft is cancelled as it is."""
    if name == "lift":
        check_inputs(data, ("lift_reason",))
        return lift_action(user, action, str(data.get("lift_reason", "")), expected_version)
    check_inputs(data, ())
    if name == "issue":
        return issue_action(user, action, expected_version)
    return cancel_action(user, action, expected_version)


# The premises' status and the penalty counter


def has_major_hazard(premises: Premises) -> bool:
    return Hazard.objects.filter(
        premises=premises, grade=HazardGrade.MAJOR, state__in=OPEN_HAZARD_STATES
    ).exists()


def _start_of_day(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=local_zone())


def one_year_window_start(day: dt.date) -> dt.date:
    """The first day d whose one-year period still reaches `day`.

    Civil Code Art. 202: a period in years ends on the corresponding date of the last year, and
    where that year has no such date (29 February), on the last day of the month: a penalty of
    2024-02-29 counts until 2025-02-28. So on 29 February the window starts on 1 March of the
    year before (a penalty of 28 February then ended its year the day before).
    """
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return dt.date(day.year - 1, 3, 1)


@dataclass(frozen=True)
class PenaltyCount:
    """Administrative penalties issued to a premises, as Work Safety Law Art. 113(1) counts them."""

    in_180_days: int
    in_one_year: int
    needed_180_days: int = CLOSURE_PENALTIES_180_DAYS
    needed_one_year: int = CLOSURE_PENALTIES_ONE_YEAR

    @property
    def closure_reached(self) -> bool:
        # "三次" / "四次": three or more, four or more (DESIGN.md §4: "N or more" includes N).
        return self.in_180_days >= self.needed_180_days or self.in_one_year >= self.needed_one_year


def penalty_counter(
    premises: Premises, on: dt.date | None = None, *, documents: QuerySet | None = None
) -> PenaltyCount:
    """Issued administrative penalties (`PENALTY_KINDS`) within 180 days and within one year of
    `on` (today by default).

    Periods are counted as DESIGN.md §4 says (Civil Code Arts 200–204): from a fine issued on
    day d, the 180 days run from d+1 to d+180, so a fine counts while `on` ≤ d + 180, i.e. the
    boundary day is inside; one year runs to the same date a year later, also inside
    (`one_year_window_start`). `documents` narrows the documents read (a page passes the
    viewer's restricted queryset).
    """
    on = on or local_date(timezone.now())
    documents = EnforcementAction.objects.all() if documents is None else documents
    penalties = documents.filter(
        premises=premises, kind__in=PENALTY_KINDS, state=EnforcementState.ISSUED
    )
    until = _start_of_day(on + dt.timedelta(days=1))
    in_days = penalties.filter(
        issued_at__gte=_start_of_day(on - dt.timedelta(days=180)), issued_at__lt=until
    ).count()
    in_year = penalties.filter(
        issued_at__gte=_start_of_day(one_year_window_start(on)), issued_at__lt=until
    ).count()
    return PenaltyCount(in_days, in_year)


def status_from_orders(premises: Premises) -> str:
    """The status the orders and listings in force give the premises; the most severe wins
    (closed > sealed > suspended > operating).

    - an issued sealing (Art. 65(1)(4)) → sealed;
    - an issued suspension (Arts 65, 70) or suspension for rectification (Art. 102), or a live
      supervision listing of a major hazard
      (SAWS Order 16 Art. 15: production stops while a listed major hazard is governed)
      → suspended;
    - closed is never derived from orders: an issued closure request only asks the local
      government to close the unit (Art. 113); the government's decision is recorded on the
      premises itself, and a closed premises stays closed whatever its orders say.
    """
    if premises.status == PremisesStatus.CLOSED:
        return PremisesStatus.CLOSED
    in_force = set(
        EnforcementAction.objects.filter(
            premises=premises,
            state=EnforcementState.ISSUED,
            kind__in=(K.SEALING, *SUSPENDING_KINDS),
        ).values_list("kind", flat=True)
    )
    if K.SEALING in in_force:
        return PremisesStatus.SEALED
    listed = (
        HazardListing.objects.filter(hazard__premises=premises, hazard__grade=HazardGrade.MAJOR)
        .exclude(state=ListingState.DELISTED)
        .exists()
    )
    if in_force & SUSPENDING_KINDS or listed:
        return PremisesStatus.SUSPENDED
    return PremisesStatus.OPERATING


def premises_status_from_orders(premises: Premises) -> None:
    """Set Premises.status from the orders and listings in force, with an audit entry when it
    changes. Called on issue and lift, and by the listings after listing and de-listing."""
    with transaction.atomic():
        stored = Premises.objects.select_for_update().get(pk=premises.pk)
        status = status_from_orders(stored)
        if status != stored.status:
            before = snapshot(stored)
            stored.status = status
            stored.save(update_fields=["status", "updated"])
            record_change(stored, before)
        premises.status = status


# Editing a draft

DRAFT_FIELDS = (
    "hazard",
    "facts",
    "legal_basis",
    "requirements",
    "deadline",
    "effective_until",
    "amount",
)


def update_draft(
    user: User, action: EnforcementAction, data: dict[str, Any], expected_version: Any
) -> Any:
    """Change a draft's text and terms (an issued document is never edited, only lifted).
    Compare-and-set on the version: a stale form or API call is a VersionConflict (409)."""
    if not user.has_perm("hazards.change_enforcementaction"):
        raise PermissionDenied(_("You may not edit enforcement documents."))
    changes = {name: value for name, value in data.items() if name in DRAFT_FIELDS}
    for text in ("facts", "legal_basis", "requirements"):
        if text in changes:
            changes[text] = (changes[text] or "").strip()
    if "legal_basis" in changes and not changes["legal_basis"]:
        changes["legal_basis"] = default_legal_basis(action.kind)
    if "amount" in changes:
        changes["amount"] = _clean_amount(changes["amount"])
    hazard = changes.get("hazard")
    if hazard is not None and getattr(hazard, "premises_id", None) != action.premises_id:
        raise ValidationError(_("The hazard is at another premises."), code="hazard_elsewhere")
    with transaction.atomic():
        rows = EnforcementAction.objects.restrict(user, "change").filter(pk=action.pk)
        stored = rows.select_for_update().first()
        if stored is None:
            raise PermissionDenied(_("The document is outside your scope."))
        if stored.state != EnforcementState.DRAFT:
            raise InvalidState(_("Only a draft can be edited; an issued document is lifted."))
        if stored.version != int(expected_version):
            raise VersionConflict(current_version=stored.version)
        before = snapshot(stored)
        for name, value in changes.items():
            setattr(stored, name, value)
        stored.version += 1
        stored.save(update_fields=[*changes, "version"])
        record_change(stored, before)
    return stored
