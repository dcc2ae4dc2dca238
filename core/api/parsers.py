"""The API's JSON parser: a body nested deeper than any of our documents is refused with a 400
before a serializer walks it (Python's parser would otherwise fail with a RecursionError, a 500).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

# Our deepest document (a complaint with complainants and answers) is 3 levels deep.
MAX_DEPTH = 32


class BoundedJSONParser(JSONParser):
    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(too_deep()) from None
        if depth_exceeds(data, MAX_DEPTH):
            raise ParseError(too_deep())
        return data


def too_deep() -> str:
    return _("The JSON body is nested deeper than %(n)s levels.") % {"n": MAX_DEPTH}


def depth_exceeds(data: Any, limit: int) -> bool:
    """Whether arrays and objects in `data` nest deeper than `limit` (walked without recursion)."""
    pending = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        children = value.values() if isinstance(value, Mapping) else value
        if isinstance(value, Mapping | list):
            if depth > limit:
                return True
            pending.extend((child, depth + 1) for child in children)
    return False
