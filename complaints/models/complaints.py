"""The complaint (信访事项 / 12345 诉求): one matter, on the statutory clocks of DESIGN.md §6.

The record holds the matter only. Who complained lives apart, in `Complainant`
(complaints.models.identity), which the unit complained about can never read.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from complaints.choices import HANDLE_CLOCK, Channel, OpinionOutcome, ReferralBody
from complaints.models.categories import Category
from core.models import Attachment, Department, Premises, Region, User
from core.models.scoped import Restricted
from core.scoping import Scope
from core.validators import validate_latitude, validate_longitude
from workflow.models import StatefulModel


def complaint_scope(scope: Scope, via: str = "", action: str = "view") -> Q:
    """Complaints (reached through `via`, e.g. "complaint__") a user answers for: where the matter
    is, the lead unit, a unit with a task on it, and, to read only, the unit complained about
    (it may open the complaint to explain itself, never act on it nor see the complainant or
    the place: see Complainant.protection_filter and protection.readable_fields). A person named
    as respondent never sees it (`not_about_user`, applied whatever the reach)."""
    # complaints.models.handling and .identity import Complaint from this module.
    from complaints.models.handling import HandlingTask
    from complaints.models.identity import Respondent

    where = Q(**{f"{via}region_id__in": scope.region_ids})
    if scope.department_ids:
        units = scope.department_ids
        tasked = HandlingTask.objects.filter(department_id__in=units).values("complaint_id")
        where |= Q(**{f"{via}department_id__in": units}) | Q(**{f"{via}pk__in": tasked})
        if action == "view":
            named = Respondent.objects.filter(department_id__in=units).values("complaint_id")
            where |= Q(**{f"{via}pk__in": named})
    return where


def not_about_user(scope: Scope, complaint_field: str = "pk") -> Q:
    """Leave out complaints (by `complaint_field`) that name the user as respondent: a person
    complained about never sees the case, whatever their reach (Letters and Visits Regulations
    2022, Arts 30 and 46)."""
    from complaints.models.identity import Respondent  # identity imports this module

    if scope.user_id is None:
        return Q()
    named = Respondent.objects.filter(user_id=scope.user_id).values("complaint_id")
    return ~Q(**{f"{complaint_field}__in": named})


class Complaint(Restricted, StatefulModel):
    number = models.CharField(_("number"), max_length=32, unique=True)
    # What the complainant holds to track the complaint without an account (portal, Open311 token).
    receipt_code = models.CharField(_("receipt code"), max_length=16, unique=True)
    query_password = models.CharField(_("query password"), max_length=128)
    service_request_token = models.UUIDField(_("Open311 token"), unique=True, null=True, blank=True)
    open311_client = models.ForeignKey(
        "complaints.Open311Client", verbose_name=_("Open311 client"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )  # fmt: skip
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey(
        Region, verbose_name=_("where"), on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("lead unit"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="+",
    )  # fmt: skip
    # Arts 35-36: the unit whose opinion is under review, and the organ that reviewed it; neither
    # drafts, approves nor is given the review or re-review (complaints.machines.complaints).
    opinion_unit = models.ForeignKey(
        Department, verbose_name=_("unit that gave the opinion"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )  # fmt: skip
    review_unit = models.ForeignKey(
        Department, verbose_name=_("review organ"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="+",
    )  # fmt: skip
    handler = models.ForeignKey(
        User, verbose_name=_("handled by"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    premises = models.ForeignKey(
        Premises, verbose_name=_("premises concerned"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="+",
    )  # fmt: skip
    title = models.CharField(_("matter"), max_length=200)
    # The matter as registered for the units: never the complainant's own words or name.
    summary = models.TextField(_("summary of the matter"), blank=True)
    # Written by staff for publication (Open311): the only text of the matter anyone may read.
    public_summary = models.TextField(_("public summary"), blank=True)
    address = models.CharField(_("address of the matter"), max_length=255, blank=True)
    lat = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True,
        validators=[validate_latitude],
    )  # fmt: skip
    long = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True,
        validators=[validate_longitude],
    )  # fmt: skip
    received_at = models.DateTimeField(_("received"), db_index=True)
    registered_by = models.ForeignKey(
        User, verbose_name=_("registered by"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    # Art. 23: no written notice is owed when the name or address is unknown.
    contact_known = models.BooleanField(_("name and address known"), default=True)
    visitor_count = models.PositiveSmallIntegerField(_("people who came"), default=1)
    routed_at = models.DateTimeField(_("routed"), null=True, blank=True)
    routing_note = models.TextField(_("routing note"), blank=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    objection_reason = models.TextField(_("why it is not the unit's remit"), blank=True)
    not_accepted_reason = models.TextField(_("why it is not accepted"), blank=True)
    referral_body = models.CharField(
        _("referred to"), max_length=16, choices=ReferralBody.choices, blank=True
    )
    referral_reason = models.TextField(_("reason for the referral"), blank=True)
    referral_result = models.TextField(_("what became of the referral"), blank=True)
    referral_result_at = models.DateTimeField(_("referral result recorded"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=16, choices=OpinionOutcome.choices, blank=True
    )
    # Deliveries and requests the review windows run from (Arts 35–36: from receipt).
    opinion_delivered_at = models.DateTimeField(_("opinion delivered"), null=True, blank=True)
    review_requested_at = models.DateTimeField(_("review requested"), null=True, blank=True)
    review_delivered_at = models.DateTimeField(_("review opinion delivered"), null=True, blank=True)
    rereview_requested_at = models.DateTimeField(_("re-review requested"), null=True, blank=True)
    concluded_at = models.DateTimeField(_("concluded"), null=True, blank=True)
    concluded_after_rereview = models.BooleanField(_("concluded after re-review"), default=False)
    # Art. 19: the same matter is linked as a repeat, not opened twice.
    repeat_count = models.PositiveIntegerField(_("repeats"), default=0)
    transfer_count = models.PositiveIntegerField(_("transfers"), default=0)
    # Art. 36: a matter concluded after re-review comes back only on a supervisor's override.
    previous_case = models.ForeignKey(
        "self", verbose_name=_("earlier case on the same matter"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )  # fmt: skip
    override_reason = models.TextField(_("why it is accepted again"), blank=True)
    override_by = models.ForeignKey(
        User, verbose_name=_("override by"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    # What the complainant is told of progress (Open311 status_notes, the portal).
    public_note = models.TextField(_("note for the complainant"), blank=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    AUDIT_MASKED_FIELDS = ("query_password",)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        permissions = [
            ("override_rereview", _("Accept a matter again after its re-review")),
        ]
        indexes = [
            models.Index(fields=["state", "received_at"], name="complaint_state_received"),
            models.Index(fields=["department", "state"], name="complaint_unit_state"),
            models.Index(fields=["region", "received_at"], name="complaint_region_received"),
            models.Index(fields=["category", "region", "received_at"], name="complaint_same_place"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("complaints:complaint_detail", args=[self.pk])

    @classmethod
    def scope_filter(cls, scope: Scope, action: str) -> Q:
        return complaint_scope(scope, action=action)

    @classmethod
    def protection_filter(cls, scope: Scope) -> Q:
        return not_about_user(scope)

    @property
    def handling_clock_kind(self) -> str:
        """A 12345 complaint runs its category's hotline limit; any other the 60 days of Art. 34."""
        if self.channel != Channel.HOTLINE:
            return HANDLE_CLOCK
        return self.category.hotline_kind()

    def attachment_count(self, kind: str) -> int:
        return Attachment.objects.of(self, kind).count()


