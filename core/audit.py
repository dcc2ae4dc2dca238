"""Writing and checking the audit chain.

Operations call `record_change` explicitly (never from signals) so that UI, API, admin,
commands and bulk jobs are all recorded. The actor, request id and source come from the
`audit_context` the request middleware or the command set up.
"""

from __future__ import annotations

import datetime
import decimal
import hashlib
import hmac
import json
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from json.encoder import encode_basestring
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.utils import timezone

from core.bulk import adapter, write_rows
from core.choices import AuditAction
from core.models import AuditChainHead, AuditEntry, User

GENESIS_HASH = "0" * 64
# Secrets are never copied into the audit log; a change to one is recorded as a change only.
SECRET_FIELDS = frozenset({"password", "key", "bin_key", "secret", "token", "otp_secret"})
HIDDEN = "[hidden]"
# Bookkeeping the tree and timestamps maintain themselves; the entry's own time says when.
UNAUDITED_FIELDS = frozenset({"path", "depth", "created", "updated", "last_login"})


@dataclass(frozen=True)
class AuditContext:
    actor: User | None = None
    source: str = "system"
    request_id: str = ""
    request: Any = None

    @property
    def resolved_actor(self) -> User | None:
        # Read from the request at write time: DRF authenticates tokens inside the view,
        # after the middleware has opened the context.
        actor = getattr(self.request, "user", None) if self.request is not None else self.actor
        return actor if getattr(actor, "is_authenticated", False) else None

    @property
    def actor_label(self) -> str:
        actor = self.resolved_actor
        return actor.get_username() if actor is not None else self.source


_context: ContextVar[AuditContext | None] = ContextVar("audit_context", default=None)
# Entries written inside `deferred_audit()`, chained together when it ends.
_deferred: ContextVar[list[AuditEntry] | None] = ContextVar("audit_deferred", default=None)


