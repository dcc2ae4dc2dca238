"""Writing and checking the audit chain.

Operations call `record_change` explicitly (never from signals) so that UI, API, admin,
commands and bulk jobs are all recorded. The actor, request id and source come from the
`audit_context` the request middleware or the command set up.
"""

from __future__ import annotations

import datetime
import decimal
import hashlib
import json
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from core.choices import AuditAction
from core.models import AuditChainHead, AuditEntry

GENESIS_HASH = "0" * 64
# Secrets are never copied into the audit log; a change to one is recorded as a change only.
SECRET_FIELDS = frozenset({"password", "key", "bin_key", "secret", "token", "otp_secret"})
HIDDEN = "[hidden]"
# Bookkeeping the tree and timestamps maintain themselves; the entry's own time says when.
UNAUDITED_FIELDS = frozenset({"path", "depth", "created", "updated", "last_login"})


@dataclass(frozen=True)
class AuditContext:
    actor: Any = None
    source: str = "system"
    request_id: str = ""
    request: Any = None

    @property
    def resolved_actor(self) -> Any:
        # Read from the request at write time: DRF authenticates tokens inside the view,
        # after the middleware has opened the context.
        actor = getattr(self.request, "user", None) if self.request is not None else self.actor
        return actor if getattr(actor, "is_authenticated", False) else None

    @property
    def actor_label(self) -> str:
        actor = self.resolved_actor
        return actor.get_username() if actor is not None else self.source


_context: ContextVar[AuditContext | None] = ContextVar("audit_context", default=None)


@contextmanager
def audit_context(
    actor: Any = None, source: str = "system", request_id: str = "", request: Any = None
) -> Iterator[None]:
    token = _context.set(AuditContext(actor, source, request_id or uuid.uuid4().hex, request))
    try:
        yield
    finally:
        _context.reset(token)


def current_context() -> AuditContext:
    return _context.get() or AuditContext()


def plain_value(value: Any) -> Any:
    """A JSON value that survives a database round trip unchanged (hashes depend on it)."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, float, uuid.UUID)):
        return str(value)
    if isinstance(value, (list, tuple, set, frozenset)):
        return sorted(plain_value(item) for item in value)
    if isinstance(value, models.Model):
        return value.pk
    return str(value)


def snapshot(instance: models.Model) -> dict[str, Any]:
    """Field values of an instance, many-to-many fields as sorted id lists."""
    data: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if field.name in UNAUDITED_FIELDS:
            continue
        value = plain_value(field.value_from_object(instance))
        if field.name in SECRET_FIELDS:
            value = _fingerprint(value)
        data[field.attname] = value
    if instance.pk is not None:
        for field in instance._meta.many_to_many:
            data[field.name] = sorted(getattr(instance, field.name).values_list("pk", flat=True))
    return data


def _fingerprint(secret: Any) -> str | None:
    """Enough to tell that a secret changed, not enough to recover it."""
    if secret in (None, ""):
        return None
    return f"{HIDDEN} {hashlib.sha256(str(secret).encode()).hexdigest()[:8]}"


def diff(before: dict[str, Any] | None, after: dict[str, Any] | None) -> dict[str, list[Any]]:
    before, after = before or {}, after or {}
    return {
        key: [before.get(key), after.get(key)]
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


def entry_digest(entry: AuditEntry) -> str:
    content = {
        "seq": entry.seq,
        "timestamp": entry.timestamp.astimezone(datetime.UTC).isoformat(),
        "actor": entry.actor_id,
        "actor_label": entry.actor_label,
        "source": entry.source,
        "request_id": entry.request_id,
        "action": entry.action,
        "content_type": entry.content_type_id,
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "changes": entry.changes,
        "prev_hash": entry.prev_hash,
    }
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _chain_head() -> AuditChainHead:
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
    return head


def _new_entry(
    action: str, instance: models.Model, changes: dict[str, Any], context: AuditContext
) -> AuditEntry:
    return AuditEntry(
        timestamp=timezone.now(),
        actor=context.resolved_actor,
        actor_label=context.actor_label[:150],
        source=context.source[:64],
        request_id=context.request_id[:64],
        action=action,
        content_type=ContentType.objects.get_for_model(instance, for_concrete_model=True),
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        changes=changes,
    )


def append_entries(entries: Iterable[AuditEntry]) -> list[AuditEntry]:
    """Chain and store entries in order, holding the chain head's lock for the whole batch."""
    with transaction.atomic():
        head = _chain_head()
        chained = []
        for entry in entries:
            head.seq += 1
            entry.seq = head.seq
            entry.prev_hash = head.hash
            entry.hash = entry_digest(entry)
            head.hash = entry.hash
            chained.append(entry)
        AuditEntry.objects.bulk_create(chained, batch_size=2000)
        head.save(update_fields=["seq", "hash"])
    return chained


def record_change(
    instance: models.Model, before: dict[str, Any] | None, *, deleted: bool = False
) -> AuditEntry | None:
    """Record a create (before=None), update or delete; an update that changed nothing is not."""
    after = None if deleted else snapshot(instance)
    changes = diff(before, after)
    if not changes and before is not None and not deleted:
        return None
    if deleted:
        action = AuditAction.DELETE
    elif before is None:
        action = AuditAction.CREATE
    else:
        action = AuditAction.UPDATE
    return append_entries([_new_entry(action, instance, changes, current_context())])[0]


def record_bulk_create(instances: Iterable[models.Model]) -> int:
    """One create entry per row, for imports and data generation (bulk_create skips save())."""
    context = current_context()
    entries = (
        _new_entry(AuditAction.CREATE, instance, diff(None, snapshot(instance)), context)
        for instance in instances
    )
    return len(append_entries(entries))


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    entry_id: int | None
    reason: str


def verify_chain(batch_size: int = 5000) -> tuple[int, ChainProblem | None]:
    """Walk the chain in order; return how many entries were checked and the first problem."""
    expected_prev, expected_seq, checked = GENESIS_HASH, 1, 0
    entries = AuditEntry.objects.order_by("seq")
    for entry in entries.iterator(chunk_size=batch_size):
        if entry.seq != expected_seq:
            return checked, ChainProblem(
                expected_seq, None, f"entry #{expected_seq} is missing (next is #{entry.seq})"
            )
        if entry.prev_hash != expected_prev:
            return checked, ChainProblem(
                entry.seq, entry.pk, "its link to the previous entry does not match"
            )
        if entry_digest(entry) != entry.hash:
            return checked, ChainProblem(entry.seq, entry.pk, "its content does not match its hash")
        expected_prev, expected_seq, checked = entry.hash, expected_seq + 1, checked + 1
    head = AuditChainHead.objects.filter(pk=1).first()
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS_HASH)
    if head_seq != checked or head_hash != expected_prev:
        return checked, ChainProblem(
            checked + 1 if head_seq > checked else checked,
            None,
            f"the chain should end at entry #{head_seq} but ends at #{checked}",
        )
    return checked, None
