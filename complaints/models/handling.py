"""Handling a complaint: unit tasks, transfers between units, notes, and repeats of the matter."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from complaints.choices import Channel, TaskRole, TransferKind
from complaints.models.complaints import Complaint, OnComplaint, complaint_scope, not_about_user
from complaints.models.identity import identity_protection
from core.models import Department, User
from core.models.scoped import Restricted
from core.scoping import Scope
from core.times import DeadlineField
from workflow.models import StatefulModel


class HandlingTask(Restricted, StatefulModel):
    """What one unit does on the complaint: the lead unit's and each assisting unit's own task."""

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), on_delete=models.CASCADE, related_name="tasks"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(_("role"), max_length=16, choices=TaskRole.choices)
    instructions = models.TextField(_("what to do"))
    due = DeadlineField(_("due"))
    assigned_by = models.ForeignKey(
        User, verbose_name=_("assigned by"), on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(_("assigned"), auto_now_add=True)
    result = models.TextField(_("result"), blank=True)
    done_by = models.ForeignKey(
        User, verbose_name=_("done by"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    done_at = models.DateTimeField(_("done"), null=True, blank=True)

    class Meta:
        ordering = ["complaint", "role", "due"]
        verbose_name = _("handling task")
        verbose_name_plural = _("handling tasks")
        indexes = [
            models.Index(fields=["department", "state", "due"], name="task_unit_due"),
            # The scope filter asks "complaints this unit has a task on": answered from the index.
            models.Index(fields=["department", "complaint"], name="task_unit_case"),
        ]

    def __str__(self) -> str:
        return f"{self.complaint.number} · {self.department}"

    @property
    def region(self) -> object:
        return self.complaint.region

    def get_absolute_url(self) -> str:
        return self.complaint.get_absolute_url()

    @classmethod
    def scope_filter(cls, scope: Scope, action: str) -> Q:
        if action == "view":
            return complaint_scope(scope, "complaint__", action)
        # Only the unit holding the task (and the territory) work it.
        return Q(department_id__in=scope.department_ids) | Q(
            complaint__region_id__in=scope.region_ids
        )

    @classmethod
    def protection_filter(cls, scope: Scope) -> Q:
        return not_about_user(scope, "complaint__pk")


class Transfer(OnComplaint):
    """A move of the complaint to a unit, with its reason (transfers are counted, DESIGN.md §6)."""

    kind = models.CharField(_("kind"), max_length=16, choices=TransferKind.choices)
    from_department = models.ForeignKey(
        Department, verbose_name=_("from"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    to_department = models.ForeignKey(
        Department, verbose_name=_("to"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    reason = models.TextField(_("reason"))
    by = models.ForeignKey(User, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("when"))

    class Meta:
        ordering = ["complaint", "at", "id"]
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")

    def __str__(self) -> str:
        return f"{self.from_department} → {self.to_department}"


class CaseNote(OnComplaint):
    """An internal note, or (for_complainant) what the complainant is told on the portal."""

    text = models.TextField(_("note"))
    for_complainant = models.BooleanField(_("shown to the complainant"), default=False)
    author = models.ForeignKey(
        User, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        ordering = ["complaint", "at", "id"]
        verbose_name = _("case note")
        verbose_name_plural = _("case notes")

    def __str__(self) -> str:
        # Not the text: a note's name shows in audit lists and notifications.
        return str(_("Note %(id)s on case %(case)s") % {"id": self.pk, "case": self.complaint_id})

    @classmethod
    def protection_filter(cls, scope: Scope) -> Q:
        """Internal notes may quote the complainant (Arts 30, 46): the unit the complaint is
        about, and staff who stepped aside, read only what the complainant is told and their
        own notes; a person named as respondent reads none."""

        mine = Q(author_id=scope.user_id) if scope.user_id is not None else Q(pk__in=[])
        readable = identity_protection(scope) | Q(for_complainant=True) | mine
        return super().protection_filter(scope) & readable


class RepeatContact(OnComplaint):
    """The same matter brought again (any channel) while the complaint is open: linked, not opened
    twice (Letters and Visits Regulations 2022, Art. 19). Its complainants are protected."""

    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    received_at = models.DateTimeField(_("received"))
    registered_by = models.ForeignKey(
        User, verbose_name=_("registered by"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["complaint", "received_at", "id"]
        verbose_name = _("repeat contact")
        verbose_name_plural = _("repeat contacts")

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.received_at:%Y-%m-%d}"
