"""Intake: the one way a complaint comes into being, whatever the channel (desk, portal,
Open311). The matter, the protected identity and the original material are stored apart,
the complaint gets its number, receipt code and query password, and the statutory clocks start
from receipt (Letters and Visits Regulations 2022, Arts 22–23).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.choices import (
    RECEIPT_NOTICE,
    REGISTER_ROUTE,
    ComplaintState,
    HotlineLimit,
    RespondentKind,
)
from complaints.machines.complaints import desk_clerks
from complaints.models import (
    Category,
    CategoryAttribute,
    Complainant,
    Complaint,
    ComplaintAttributeValue,
    ComplaintOriginal,
    Open311Client,
    Respondent,
)
from complaints.services.channels import channel_account
from core.attachments import store_attachment
from core.audit import deferred_audit, record_change
from core.models import Department, Premises, Region, User, next_number
from core.observers import observed
from core.scoping import scope_of
from core.validators import validate_not_future
from workflow.calendar import local_date
from workflow.choices import EscalationLevel
from workflow.clocks import start_clock
from workflow.notifications import notify
from workflow.rules import NoRule

NUMBER_PREFIX = "XF"  # 信访
# Letters and Visits Regulations 2022, Art. 18: a joint visit sends at most 5 representatives.
MAX_REPRESENTATIVES = 5
# Unambiguous characters: a receipt code is read out over the phone and typed on a phone.
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
RECEIPT_CODE_LENGTH = 10
PASSWORD_LENGTH = 8
# Attachment kind of the complainant's own material (protected with ComplaintOriginal).
ORIGINAL_KIND = "original"


@dataclass
class ComplainantData:
    name: str = ""
    id_number: str = ""
    phone: str = ""
    address: str = ""
    email: str = ""
    is_representative: bool = False

    @property
    def reachable_in_writing(self) -> bool:
        return bool(self.name.strip() and (self.address.strip() or self.email.strip()))


@dataclass
class RespondentData:
    department: Department | None = None
    premises: Premises | None = None
    user: User | None = None

    @property
    def kind(self) -> str:
        if self.user is not None:
            return RespondentKind.PERSON
        return RespondentKind.UNIT if self.department is not None else RespondentKind.PREMISES


@dataclass
class Intake:
    channel: str
    category: Category
    region: Region
    title: str
    original_text: str = ""
    summary: str = ""
    address: str = ""
    lat: Decimal | None = None
    long: Decimal | None = None
    received_at: dt.datetime | None = None
    complainants: list[ComplainantData] = field(default_factory=list)
    respondents: list[RespondentData] = field(default_factory=list)
    premises: Premises | None = None
    # Category question code → answer; a list for a question with several answers.
    answers: dict[str, str | list[str]] = field(default_factory=dict)
    visitor_count: int = 1
    open311_client: Open311Client | None = None
    service_request_token: Any = None
    # Uploaded files of the complainant's material: stored as attachments of kind "original"
    # on the complaint's ComplaintOriginal, so they are protected like the letter itself.
    attachments: list[Any] = field(default_factory=list)
    # Art. 36 override: a matter concluded after re-review is accepted again only when a user
    # holding complaints.override_rereview gives this reason (services.duplicates).
    override_reason: str = ""


@dataclass(frozen=True)
class Receipt:
    """What the complainant takes away; the password is shown this once and never stored."""

    complaint: Complaint
    receipt_code: str
    query_password: str


def identity_digest(value: str) -> str:
    """A keyed digest of a phone or ID number: equal inputs match, nobody can read it back."""
    normalized = "".join(ch for ch in value.upper() if ch.isalnum())
    if not normalized:
        return ""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, normalized.encode(), hashlib.sha256).hexdigest()


def password_digest(receipt_code: str, password: str) -> str:
    # Keyed and per-complaint: a copy of the table alone cannot be searched for passwords, and a
    # check costs microseconds (intake and tracking run at hundreds of requests a second).
    message = f"{receipt_code}:{password}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def password_matches(complaint: Complaint, password: str) -> bool:
    return hmac.compare_digest(
        complaint.query_password, password_digest(complaint.receipt_code, password)
    )


def _random(length: int) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def complaint_number(year: int) -> str:
    """ "XF-2026-000123": gap-free per year (call inside the transaction that saves it)."""
    return f"{NUMBER_PREFIX}-{year}-{next_number(NUMBER_PREFIX, year):06d}"


def category_questions(category: Category) -> dict[str, CategoryAttribute]:
    return {question.code: question for question in category.attributes.all()}


def validate_intake(intake: Intake, questions: dict[str, CategoryAttribute] | None = None) -> None:
    questions = category_questions(intake.category) if questions is None else questions
    errors: dict[str, list[str]] = {}
    if not intake.title.strip():
        errors["title"] = [_("Say what the matter is.")]
    representatives = sum(1 for c in intake.complainants if c.is_representative)
    if representatives > MAX_REPRESENTATIVES:
        errors["complainants"] = [
            _("A joint visit sends at most %(limit)s representatives.")
            % {"limit": MAX_REPRESENTATIVES}
        ]
    missing = [
        a.description
        for a in questions.values()
        if a.required and not _values(intake.answers.get(a.code, ""))
    ]
    too_long = [
        code for code, value in intake.answers.items() if any(len(v) > 500 for v in _values(value))
    ]
    if too_long:
        errors.setdefault("answers", []).append(
            _("Answers are at most 500 characters: %(codes)s") % {"codes": ", ".join(too_long)}
        )
    if missing:
        errors.setdefault("answers", []).append(
            _("Please answer: %(questions)s") % {"questions": "; ".join(missing)}
        )
    if errors:
        raise ValidationError(errors)


def _values(answer: str | list[str] | Any) -> list[str]:
    """An answer's non-empty values (a list answers a question with several choices)."""
    values = answer if isinstance(answer, (list, tuple)) else [answer]
    return [str(v).strip() for v in values if str(v).strip()]


