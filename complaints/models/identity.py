"""Who complained, what they wrote, and who the complaint is about: kept apart from the matter.

Letters and Visits Regulations 2022, Arts 30 and 46: the complainant's identity and material
never reach the person or unit complained about. `protection_filter` is applied by
`restrict()` whatever the user's reach, so every list, page, export, API and notification that
reads identity through the one read path leaves those users out. Staff with a direct interest
recuse themselves (`Recusal`) and lose sight of it the same way.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from complaints.choices import RespondentKind
from complaints.models.complaints import Complaint, ComplaintScoped, OnComplaint
from core.models import Department, Premises, User
from core.scoping import Scope

IDENTITY_FIELDS = ("name", "id_number", "phone", "address", "email")


def identity_protection(scope: Scope, complaint_field: str = "complaint_id") -> Q:
    """Leave out complaints (by `complaint_field`) that name the user, the user's unit or premises
    as respondent, and complaints the user recused from."""
    named = Q(user_id=scope.user_id) if scope.user_id is not None else Q(pk__in=[])  # type: ignore[misc]
    if scope.department_ids:
        named |= Q(department_id__in=scope.department_ids)
    if scope.premises_ids:
        named |= Q(premises_id__in=scope.premises_ids)
    respondent_of = Respondent.objects.filter(named).values("complaint_id")
    recused_from = Recusal.objects.filter(user_id=scope.user_id or 0).values("complaint_id")
    return ~Q(**{f"{complaint_field}__in": respondent_of}) & ~Q(
        **{f"{complaint_field}__in": recused_from}
    )


class ProtectedRecord(OnComplaint):
    """Identity or original material of one complaint."""

    class Meta:
        abstract = True

    @classmethod
    def protection_filter(cls, scope: Scope) -> Q:
        return identity_protection(scope)


class Complainant(ProtectedRecord):
    """One person who brought the matter; a joint visit has up to 5 representatives (Art. 18)."""

    name = models.CharField(_("name"), max_length=100, blank=True)
    id_number = models.CharField(_("ID number"), max_length=32, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    email = models.EmailField(_("email"), blank=True)
    is_representative = models.BooleanField(_("representative of a joint visit"), default=False)
    # Keyed digests of phone and ID number: repeats of the same matter are found without
    # reading anyone's identity (services.duplicates).
    phone_digest = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    id_digest = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    repeat = models.ForeignKey(
        "complaints.RepeatContact", verbose_name=_("came again with"), on_delete=models.CASCADE,
        null=True, blank=True, related_name="complainants",
    )  # fmt: skip

    AUDIT_MASKED_FIELDS = (*IDENTITY_FIELDS, "phone_digest", "id_digest")

    class Meta:
        ordering = ["complaint", "id"]
        verbose_name = _("complainant")
        verbose_name_plural = _("complainants")

    def __str__(self) -> str:
        return str(_("Complainant of %(case)s") % {"case": self.complaint_id})


class ComplaintOriginal(ProtectedRecord):
    """The complainant's own words as received (a letter, the web form); attachments of kind
    "original" hang on this record, so they are protected the same way."""

    text = models.TextField(_("original text"), blank=True)
    # Why the complainant disagrees with the opinion (Arts 35, 36): their own words, so they are
    # protected like the letter and read by the reviewing body where it reads the original.
    review_reasons = models.TextField(_("reasons for review"), blank=True)
    rereview_reasons = models.TextField(_("reasons for re-review"), blank=True)

    AUDIT_MASKED_FIELDS = ("text", "review_reasons", "rereview_reasons")

    class Meta:
        verbose_name = _("original material")
        verbose_name_plural = _("original material")
        constraints = [
            models.UniqueConstraint(fields=["complaint"], name="complaintoriginal_one_per_case")
        ]

    def __str__(self) -> str:
        return str(_("Original material of %(case)s") % {"case": self.complaint_id})


class Respondent(ComplaintScoped):
    """The unit, premises or staff member the complaint is about."""

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), on_delete=models.CASCADE,
        related_name="respondents",
    )  # fmt: skip
    kind = models.CharField(_("kind"), max_length=16, choices=RespondentKind.choices)
    department = models.ForeignKey(
        Department, verbose_name=_("unit"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    premises = models.ForeignKey(
        Premises, verbose_name=_("premises"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    user = models.ForeignKey(
        User, verbose_name=_("staff member"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip

    class Meta:
        ordering = ["complaint", "id"]
        verbose_name = _("respondent")
        verbose_name_plural = _("respondents")
        indexes = [models.Index(fields=["department", "complaint"], name="respondent_unit_case")]
        constraints = [
            models.CheckConstraint(
                condition=Q(department__isnull=False) | Q(premises__isnull=False)
                | Q(user__isnull=False),
                name="respondent_names_someone",
            )
        ]  # fmt: skip

    def __str__(self) -> str:
        return str(self.department or self.premises or self.user)


class Recusal(ComplaintScoped):
    """A staff member with a direct interest steps aside (Art. 46)."""

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), on_delete=models.CASCADE, related_name="recusals"
    )
    user = models.ForeignKey(
        User, verbose_name=_("staff member"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=300)
    at = models.DateTimeField(_("recused"), auto_now_add=True)

    class Meta:
        ordering = ["complaint", "at"]
        verbose_name = _("recusal")
        verbose_name_plural = _("recusals")
        constraints = [models.UniqueConstraint(fields=["complaint", "user"], name="recusal_once")]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.user}"
