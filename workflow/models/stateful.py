"""The base every stateful domain model inherits: a state and a version for optimistic locking."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class StatefulModel(models.Model):
    """State is changed only by `workflow.engine.fire`; `version` rises by one on every write.

    A write names the version it read; the engine's compare-and-set UPDATE fails when someone
    else wrote in between, so a stale form or API call is refused instead of silently winning.
    """

    state = models.CharField(_("state"), max_length=32, db_index=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True

    def get_state_display(self) -> str:
        """The state by its label, as Django names a field's choice."""
        return self.value_labels("state").get(self.state, self.state)

    @classmethod
    def value_labels(cls, field_name: str) -> dict[str, str]:
        """The state's values by their labels: the machine declares the states."""
        # The machines import the models, so the registry is read only when asked.
        from workflow.machine import machine_for

        try:
            machine = machine_for(cls)
        except LookupError:
            return {}
        if field_name != "state":
            return {}
        return {value: str(label) for value, label in machine.states.choices}
