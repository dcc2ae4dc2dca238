"""The name of each kind of clock in the reader's language.

A clock rule row is data (DESIGN.md §4: an administrator adds a version without a release), so
its `label` is whatever was typed, in one language. The apps that start clocks know their kinds
and register a translatable name for each from their AppConfig.ready(); pages, exports and
notifications show that name, and the stored label only for a kind no app has named.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.functional import Promise


class ClockLabels:
    def __init__(self) -> None:
        self._labels: dict[str, str | Promise] = {}

    def register(self, labels: Mapping[str, str | Promise]) -> None:
        self._labels.update(labels)

    def of(self, kind: str, stored: str) -> str:
        label = self._labels.get(kind)
        return str(label) if label is not None else stored


clock_labels = ClockLabels()
