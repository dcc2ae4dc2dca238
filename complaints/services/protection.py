"""Showing a complainant's identity: only through here, and every showing is audited.

Letters and Visits Regulations 2022, Arts 30 and 46. Reading goes through
`Complainant.objects.restrict(user)`, whose protection filter leaves out the units and staff
complained about and those who recused; `reveal` then writes one audit entry per showing.
Lists and exports that need no identity never touch these models.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from complaints.models import Complainant, Complaint, ComplaintOriginal, Recusal
from complaints.models.identity import IDENTITY_FIELDS, identity_protection
from core.audit import record_change, record_view
from core.models import User
from core.scoping import scope_of


def is_shielded_from(user: User, complaint: Complaint) -> bool:
    """True for a user the complaint is about, or who recused: they never see who complained."""
    unshielded = identity_protection(scope_of(user), complaint_field="pk")
    return not Complaint.objects.filter(unshielded, pk=complaint.pk).exists()


# Where the matter was pinned is often the complainant's own door: the unit complained about
# reads the matter without it (Arts 30, 46).
PLACE_FIELDS = ("address", "lat", "long")


def readable_fields(user: User, complaint: Complaint, fields: Sequence[str]) -> list[str]:
    """The complaint's `fields` the user may read: all of them, but the place for a user the
    complaint is about or who recused."""
    if not is_shielded_from(user, complaint):
        return list(fields)
    return [name for name in fields if name not in PLACE_FIELDS]


def may_see_identity(user: User, complaint: Complaint) -> bool:
    return (
        user.has_perm("complaints.view_complainant")
        and Complaint.objects.restrict(user).filter(pk=complaint.pk).exists()
        and not is_shielded_from(user, complaint)
    )


@transaction.atomic
def reveal(user: User, complaint: Complaint) -> list[Complainant]:
    """The complainants of `complaint` the user may see, each showing recorded in the audit
    log (empty for a user the complaint is about, who is never told whether anyone is hidden)."""
    people = list(Complainant.objects.restrict(user).filter(complaint=complaint))
    for person in people:
        record_view(person, IDENTITY_FIELDS)
    return people


# The complainant's own words shown with the original: the letter and the reasons for review.
ORIGINAL_FIELDS = ("text", "review_reasons", "rereview_reasons")


@transaction.atomic
def reveal_original(user: User, complaint: Complaint) -> ComplaintOriginal | None:
    original = ComplaintOriginal.objects.restrict(user).filter(complaint=complaint).first()
    if original is not None:
        record_view(original, ORIGINAL_FIELDS)
    return original


@transaction.atomic
def recuse(user: User, complaint: Complaint, reason: str) -> Recusal:
    """Step aside from a complaint (a direct interest, Art. 46): from now on the user is
    shielded."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why you step aside.")})
    recusal, created = Recusal.objects.get_or_create(
        complaint=complaint, user=user, defaults={"reason": reason}
    )
    if created:
        record_change(recusal, None)
    return recusal
