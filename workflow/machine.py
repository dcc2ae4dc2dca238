"""Declaring state machines: each domain app lists its transitions in its own `workflow.py`.

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
compare-and-set write, the audit entry, the clocks and the notifications, in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import import_module
from importlib.util import find_spec
from typing import Any

from django.apps import apps
from django.db import models
from django.utils.functional import Promise

# A condition returns None when satisfied, or the message that explains why not.
Condition = Callable[[Any, Any, dict[str, Any]], "str | Promise | None"]


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
    _by_name: dict[str, Transition] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._by_name = {t.name: t for t in self.transitions}
        known = set(self.states.values)
        for t in self.transitions:
            unknown = (set(t.source) | {t.target}) - known
            if unknown:
                raise ValueError(f"{self.model.__name__}.{t.name}: unknown states {unknown}")

    def transition(self, name: str) -> Transition | None:
        return self._by_name.get(name)

    def leaving(self, state: str) -> list[Transition]:
        return [t for t in self.transitions if state in t.source]


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


def autodiscover() -> None:
    """Import `<app>.workflow` for every installed app that has one."""
    for config in apps.get_app_configs():
        module = f"{config.name}.workflow"
        if find_spec(module) is not None:
            import_module(module)
