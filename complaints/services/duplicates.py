"""The same matter, brought again (Letters and Visits Regulations 2022, Arts 19 and 36).

- While a complaint is open, the same matter from any channel is linked to it as a repeat, not
  opened a second time (Art. 19): `likely_matches` finds the candidates for the clerk, and
  `link_repeat` records the repeat and counts it.
- After re-review the same matter with the same facts is not accepted again (Art. 36):
  `concluded_after_rereview_match` finds the earlier complaint, and `check_not_concluded` (called
  by `register_complaint`, so the desk, the portal and Open311 all apply it) refuses unless a
  user holding `complaints.override_rereview` gives a reason.

Who complained is compared only through the keyed digests of phone and ID number
(`identity_digest`); nothing here reads a name, a number or the original letter.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.choices import OPEN_STATES, ComplaintState
from complaints.models import Category, Complainant, Complaint, ComplaintOriginal, RepeatContact
from complaints.models.identity import identity_protection
from complaints.services.channels import CHANNEL_ROLE
from complaints.services.intake import identity_digest, store_original_files
from core.audit import record_change, snapshot
from core.models import Region, User
from core.observers import observed
from core.scoping import get_restricted, scope_of
from core.validators import validate_not_future

# How alike two texts must be (Dice coefficient of their character bigrams and words, 0–1) to
# call them the same matter. Tuned on short Chinese summaries: rewordings of one matter score
# 0.35–0.7, different matters of one category and place below 0.2.
SIMILARITY_THRESHOLD = 0.3
# Art. 36 refuses the same facts: a stricter bar, as refusing wrongly costs the citizen more.
REREVIEW_SIMILARITY_THRESHOLD = 0.45
# Art. 19 is about matters being handled: look back this far for the same place and category.
SAME_PLACE_WINDOW = dt.timedelta(days=90)
# Candidates compared by text per probe (newest first): similarity is computed in Python.
CANDIDATE_LIMIT = 300
MATCH_LIMIT = 10

WORD = re.compile(r"[a-z0-9]+")


def _is_cjk(char: str) -> bool:
    return unicodedata.category(char) == "Lo"


def text_features(text: str) -> frozenset[str]:
    """Character bigrams of the CJK runs and whole words of the rest, in one set: Chinese has
    no spaces between words, English and numbers (house numbers, plates) do."""
    normal = unicodedata.normalize("NFKC", text).lower()
    features: set[str] = set(WORD.findall(normal))
    run = ""
    for char in normal + " ":
        if _is_cjk(char):
            run += char
            continue
        if len(run) == 1:
            features.add(run)
        features.update(run[i : i + 2] for i in range(len(run) - 1))
        run = ""
    return frozenset(features)


def similarity(left: str | frozenset[str], right: str | frozenset[str]) -> float:
    """Dice coefficient of the two texts' features: 1 for the same words, 0 for nothing shared."""
    a = left if isinstance(left, frozenset) else text_features(left)
    b = right if isinstance(right, frozenset) else text_features(right)
    if not a or not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))


@dataclass(frozen=True)
class Probe:
    """What a new contact says about the matter: where, what, and who (as digests only)."""

    category: Category | None = None
    region: Region | None = None
    text: str = ""
    phone_digests: frozenset[str] = frozenset()
    id_digests: frozenset[str] = frozenset()
    received_at: dt.datetime | None = None
    exclude_pk: int | None = None

    @property
    def has_person(self) -> bool:
        return bool(self.phone_digests or self.id_digests)

    @classmethod
    def from_intake(cls, intake: Any) -> Probe:
        """From an `Intake` (services.intake): the desk, the portal, Open311 and the API."""

        people = list(intake.complainants)
        return cls(
            category=intake.category,
            region=intake.region,
            text=complaint_text(intake.title, intake.summary or intake.original_text),
            phone_digests=frozenset(filter(None, (identity_digest(p.phone) for p in people))),
            id_digests=frozenset(filter(None, (identity_digest(p.id_number) for p in people))),
            received_at=intake.received_at,
        )

    @classmethod
    def from_fields(cls, fields: Mapping[str, Any]) -> Probe:
        """From loose fields (a half-filled form): category, region, title, summary, phones,
        id_numbers; anything missing just narrows what can be found."""

        phones = _as_list(fields.get("phones") or fields.get("phone"))
        ids = _as_list(fields.get("id_numbers") or fields.get("id_number"))
        return cls(
            category=fields.get("category"),
            region=fields.get("region"),
            text=complaint_text(str(fields.get("title") or ""), str(fields.get("summary") or "")),
            phone_digests=frozenset(filter(None, map(identity_digest, phones))),
            id_digests=frozenset(filter(None, map(identity_digest, ids))),
            received_at=fields.get("received_at"),
        )


def _as_list(value: Any) -> list[str]:
    if not value:
        return []
    return [str(v) for v in value] if isinstance(value, (list, tuple, set)) else [str(value)]


def complaint_text(title: str, summary: str) -> str:
    return f"{title} {summary}".strip()


@dataclass
class Match:
    complaint: Complaint
    same_complainant: bool
    same_place: bool
    score: float
    reasons: list[str] = field(default_factory=list)


