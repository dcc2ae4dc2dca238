"""The name of each door an audit entry came through (its `source`), in the reader's language.

The entry stores a short key (`web`, `worker`, `command:demo_data`) because the hash chain seals
it; pages show the name registered for it. Each app registers the doors it opens from its
AppConfig.ready(); a key nobody named is shown as stored.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class AuditSources:
    def __init__(self) -> None:
        self._labels: dict[str, str | Promise] = {}

    def register(self, labels: Mapping[str, str | Promise]) -> None:
        self._labels.update(labels)

    def label(self, source: str) -> str:
        label = self._labels.get(source)
        return str(label) if label is not None else source


audit_sources = AuditSources()
audit_sources.register(
    {
        "web": _("Web pages"),
        "api": _("API"),
        "admin": _("Administration site"),
        "system": _("System"),
    }
)
