"""Remember django-tables2's per-cell signature lookups.

django-tables2 calls `inspect.signature` on the render function of every cell (50 rows × 8
columns = 400 calls a page, about a third of a list page's time on the 1 M premises bench).
The answer depends only on the function, so it is computed once per function; a bound
method's answer is the same for every instance of its class.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from django_tables2 import utils

_MAX_REMEMBERED = 4096
_remembered: dict[tuple[Any, bool], tuple[tuple[str, ...], str | None]] = {}
_original_signature: Callable[[Any], tuple[tuple[str, ...], str | None]] = utils.signature


def remembered_signature(fn: Any) -> tuple[tuple[str, ...], str | None]:
    key = (getattr(fn, "__func__", fn), hasattr(fn, "__self__"))
    try:
        return _remembered[key]
    except (KeyError, TypeError):  # TypeError: an unhashable callable, computed every time
        result = _original_signature(fn)
        if len(_remembered) >= _MAX_REMEMBERED:  # functions made at run time must not pile up
            _remembered.clear()
        with contextlib.suppress(TypeError):
            _remembered[key] = result
        return result


def install() -> None:
    utils.signature = remembered_signature