def _as_probe(source: Any) -> Probe:
    if isinstance(source, Probe):
        return source
    if isinstance(source, Mapping):
        return Probe.from_fields(source)
    return Probe.from_intake(source)


def complaints_of_person(probe: Probe) -> QuerySet:
    """Ids of complaints whose complainants (first contact or a repeat) share a phone or ID
    digest."""
    where = Q(pk__in=[])
    if probe.phone_digests:
        where |= Q(phone_digest__in=probe.phone_digests)
    if probe.id_digests:
        where |= Q(id_digest__in=probe.id_digests)
    # Digests only: the plain manager is used because no identity is read or returned.
    return Complainant.objects.filter(where).values("complaint_id")


def _visible(complaints: QuerySet, user: User | None) -> QuerySet:
    return complaints if user is None else complaints & Complaint.objects.restrict(user, "view")


def likely_matches(
    source: Any, user: User | None = None, *, limit: int = MATCH_LIMIT
) -> list[Match]:
    """Open complaints that are likely the same matter as `source` (an Intake, a Probe or a mapping
    of form fields), best first, among the complaints `user` may view (None: all, for the public
    channels' own checks). Same complainant ranks above same place with similar text."""
    probe = _as_probe(source)
    open_complaints = Complaint.objects.filter(state__in=OPEN_STATES)
    if probe.exclude_pk is not None:
        open_complaints = open_complaints.exclude(pk=probe.exclude_pk)
    found: dict[int, Match] = {}
    for complaint in _person_candidates(probe, open_complaints, user):
        found[complaint.pk] = Match(
            complaint, True, False, 1.0 + similarity(probe.text, _text(complaint))
        )
    for complaint, score in _place_candidates(probe, open_complaints, user):
        match = found.setdefault(complaint.pk, Match(complaint, False, True, score))
        match.same_place = True
    for match in found.values():
        match.reasons = _reasons(match)
    return sorted(found.values(), key=lambda m: (-m.score, -m.complaint.pk))[:limit]


def _text(complaint: Complaint) -> str:
    return complaint_text(complaint.title, complaint.summary)


def _person_candidates(
    probe: Probe, open_complaints: QuerySet, user: User | None
) -> list[Complaint]:
    if not probe.has_person:
        return []
    complaints = _visible(open_complaints.filter(pk__in=complaints_of_person(probe)), user)
    if user is not None:
        # Telling a unit complained about that "this person has another complaint" would tell it
        # who complained (Arts 30 and 46): shielded complaints are never matched by person.
        complaints = complaints.filter(identity_protection(scope_of(user), complaint_field="pk"))
    return list(
        complaints.select_related("category", "region").order_by("-received_at")[:MATCH_LIMIT]
    )


def _place_candidates(
    probe: Probe, open_complaints: QuerySet, user: User | None
) -> list[tuple[Complaint, float]]:
    if probe.category is None or probe.region is None or not probe.text.strip():
        return []
    since = (probe.received_at or timezone.now()) - SAME_PLACE_WINDOW
    # Ids first, so the (category, region, received_at) index answers the search.
    categories = list(
        Category.objects.filter(path__startswith=probe.category.path).values_list("pk", flat=True)
    )
    regions = list(
        Region.objects.filter(path__startswith=probe.region.path).values_list("pk", flat=True)
    )
    complaints = _visible(
        open_complaints.filter(
            category_id__in=categories, region_id__in=regions, received_at__gte=since
        ),
        user,
    ).select_related("category", "region")
    features = text_features(probe.text)
    scored = (
        (complaint, similarity(features, _text(complaint)))
        for complaint in complaints.order_by("-received_at")[:CANDIDATE_LIMIT]
    )
    return [(complaint, score) for complaint, score in scored if score >= SIMILARITY_THRESHOLD]


def _reasons(match: Match) -> list[str]:
    reasons = []
    if match.same_complainant:
        reasons.append(_("same complainant (phone or ID number)"))
    if match.same_place:
        reasons.append(
            _("same category and place, similar text (%(percent)s%%)")
            % {"percent": round(100 * (match.score % 1 if match.same_complainant else match.score))}
        )
    return reasons


# Art. 19: link a repeat


@dataclass
class RepeatPerson:
    """Who came again: the same fields as services.intake.ComplainantData (duck-typed)."""

    name: str = ""
    id_number: str = ""
    phone: str = ""
    address: str = ""
    email: str = ""
    is_representative: bool = False