class ComplaintScoped(Restricted):
    """Scoped as the complaint it belongs to (`scope_via`): whoever may see the complaint sees
    it."""

    scope_via: ClassVar[str] = "complaint__"

    class Meta:
        abstract = True

    @classmethod
    def scope_filter(cls, scope: Scope, action: str) -> Q:
        return complaint_scope(scope, cls.scope_via, action)

    @classmethod
    def protection_filter(cls, scope: Scope) -> Q:
        return not_about_user(scope, f"{cls.scope_via}pk")


class OnComplaint(ComplaintScoped):
    """A record of one complaint, not listed from the complaint's side."""

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        abstract = True


class ComplaintAttributeValue(ComplaintScoped):
    """The answer to one of the category's extra questions (Open311 attribute[code])."""

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), on_delete=models.CASCADE, related_name="answers"
    )
    attribute = models.ForeignKey(
        "complaints.CategoryAttribute", verbose_name=_("question"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    value = models.CharField(_("answer"), max_length=500)

    class Meta:
        ordering = ["complaint", "attribute"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")

    def __str__(self) -> str:
        """A chosen option by its name (the value is the option's key, Open311's `key`)."""
        option = self.attribute.options.filter(key=self.value).values_list("name", flat=True)
        return next(iter(option), self.value)