def check_region_in_scope(intake: Intake, user: User | None) -> None:
    """A desk registers matters of its own area only (a public channel has no area)."""
    if user is None:
        return
    scope = scope_of(user)
    if not scope.unlimited and intake.region.pk not in scope.region_ids:
        raise ValidationError(
            {"region": [_("%(region)s is outside your area.") % {"region": intake.region}]},
            code="region_out_of_scope",
        )


@transaction.atomic
def register_complaint(intake: Intake, user: User | None) -> Receipt:
    """Store a new complaint from `intake`, registered by `user` (None for a public channel).

    Refused (ValidationError, nothing stored) for bad input, a region outside the user's
    area, and a matter already concluded after re-review (Art. 36) unless overridden.
    """
    # complaints.services.duplicates imports this module (identity digests, original files).
    from complaints.services.duplicates import check_not_concluded

    questions = category_questions(intake.category)
    validate_intake(intake, questions)
    check_region_in_scope(intake, user)
    earlier = check_not_concluded(intake, user, intake.override_reason)
    received = intake.received_at or timezone.now()
    validate_not_future(received, "received_at")
    code, password = _random(RECEIPT_CODE_LENGTH), _random(PASSWORD_LENGTH)
    complaint = Complaint(
        number=f"~{code}",  # the real number is taken last (below)
        receipt_code=code,
        query_password=password_digest(code, password),
        service_request_token=intake.service_request_token,
        open311_client=intake.open311_client,
        channel=intake.channel,
        category=intake.category,
        region=intake.region,
        premises=intake.premises,
        title=intake.title.strip(),
        summary=intake.summary.strip(),
        address=intake.address.strip(),
        lat=intake.lat,
        long=intake.long,
        received_at=received,
        registered_by=user,
        contact_known=any(c.reachable_in_writing for c in intake.complainants),
        visitor_count=max(intake.visitor_count, len(intake.complainants), 1),
        state=ComplaintState.RECEIVED,
        previous_case=earlier,
        override_reason=intake.override_reason.strip() if earlier else "",
        override_by=user if earlier else None,
    )
    # The dashboards' counts are rows every intake of the day locks: added last of all.
    with transaction.atomic(), observed(complaint), deferred_audit():
        complaint.save(force_insert=True)
        rows = _store_protected(complaint, intake) + _store_answers(complaint, intake, questions)
        _start_intake_clocks(complaint)
        # The year's number and the audit chain head are rows every intake locks until commit:
        # taken last, concurrent intakes queue for two statements, not for the whole complaint.
        complaint.number = complaint_number(local_date(received).year)
        Complaint.objects.filter(pk=complaint.pk).update(number=complaint.number)
        if complaint.category.is_emergency():
            alert_duty_desk(complaint)
        for row in (complaint, *rows):
            record_change(row, None)
    return Receipt(complaint, code, password)