@transaction.atomic
def link_repeat(
    complaint: Complaint,
    user: User,
    channel: str,
    received_at: dt.datetime | None,
    complainants: Iterable[Any] = (),
    note: str = "",
    *,
    original_text: str = "",
    attachments: Iterable[Any] = (),
) -> RepeatContact:
    """Record that the matter of `complaint` was brought again, and count it (Art. 19).

    `complainants` are ComplainantData-like objects; they are stored protected, each linked to
    the repeat. What they wrote or brought this time (`original_text`, `attachments`) joins
    the complaint's protected original material; `note` is for the units and names nobody.
    Refused for a closed complaint (a new complaint is registered instead) and, for a user, for a
    complaint outside their scope.
    """
    if user is not None:
        get_restricted(Complaint, user, "view", complaint.pk)
    if user is not None and not user.has_perm("complaints.add_repeatcontact"):
        raise PermissionDenied
    if received_at is not None:
        validate_not_future(received_at, "received_at")
    locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if locked.state not in OPEN_STATES:
        raise ValidationError(
            _("%(case)s is no longer being handled; register the matter as a new case.")
            % {"case": locked.number},
            code="case_closed",
        )
    repeat = RepeatContact.objects.create(
        complaint=locked, channel=channel, received_at=received_at or timezone.now(),
        registered_by=user, note=note.strip(),
    )  # fmt: skip
    record_change(repeat, None)
    _store_repeat_people(locked, repeat, complainants)
    _add_original_material(locked, repeat, user, original_text, list(attachments))
    before = snapshot(locked)
    with observed(locked):
        Complaint.objects.filter(pk=locked.pk).update(repeat_count=F("repeat_count") + 1)
    locked.refresh_from_db(fields=["repeat_count"])
    record_change(locked, before)
    complaint.repeat_count = locked.repeat_count
    return repeat


def _store_repeat_people(
    complaint: Complaint, repeat: RepeatContact, people: Iterable[Any]
) -> None:
    for person in people:
        if not any(getattr(person, f, "") for f in ("name", "id_number", "phone", "address")):
            continue
        row = Complainant.objects.create(
            complaint=complaint, repeat=repeat, name=person.name.strip(),
            id_number=person.id_number.strip(), phone=person.phone.strip(),
            address=person.address.strip(), email=person.email.strip(),
            is_representative=person.is_representative,
            phone_digest=identity_digest(person.phone), id_digest=identity_digest(person.id_number),
        )  # fmt: skip
        record_change(row, None)


def _add_original_material(
    complaint: Complaint, repeat: RepeatContact, user: User, text: str, uploads: list[Any]
) -> None:
    if not text.strip() and not uploads:
        return
    original, created = ComplaintOriginal.objects.select_for_update().get_or_create(
        complaint=complaint
    )
    before = None if created else snapshot(original)
    if text.strip():
        heading = _("Brought again on %(day)s:") % {"day": f"{repeat.received_at:%Y-%m-%d}"}
        original.text = f"{original.text}\n\n{heading}\n{text.strip()}".strip()
        original.save(update_fields=["text"])
    record_change(original, before)
    store_original_files(original, uploads, user, repeat.channel)


# Art. 36: not accepted again after re-review


def concluded_after_rereview_match(source: Any) -> Complaint | None:
    """The complaint concluded after re-review that `source` repeats: the same complainant (phone
    or ID digest) with a matter as similar as REREVIEW_SIMILARITY_THRESHOLD. Not limited to a
    scope: the rule holds wherever the earlier complaint was handled."""
    probe = _as_probe(source)
    if not probe.has_person or not probe.text.strip():
        return None
    concluded = Complaint.objects.filter(
        state=ComplaintState.CONCLUDED,
        concluded_after_rereview=True,
        pk__in=complaints_of_person(probe),
    ).order_by("-concluded_at", "-pk")
    features = text_features(probe.text)
    for complaint in concluded[:CANDIDATE_LIMIT]:
        if similarity(features, _text(complaint)) >= REREVIEW_SIMILARITY_THRESHOLD:
            return complaint
    return None


class ConcludedAfterRereview(ValidationError):
    """Refusal of Art. 36; `earlier` is the complaint that concluded the matter."""

    def __init__(self, message: str, earlier: Complaint) -> None:
        super().__init__(message, code="concluded_after_rereview")
        self.earlier = earlier


def check_not_concluded(
    source: Any, user: User | None, override_reason: str = ""
) -> Complaint | None:
    """Refuse a matter concluded after re-review, unless `user` may override and gives a
    reason; returns the earlier complaint when an override applies (stored on the new complaint)."""
    earlier = concluded_after_rereview_match(source)
    if earlier is None:
        return None
    may_override = user is not None and user.has_perm("complaints.override_rereview")
    if may_override and override_reason.strip():
        return earlier
    raise ConcludedAfterRereview(_refusal(earlier, user, may_override), earlier)


def _is_public_channel(user: User | None) -> bool:
    return user is None or user.groups.filter(name=CHANNEL_ROLE).exists()


def _refusal(earlier: Complaint, user: User | None, may_override: bool) -> str:
    if _is_public_channel(user):
        # A public channel: the citizen's own earlier complaint is named by its number only.
        return _(
            "This matter, with the same facts, was concluded after re-review (case "
            "%(case)s) and is not accepted again (Letters and Visits Regulations 2022, "
            "Art. 36). If there are new facts, please describe them."
        ) % {"case": earlier.number}
    message = _(
        "Not accepted: the same matter with the same facts was concluded after re-review in "
        "%(case)s (%(title)s) (Letters and Visits Regulations 2022, Art. 36)."
    ) % {"case": earlier.number, "title": earlier.title}
    if may_override:
        message += " " + _("To accept it anyway, give the reason for the override.")
    return message
