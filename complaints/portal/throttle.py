"""Per-address limits on the public portal: submissions and tracking look-ups.

The portal has no login, so the only thing to count by is where a request comes from. Counts
live in Django's cache (one fixed window per address and action); with the default
local-memory cache each server process counts on its own, which is enough to stop a script
hammering one process and costs no extra server. docs/configuration.md: PORTAL_*.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

SUBMIT = "submit"
TRACK = "track"


@dataclass(frozen=True)
class Limit:
    count: int
    window: int  # seconds


def limit_for(action: str) -> Limit:
    window = int(settings.PORTAL_RATE_WINDOW)
    count = settings.PORTAL_SUBMIT_LIMIT if action == SUBMIT else settings.PORTAL_TRACK_LIMIT
    return Limit(int(count), window)


def client_address(request: HttpRequest) -> str:
    """The caller's address: REMOTE_ADDR, or the header a trusted reverse proxy sets."""
    header = settings.PORTAL_CLIENT_IP_HEADER
    forwarded = request.META.get(header, "") if header else ""
    # A proxy appends; the right-most entry is the one our own proxy saw.
    address = forwarded.split(",")[-1].strip() if forwarded else ""
    return address or str(request.META.get("REMOTE_ADDR", "unknown"))


def _key(action: str, address: str, window: int) -> tuple[str, int]:
    slot = int(time.time()) // window
    return f"portal:{action}:{address}:{slot}", (slot + 1) * window


def retry_after(action: str) -> int:
    """Seconds until the current window ends."""
    _, ends = _key(action, "", limit_for(action).window)
    return max(ends - int(time.time()), 1)


def allow(request: HttpRequest, action: str) -> bool:
    """Count one attempt of `action` from the caller; False once the window's limit is used."""
    limit = limit_for(action)
    key, _ = _key(action, client_address(request), limit.window)
    cache.add(key, 0, timeout=limit.window + 1)
    try:
        used = cache.incr(key)
    except ValueError:  # expired between add and incr: this is the first attempt
        cache.set(key, 1, timeout=limit.window + 1)
        used = 1
    return used <= limit.count
