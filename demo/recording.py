"""Audit entries for generated rows, written in the same batches as the rows.

Small runs (the demo county) get one create entry per row, exactly what the app writes, so
every object's history tab shows its creation. At scale, hashing and storing one chained
entry per row would cost more than the rows themselves (see docs/benchmarks.md), so each
batch gets one entry naming the model and the id range it created.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from core.audit import append_entries, current_context, record_bulk_create
from core.choices import AuditAction
from core.models import AuditEntry

# Up to this many premises (the default demo county), every generated row gets its own entry.
PER_ROW_AUDIT_LIMIT = 2_000


class AuditRecorder:
    def __init__(self, per_row: bool, seed: int) -> None:
        self.per_row = per_row
        self.seed = seed
        self.entries = 0

    def record(
        self,
        model: type[models.Model],
        ids: range,
        instances: Callable[[], Iterable[models.Model]],
    ) -> None:
        """Record the creation of rows `ids`; `instances` builds them only when needed."""
        if not ids:
            return
        if self.per_row:
            self.entries += record_bulk_create(instances())
        else:
            append_entries([self.batch_entry(model, ids)])
            self.entries += 1

    def batch_entry(self, model: type[models.Model], ids: range) -> AuditEntry:
        context = current_context()
        first, last = ids[0], ids[-1]
        return AuditEntry(
            timestamp=timezone.now(),
            actor=None,
            actor_label=context.actor_label[:150],
            source=context.source[:64],
            request_id=context.request_id[:64],
            action=AuditAction.CREATE,
            content_type=ContentType.objects.get_for_model(model),
            object_id=f"{first}-{last}",
            object_repr=f"{len(ids)} × {model._meta.verbose_name} #{first}–#{last}"[:200],
            changes={
                "bulk": [
                    None,
                    {"first_id": first, "last_id": last, "count": len(ids), "seed": self.seed},
                ]
            },
        )