@contextmanager
def audit_context(
    actor: User | None = None, source: str = "system", request_id: str = "", request: Any = None
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
        if field.name in _masked_fields(type(instance)):
            value = _fingerprint(value)
        data[field.attname] = value
    if instance.pk is not None:
        for field in instance._meta.many_to_many:
            data[field.name] = sorted(getattr(instance, field.name).values_list("pk", flat=True))
    return data


def _masked_fields(model: type[models.Model]) -> frozenset[str]:
    """Secrets, and what a model declares protected (a complainant's identity): the log keeps
    that they changed, never their values."""
    return SECRET_FIELDS | frozenset(getattr(model, "AUDIT_MASKED_FIELDS", ()))


def _fingerprint(secret: Any) -> str | None:
    """Enough to tell that a secret changed, not enough to recover it.

    A phone number or a common name has few enough candidates that a bare hash of it is
    recovered by trying them all, so the hash is keyed with `AUDIT_KEY`, which is kept out of
    the database: a reader of the log (the auditor) cannot try candidates without it (Letters
    and Visits Regulations 2022 Arts 30, 46: the complainant's identity stays protected).
    Entries keep the text they were hashed with, so a new key never breaks the chain.
    """
    if secret in (None, ""):
        return None
    key = settings.AUDIT_KEY.encode()
    digest = hmac.new(key, str(secret).encode(), hashlib.sha256).hexdigest()
    return f"{HIDDEN} {digest[:16]}"


def diff(before: dict[str, Any] | None, after: dict[str, Any] | None) -> dict[str, list[Any]]:
    before, after = before or {}, after or {}
    return {
        key: [before.get(key), after.get(key)]
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


def entry_digest(entry: AuditEntry) -> str:
    return entry_hash(
        entry.seq,
        entry.timestamp,
        entry.actor_id,
        entry.actor_label,
        entry.source,
        entry.request_id,
        entry.action,
        entry.content_type_id,
        entry.object_id,
        entry.object_repr,
        _canonical(entry.changes),
        entry.prev_hash,
    )


def entry_hash(
    seq: int,
    timestamp: datetime.datetime,
    actor_id: Any,
    actor_label: str,
    source: str,
    request_id: str,
    action: str,
    content_type_id: int | None,
    object_id: str,
    object_repr: str,
    changes_json: str,
    prev_hash: str,
) -> str:
    """The one definition of an entry's hash (ADR 0002), for stored and bulk-built entries:
    SHA-256 of the entry as canonical JSON (keys sorted, no spaces, UTF-8 unescaped; what
    `json.dumps(..., sort_keys=True, ensure_ascii=False, separators=(",", ":"))` writes),
    spelt out in that key order with json's own string encoder so that a bulk writer hands
    over the changes it has already encoded for storage. `changes_json` is `_canonical`."""
    text = encode_basestring
    moment = timestamp.astimezone(datetime.UTC).isoformat()
    canonical = (
        f'{{"action":{text(action)},"actor":{_scalar(actor_id)},'
        f'"actor_label":{text(actor_label)},"changes":{changes_json},'
        f'"content_type":{_scalar(content_type_id)},"object_id":{text(object_id)},'
        f'"object_repr":{text(object_repr)},"prev_hash":{text(prev_hash)},'
        f'"request_id":{text(request_id)},"seq":{seq:d},"source":{text(source)},'
        f'"timestamp":{text(moment)}}}'
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def _scalar(value: Any) -> str:
    """A key's JSON: the common integer and null written directly."""
    if value is None:
        return "null"
    return str(value) if type(value) is int else _canonical(value)


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


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


@contextmanager
def deferred_audit() -> Iterator[None]:
    """Chain the entries recorded inside the block in one append when it ends without error.

    The chain head is a single row every writer locks until commit; a busy path (public
    intake) takes it once, as its last statement, instead of once per record.
    """
    entries: list[AuditEntry] = []
    token = _deferred.set(entries)
    try:
        yield
    finally:
        _deferred.reset(token)
    if entries:
        append_entries(entries)


def _append_one(entry: AuditEntry) -> AuditEntry:
    deferred = _deferred.get()
    if deferred is None:
        return append_entries([entry])[0]
    deferred.append(entry)
    return entry


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
    return _append_one(_new_entry(action, instance, changes, current_context()))


def record_view(instance: models.Model, fields: Sequence[str]) -> AuditEntry:
    """Record that the current actor was shown protected `fields` of `instance`."""
    changes = {"shown": [None, sorted(fields)]}
    return _append_one(_new_entry(AuditAction.VIEW, instance, changes, current_context()))


def record_bulk_create(instances: Iterable[models.Model]) -> int:
    """One create entry per row, for imports and data generation (bulk_create skips save())."""
    context = current_context()
    entries = (
        _new_entry(AuditAction.CREATE, instance, diff(None, snapshot(instance)), context)
        for instance in instances
    )
    return len(append_entries(entries))


def record_creates(instances: Sequence[models.Model]) -> int:
    """The same create entries as `record_bulk_create`, for rows just inserted in bulk
    (imports): each entry's changes, repr, time and hash are computed as there, but in plain
    Python and stored with one multi-row INSERT per block instead of the ORM's per-object
    machinery. The chain head stays locked for the whole batch, as in `append_entries`."""
    if not instances:
        return 0
    context = current_context()
    actor = context.resolved_actor
    actor_id = actor.pk if actor is not None else None
    label, source = context.actor_label[:150], context.source[:64]
    request_id = context.request_id[:64]
    model = type(instances[0])
    fields, content_type_id = _snapshot_fields(model), _content_type_id(model)
    many = _many_to_many_values(instances)
    rows: list[tuple[Any, ...]] = []
    with transaction.atomic():
        head = _chain_head()
        seq, prev = head.seq, head.hash
        for instance in instances:
            if type(instance) is not model:
                model = type(instance)
                fields, content_type_id = _snapshot_fields(model), _content_type_id(model)
            values = _snapshot_values(instance, fields, many)
            # diff(None, snapshot): every field with a value, as [None, value], sorted.
            changes = {
                key: [None, values[key]] for key in sorted(values) if values[key] is not None
            }
            object_id, object_repr = str(instance.pk), str(instance)[:200]
            timestamp = timezone.now()
            seq += 1
            changes_json = _canonical(changes)
            digest = entry_hash(
                seq, timestamp, actor_id, label, source, request_id, AuditAction.CREATE,
                content_type_id, object_id, object_repr, changes_json, prev,
            )  # fmt: skip
            rows.append(
                (seq, timestamp, actor_id, label, source, request_id, AuditAction.CREATE,
                 content_type_id, object_id, object_repr, changes_json, prev, digest)
            )  # fmt: skip
            prev = digest
            if len(rows) >= _INSERT_ROWS:
                _insert_entries(rows)
                rows = []
        _insert_entries(rows)
        head.seq, head.hash = seq, prev
        head.save(update_fields=["seq", "hash"])
    return len(instances)


_ENTRY_COLUMNS = (
    "seq", "timestamp", "actor_id", "actor_label", "source", "request_id", "action",
    "content_type_id", "object_id", "object_repr", "changes", "prev_hash", "hash",
)  # fmt: skip
_INSERT_ROWS = 2000
_PLAIN = frozenset({str, int, bool, type(None)})  # plain_value returns these as they are
# (attname, field, is a secret) of the fields `snapshot` copies, per model.
_SnapshotFields = tuple[tuple[tuple[str, models.Field, bool], ...], tuple[str, ...]]
_snapshot_cache: dict[type[models.Model], _SnapshotFields] = {}


def _snapshot_fields(model: type[models.Model]) -> _SnapshotFields:
    if model not in _snapshot_cache:
        concrete = tuple(
            (field.attname, field, field.name in _masked_fields(model))
            for field in model._meta.concrete_fields
            if field.name not in UNAUDITED_FIELDS
        )
        _snapshot_cache[model] = (concrete, tuple(f.name for f in model._meta.many_to_many))
    return _snapshot_cache[model]


def _snapshot_values(
    instance: models.Model,
    fields: _SnapshotFields,
    many: dict[tuple[type[models.Model], str], dict[Any, list[Any]]],
) -> dict[str, Any]:
    """`snapshot(instance)`, with the many-to-many ids read for the whole batch at once."""
    data: dict[str, Any] = {}
    for attname, _field, secret in fields[0]:
        value = getattr(instance, attname)  # what field.value_from_object reads
        if type(value) not in _PLAIN:
            value = plain_value(value)
        data[attname] = _fingerprint(value) if secret else value
    for name in fields[1]:
        data[name] = many[(type(instance), name)].get(instance.pk, [])
    return data


def _many_to_many_values(
    instances: Sequence[models.Model],
) -> dict[tuple[type[models.Model], str], dict[Any, list[Any]]]:
    """Per (model, many-to-many field): object id → sorted related ids, one query per field."""
    found: dict[tuple[type[models.Model], str], dict[Any, list[Any]]] = {}
    by_model: dict[type[models.Model], list[Any]] = {}
    for instance in instances:
        by_model.setdefault(type(instance), []).append(instance.pk)
    for model, keys in by_model.items():
        for field in model._meta.many_to_many:
            through = field.remote_field.through
            assert through is not None  # set up when the models are loaded
            source = field.m2m_field_name()
            target = field.m2m_reverse_field_name()
            ids: dict[Any, list[Any]] = {}
            pairs = through._default_manager.filter(**{f"{source}__in": keys})
            for owner, related in pairs.values_list(source, target).iterator():
                ids.setdefault(owner, []).append(related)
            found[(model, field.name)] = {key: sorted(value) for key, value in ids.items()}
    return found


def _content_type_id(model: type[models.Model]) -> int:
    # Django's own cache: it is cleared when the content types are created again (a flushed
    # test database), where a cache of our own would keep ids that no longer exist.
    return ContentType.objects.get_for_model(model, for_concrete_model=True).pk


def _insert_entries(rows: list[tuple[Any, ...]]) -> None:
    """Store chained rows; the changes column takes the canonical JSON text where the
    database keeps JSON as text or parses it on COPY (SQLite, PostgreSQL)."""
    if not rows:
        return
    stamp = adapter(AuditEntry._meta.get_field("timestamp"))
    assert stamp is not None  # a date-time column always has one
    as_text = connection.vendor in ("sqlite", "postgresql")
    changes_field = AuditEntry._meta.get_field("changes")
    write_rows(
        AuditEntry._meta.db_table,
        _ENTRY_COLUMNS,
        [
            (
                *row[:1],
                stamp(row[1]),
                *row[2:10],
                row[10]
                if as_text
                else changes_field.get_db_prep_save(json.loads(row[10]), connection),
                *row[11:],
            )
            for row in rows
        ],
    )


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
