"""Observers of writes to records: what a write changed, told to whoever keeps derived figures.

The dashboards' aggregate tables (reports.rollups) must move with every change of a hazard or a
case. Rather than the engine knowing about reports, an app registers an observer here; the
engine and the services that write counted records wrap their writes in `observed(...)`. An
observer sees the records before the write (to take their old contribution) and after it (the
new one).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from typing import Any

from django.db import models

Observer = Callable[[list[models.Model]], AbstractContextManager[None]]
_observers: list[Observer] = []


def register_observer(observer: Observer) -> None:
    if observer not in _observers:
        _observers.append(observer)


@contextmanager
def observed(*records: models.Model | None) -> Iterator[None]:
    """Wrap a write of `records` (saved or about to be: a record saved inside the block is
    seen afterwards by its primary key). Call inside the write's transaction."""
    present = [record for record in records if record is not None]
    if not present or not _observers:
        yield
        return
    with ExitStack() as stack:
        for observer in _observers:
            stack.enter_context(observer(present))
        yield


def observed_ids(model: type[models.Model], ids: list[Any]) -> AbstractContextManager[None]:
    """`observed` for rows known by id only (a bulk write)."""
    return observed(*(model(pk=pk) for pk in ids))
