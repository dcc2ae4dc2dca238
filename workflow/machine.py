"""Declaring state machines: each app declares its machines in its own `machines/` package.

    from workflow.machine import Machine, Transition, StartClock, Notify, register

    register(Machine(
        model=Hazard, states=HazardState, initial=HazardState.REGISTERED,
        transitions=(
            Transition("rectify", _("Report rectified"), source=("rectifying",),
                       target="rectified", roles=("enterprise_officer",),
                       fields=("rectification_note",), required=("rectification_note",),
                       attachments=("evidence",), stop=("hazards.rectify",),
                       notify=(Notify("unit_leader", "hazard.rectified"),)),
        ),
    ))

The engine (workflow.engine.fire) does the rest: permission and scope, preconditions, the
uploaded attachments, the compare-and-set write, the audit entry, the clocks and the
notifications, in one transaction.

Declaring the machine is all a model needs for its doors: the one API endpoint
(`POST …/{id}/transitions/{name}/`, workflow.api.TransitionEndpoint) and the one page view
(workflow.views.TransitionView) reach every transition through `workflow.engine.perform`. When
a step keeps records beside the state (a transfer row, a document number, the premises'
status), the machine names its `door`: the service function both of them then call.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import import_module
from importlib.util import find_spec
from typing import Any

from django.apps import apps
from django.db import models
from django.utils.functional import Promise, cached_property
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

# A condition returns None when satisfied, or the message that explains why not.
Condition = Callable[[Any, Any, dict[str, Any]], "str | Promise | None"]
# A guard says who may never take a step, whatever their role and scope (the unit a complaint
# is about, Letters and Visits Regulations Arts 30, 46): a message refuses with 403.
Guard = Callable[[Any, Any], "str | Promise | None"]
# Files posted with a transition, by attachment kind ("evidence": [photo, …]).
Files = dict[str, list[Any]]
# A service in front of the engine: (transition, obj, user, data, expected_version, files) →
# the record as now stored; it fires the transition itself with the records it keeps beside.
Door = Callable[[str, Any, Any, dict[str, Any], Any, Files], Any]
# The target of a step that records something on the item and leaves it in its state.
STAY = ""


def four_eyes(drafter_field: str) -> Condition:
    """The condition of approving or issuing a numbered document: whoever drafted it (the user
    in `drafter_field`) never approves it too, so every document in force was seen by two people."""

    def not_the_drafter(obj: Any, user: Any, data: dict[str, Any]) -> str | Promise | None:
        if getattr(obj, f"{drafter_field}_id") == user.pk:
            return _("Someone other than the drafter approves a document.")
        return None

    return not_the_drafter


@dataclass(frozen=True)
class StartClock:
    """Start clock `kind`; it runs from the value of `anchor` (e.g. the receipt time of a
    written document, Letters and Visits Regulations Art. 35) or from the transition's time."""

    kind: str
    anchor: str | None = None
    due_field: str | None = None  # for rules whose length each item sets (an order's deadline)
    # An attribute of the item naming the kind instead (a 12345 case runs its category's limit).
    kind_field: str | None = None
    # Start only when this holds (no notice of receipt is owed to an unknown address, Art. 23).
    when: Callable[[Any], bool] | None = None


@dataclass(frozen=True)
class Notify:
    """Tell `audience` (an EscalationLevel name like "handler", or a callable(obj) → users)."""

    audience: str | Callable[[Any], Iterable[Any]]
    topic: str


@dataclass(frozen=True)
class Transition:
    name: str
    label: str | Promise
    source: tuple[str, ...]
    target: str
    roles: tuple[str, ...] = ()
    action: str = "change"
    fields: tuple[str, ...] = ()
    required: tuple[str, ...] = ()
    attachments: tuple[str, ...] = ()
    conditions: tuple[Condition, ...] = ()
    guards: tuple[Guard, ...] = ()
    start: tuple[StartClock, ...] = ()
    stop: tuple[str, ...] = ()
    cancel: tuple[str, ...] = ()
    pause: tuple[str, ...] = ()
    resume: tuple[str, ...] = ()
    extend: str | None = None
    notify: tuple[Notify, ...] = ()
    # Fields the engine fills with who fired the transition and when (e.g. replied_by/at).
    stamp_user: str | None = None
    stamp_time: str | None = None
    # Keys of `data` the machine's door reads beside `fields` (a transfer's reason).
    inputs: tuple[str, ...] = ()
    # Attachment kinds the step accepts without requiring them (`attachments` are required).
    uploads: tuple[str, ...] = ()
    # What the step does that cannot be undone, said before a person takes it (an approved
    # document is immutable, a delivery starts the complainant's window, 销号 ends the ledger
    # entry): the page asks them to confirm it first. An API client's post is its confirmation.
    confirm: str | Promise | None = None

    @property
    def accepted_files(self) -> tuple[str, ...]:
        return (*self.attachments, *self.uploads)


def _region_of(obj: Any) -> Any:
    return getattr(obj, "region", None)


def _attachment_count(obj: Any, kind: str) -> int:
    counter = getattr(obj, "attachment_count", None)
    return counter(kind) if counter is not None else 0


@dataclass
class Machine:
    model: type[models.Model]
    states: type[models.TextChoices]
    initial: str
    transitions: tuple[Transition, ...]
    # Where the item sits, for rule jurisdiction and escalation audiences.
    region_of: Callable[[Any], Any] = _region_of
    attachment_count: Callable[[Any, str], int] = _attachment_count
    audience: Callable[[Any, int], Iterable[Any]] | None = None
    # Guards of every transition of the machine (see Guard).
    guards: tuple[Guard, ...] = ()
    # Dotted path of the service every transition goes through (a `Door`); None: the engine.
    door: str | None = None
    _by_name: dict[str, Transition] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._by_name = {t.name: t for t in self.transitions}
        known = set(self.states.values)
        for t in self.transitions:
            unknown = (set(t.source) | {t.target}) - known - {STAY}
            if unknown:
                raise ValueError(f"{self.model.__name__}.{t.name}: unknown states {unknown}")

    def transition(self, name: str) -> Transition | None:
        return self._by_name.get(name)

    def confirm_text(self, name: str) -> str:
        """What step `name` does that cannot be undone ("" for a step that asks nothing)."""
        step = self.transition(name)
        return str(step.confirm) if step is not None and step.confirm else ""

    def leaving(self, state: str) -> list[Transition]:
        return [t for t in self.transitions if state in t.source]

    @cached_property
    def door_function(self) -> Door | None:
        # Resolved on first use: the service module imports the machine module it serves.
        return import_string(self.door) if self.door else None


_registry: dict[type[models.Model], Machine] = {}


def register(machine: Machine) -> Machine:
    _registry[machine.model] = machine
    return machine


def machine_for(model: type[models.Model] | models.Model) -> Machine:
    cls = model if isinstance(model, type) else type(model)
    for klass in cls.__mro__:
        if klass in _registry:
            return _registry[klass]
    raise LookupError(f"{cls.__name__} declares no workflow machine")


def registered_model(app_label: str, model_name: str) -> type[models.Model] | None:
    """A model with a machine, found by its content-type names (for subjects of clocks)."""
    for model in _registry:
        if (model._meta.app_label, model._meta.model_name) == (app_label, model_name):
            return model
    return None


def registered_machines() -> list[Machine]:
    return list(_registry.values())


def autodiscover() -> None:
    """Import `<app>.machines` for every installed app that has one."""
    for config in apps.get_app_configs():
        module = f"{config.name}.machines"
        if find_spec(module) is not None:
            import_module(module)