def _store_protected(complaint: Complaint, intake: Intake) -> list[Any]:
    people = [
        Complainant(
            complaint=complaint,
            name=person.name.strip(),
            id_number=person.id_number.strip(),
            phone=person.phone.strip(),
            address=person.address.strip(),
            email=person.email.strip(),
            is_representative=person.is_representative,
            phone_digest=identity_digest(person.phone),
            id_digest=identity_digest(person.id_number),
        )
        for person in intake.complainants
    ]
    rows: list[Any] = Complainant.objects.bulk_create(people)
    if intake.original_text.strip() or intake.attachments:
        original = ComplaintOriginal.objects.create(complaint=complaint, text=intake.original_text)
        rows.append(original)
        store_original_files(original, intake.attachments, complaint.registered_by, intake.channel)
    return rows


def store_original_files(
    original: ComplaintOriginal, uploads: list[Any], user: User | None, channel: str
) -> None:
    """Store the complainant's files on the complaint's original material (kind "original"): they
    are then served only to those who may read the original (core.attachments)."""

    if not uploads:
        return
    # An attachment names who uploaded it.
    uploader = user if user is not None else channel_account(channel)
    for upload in uploads:
        try:
            store_attachment(subject=original, upload=upload, kind=ORIGINAL_KIND, user=uploader)
        except ValidationError as error:
            name = getattr(upload, "name", "")
            raise ValidationError(
                {"attachments": [f"{name}: {message}" for message in error.messages]}
            ) from error


def _store_answers(
    complaint: Complaint, intake: Intake, questions: dict[str, CategoryAttribute]
) -> list[Any]:
    respondents = [
        Respondent(
            complaint=complaint,
            kind=named.kind,
            department=named.department,
            premises=named.premises,
            user=named.user,
        )
        for named in intake.respondents
    ]
    answers = [
        ComplaintAttributeValue(complaint=complaint, attribute=questions[code], value=value)
        for code, answer in intake.answers.items()
        if code in questions
        for value in _values(answer)
    ]
    return [
        *Respondent.objects.bulk_create(respondents),
        *ComplaintAttributeValue.objects.bulk_create(answers),
    ]


def _start_intake_clocks(complaint: Complaint) -> None:
    # Art. 22: register and route within 15 days of receipt; danger to life runs the 12345
    # emergency limit instead (DESIGN.md §6), and the duty desk hears of it at once.
    # Art. 23: tell the complainant in writing within 15 days, unless the name or address is
    # unknown.
    route = HotlineLimit.EMERGENCY if complaint.category.is_emergency() else REGISTER_ROUTE
    kinds = (route, RECEIPT_NOTICE) if complaint.contact_known else (route,)
    try:
        for kind in kinds:
            start_clock(complaint, kind, at=complaint.received_at, region=complaint.region)
    except NoRule as error:
        # A receipt before the first rule set in force is a wrong date, told at the field.
        raise ValidationError({"received_at": [error.message]}, code=error.code) from error


def alert_duty_desk(complaint: Complaint) -> None:
    """Tell the complaint clerks of the matter's area, in the inbox and by every channel they
    accept (the top urgency passes any SMS threshold), that a matter of danger to life came in.
    The title names the case only: identity never travels in a notification (Arts 30, 46)."""
    notify(
        desk_clerks(complaint),
        topic="complaint.emergency",
        title=_("Emergency: %(case)s, danger to life") % {"case": complaint.number},
        url=complaint.get_absolute_url(),
        urgency=EscalationLevel.GOVERNMENT_LEADER,
    )
