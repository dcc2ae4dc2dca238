"""The inputs of each action on the complaint page, read off the machine's transitions: a field of
the complaint becomes a select, a date-time, a text box or a check box; an extension asks for
its days and reason. The page posts them to `complaint_transition` with the version it showed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from complaints.models import Complaint
from complaints.panels import actions_in_panels
from complaints.services.complaint_transitions import DELIVERED_WITH_A_DOCUMENT, choices_for
from complaints.services.handling import suggested_unit
from core.models import User
from workflow.machine import Transition

# Choice lists longer than this are not offered in full (a county has a few hundred units).
MAX_OPTIONS = 500


@dataclass
class FormInput:
    name: str
    label: str
    kind: str  # select, textarea, datetime, number, checkbox, text
    required: bool = False
    value: str = ""
    options: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class TransitionForm:
    transition: Transition
    inputs: list[FormInput]

    @property
    def name(self) -> str:
        return self.transition.name

    @property
    def label(self) -> str:
        return str(self.transition.label)

    @property
    def cautious(self) -> bool:
        """Steps that end or turn away the matter get an outlined (not a solid) button."""
        return self.name in ("not_accept", "object_remit", "refer")


# What the services behind these steps read (complaints.services.complaint_transitions); fields
# of the machine they set themselves are not asked for.
SHOWN_FIELDS = {
    "route": ("department", "summary", "routing_note"),
    "transfer": ("department",),
    "object_remit": ("objection_reason",),
    "request_review": ("review_requested_at",),
    "request_rereview": ("rereview_requested_at",),
}
# Steps on the complaint recorded elsewhere: a written opinion's delivery is recorded on the
# document itself, with its date, method and proof (the documents section).
NOT_ON_THE_CASE = frozenset(DELIVERED_WITH_A_DOCUMENT)


def transition_forms(complaint: Complaint, user: User, transitions: list[Transition]) -> list:
    """A form per step the user may take, except those a feature panel offers itself."""

    return [
        TransitionForm(t, inputs_of(complaint, user, t))
        for t in transitions
        if t.name not in NOT_ON_THE_CASE and t.name not in actions_in_panels
    ]


def inputs_of(complaint: Complaint, user: User, transition: Transition) -> list[FormInput]:
    required = set(transition.required)
    inputs = [
        field_input(complaint, user, Complaint._meta.get_field(name), name in required)
        for name in SHOWN_FIELDS.get(transition.name, transition.fields)
    ]
    if transition.name == "route":
        suggest_unit(complaint, inputs)
    if transition.name == "transfer":
        inputs.append(FormInput("reason", str(_("Why it moves to this unit")), "textarea", True))
    if transition.extend:
        inputs += [
            FormInput("extension_days", str(_("Days more (at most 30)")), "number", True),
            FormInput("extension_reason", str(_("Why more time is needed")), "textarea", True),
        ]
    if "reasons" in transition.inputs:
        inputs.append(FormInput("reasons", str(_("The complainant's reasons")), "textarea"))
    if transition.pause:
        inputs.append(FormInput("pause_reason", str(_("Reason")), "text"))
    return inputs


def suggest_unit(complaint: Complaint, inputs: list[FormInput]) -> None:
    """Preselect the unit the category and place route to (the desk may choose another)."""

    for entry in inputs:
        if entry.name == "department" and not entry.value:
            unit = suggested_unit(complaint)
            entry.value = str(unit.pk) if unit is not None else ""


def field_input(complaint: Complaint, user: User, model_field: Any, required: bool) -> FormInput:
    name, label = model_field.name, capfirst(str(model_field.verbose_name))
    current = getattr(complaint, model_field.attname, None)
    if isinstance(model_field, models.ForeignKey):
        rows = choices_for(complaint, user, model_field)[:MAX_OPTIONS]
        options = [(str(row.pk), str(row)) for row in rows]
        value = "" if current is None else str(current)
        return FormInput(name, label, "select", required, value, options)
    if model_field.choices:
        options = [(str(v), str(text)) for v, text in model_field.choices]
        return FormInput(name, label, "select", required, str(current or ""), options)
    if isinstance(model_field, models.DateTimeField):
        now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
        return FormInput(name, label, "datetime", required, now)
    if isinstance(model_field, models.BooleanField):
        return FormInput(name, label, "checkbox", False, "true" if current else "")
    kind = "textarea" if isinstance(model_field, models.TextField) else "text"
    return FormInput(name, label, kind, required, str(current or ""))
