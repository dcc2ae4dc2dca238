"""Written documents of a complaint: notices, and the written opinions with their four parts.

An opinion is drafted by the handling unit, approved by its leader and delivered; the review
windows run from the recorded delivery (Letters and Visits Regulations 2022, Arts 35–36).
Notices issued by the desk are approved when made and only await delivery.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from complaints.choices import DeliveryMethod, DocumentKind, OpinionOutcome
from complaints.models.complaints import Complaint, ComplaintScoped
from core.models import Attachment, User
from workflow.models import StatefulModel


class CaseDocument(ComplaintScoped, StatefulModel):
    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField(_("kind"), max_length=32, choices=DocumentKind.choices)
    number = models.CharField(_("document number"), max_length=48, blank=True)
    # The body of a notice; for an opinion, the four parts of Art. 33 below.
    body = models.TextField(_("text"), blank=True)
    request = models.TextField(_("the request"), blank=True)
    facts_and_reasons = models.TextField(_("facts and reasons"), blank=True)
    decision = models.TextField(_("decision"), blank=True)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=16, choices=OpinionOutcome.choices, blank=True
    )
    drafted_by = models.ForeignKey(
        User, verbose_name=_("drafted by"), on_delete=models.PROTECT, related_name="+"
    )
    drafted_at = models.DateTimeField(_("drafted"), auto_now_add=True)
    approved_by = models.ForeignKey(
        User, verbose_name=_("approved by"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    # The unit the document is issued in the name of, fixed at approval (printed on its PDF).
    authority = models.CharField(_("issuing authority"), max_length=200, blank=True)
    return_reason = models.TextField(_("why it was sent back"), blank=True)
    # A numbered document never changes once approved: a correction is a new document with its
    # own approval and number that supersedes this one; both are kept.
    supersedes = models.OneToOneField(
        "self", verbose_name=_("corrects"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="correction",
    )  # fmt: skip
    # Delivery: the windows that follow run from this record (date, method, proof).
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    delivery_method = models.CharField(
        _("delivered by"), max_length=16, choices=DeliveryMethod.choices, blank=True
    )
    delivery_proof = models.CharField(
        _("proof of delivery"), max_length=200, blank=True,
        help_text=_("A registered-post number, a signed receipt, a message id…"),
    )  # fmt: skip

    class Meta:
        ordering = ["complaint", "drafted_at", "id"]
        verbose_name = _("case document")
        verbose_name_plural = _("case documents")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}".strip()

    @property
    def region(self) -> object:
        return self.complaint.region

    @property
    def department(self) -> object:
        return self.complaint.department

    def get_absolute_url(self) -> str:
        return self.complaint.get_absolute_url()

    def attachment_count(self, kind: str) -> int:
        return Attachment.objects.of(self, kind).count()
