"""Open311 API keys: issued by `manage.py open311_key NAME`, stored as a digest only, looked up
once per request and kept a few seconds in the process, and a per-key POST rate limit.

GeoReport v2 ("POST Service Request"): POST requires an api_key; a missing or invalid one is
answered with HTTP 403.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from complaints.models import Open311Client
from core.audit import record_change, snapshot

KEY_BYTES = 24  # 32 URL-safe characters: 192 random bits
PREFIX_LENGTH = 8
# A key found (or found missing) is trusted this long in one process: POSTs come at hundreds a
# second and each would otherwise read the key row. A deactivated or rotated key stops working
# within this many seconds.
LOOKUP_TTL_SECONDS = 30.0
RATE_WINDOW_SECONDS = 60.0


def key_digest(key: str) -> str:
    # A plain SHA-256 is enough for 192 random bits (nothing to guess), and it survives a change
    # of SECRET_KEY, which a keyed digest would not.
    return hashlib.sha256(key.encode()).hexdigest()


def new_key() -> str:
    return secrets.token_urlsafe(KEY_BYTES)


class KeyExists(Exception):
    """The client already holds a key; replacing it must be asked for (rotate)."""


@transaction.atomic
def issue_key(name: str, *, rotate: bool = False) -> tuple[Open311Client, str, bool]:
    """A new key for client `name` (made on first use): (client, key, created). The key is
    returned this once; only its digest is stored. An existing client's key is replaced only
    with `rotate`, and the old key stops working."""
    key = new_key()
    client = Open311Client.objects.select_for_update().filter(name=name).first()
    if client is None:
        client = Open311Client.objects.create(
            name=name, key_prefix=key[:PREFIX_LENGTH], key_digest=key_digest(key)
        )
        record_change(client, None)
        return client, key, True
    if not rotate:
        raise KeyExists(name)
    before = snapshot(client)
    client.key_prefix, client.key_digest, client.active = key[:PREFIX_LENGTH], key_digest(key), True
    client.save(update_fields=["key_prefix", "key_digest", "active"])
    record_change(client, before)
    forget_keys()
    return client, key, False


@transaction.atomic
def revoke_key(name: str) -> Open311Client | None:
    """Set client `name` inactive: its key stops working (None if there is no such client)."""
    client = Open311Client.objects.select_for_update().filter(name=name).first()
    if client is not None and client.active:
        before = snapshot(client)
        client.active = False
        client.save(update_fields=["active"])
        record_change(client, before)
        forget_keys()
    return client


@dataclass
class _Cached:
    client: Open311Client | None
    until: float


_lookups: dict[str, _Cached] = {}
_lock = threading.Lock()


def forget_keys() -> None:
    with _lock:
        _lookups.clear()
        _hits.clear()


def client_for_key(key: str) -> Open311Client | None:
    """The active client holding `key`, or None."""
    if not key or len(key) > 200:
        return None
    digest = key_digest(key)
    now = time.monotonic()
    cached = _lookups.get(digest)
    if cached is not None and cached.until > now:
        return cached.client
    client = Open311Client.objects.filter(key_digest=digest, active=True).first()
    if client is not None:
        _mark_used(client)
    with _lock:
        if len(_lookups) > 10_000:  # a flood of invented keys must not grow memory for ever
            _lookups.clear()
        _lookups[digest] = _Cached(client, now + LOOKUP_TTL_SECONDS)
    return client


def _mark_used(client: Open311Client) -> None:
    # At most once per lookup period, and without reading the row again.
    now = timezone.now()
    Open311Client.objects.filter(pk=client.pk).update(last_used=now)
    client.last_used = now


_hits: dict[int, tuple[float, int]] = {}


def allow_post(client: Open311Client) -> bool:
    """Fixed one-minute window per client in this process (OPEN311_RATE_LIMIT_PER_MINUTE)."""
    limit = settings.OPEN311_RATE_LIMIT_PER_MINUTE
    now = time.monotonic()
    with _lock:
        start, count = _hits.get(client.pk, (now, 0))
        if now - start >= RATE_WINDOW_SECONDS:
            start, count = now, 0
        if count >= limit:
            return False
        _hits[client.pk] = (start, count + 1)
    return True
