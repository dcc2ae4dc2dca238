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
