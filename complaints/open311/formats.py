"""GeoReport v2 wire formats: XML (required by the spec) and JSON (the Spark convention, a
programmatic mapping of the XML), and the spec's error documents.

Spec: http://wiki.open311.org/GeoReport_v2 — "Format Support", "Errors".
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

from django.http import HttpResponse
from django.utils import timezone

FORMATS = ("json", "xml")
CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
# XML element of one item in each list (services/service, attributes/attribute…).
ITEM_NAMES = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}
# Characters XML 1.0 cannot carry at all (a stored control character must not break a feed).
_NOT_XML = re.compile("[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class Open311Error(Exception):
    """A failure the client is told about in the spec's error document, with its HTTP code:
    400 bad request, 403 missing or invalid api_key, 404 unknown resource."""

    def __init__(self, status: int, description: str, *more: str) -> None:
        super().__init__(description)
        self.status = status
        self.descriptions = [description, *more]


def w3_datetime(value: dt.datetime | None) -> str | None:
    """W3C date-time with its offset, in the configured zone: 2026-01-30T09:15:00+08:00."""
    if value is None:
        return None
    return timezone.localtime(value).isoformat(timespec="seconds")


def _xml_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return escape(_NOT_XML.sub("", str(value)))


def _xml_element(name: str, value: Any, out: list[str]) -> None:
    if isinstance(value, Mapping):
        out.append(f"<{name}>")
        for key, inner in value.items():
            _xml_element(key, inner, out)
        out.append(f"</{name}>")
    elif isinstance(value, list):
        out.append(f"<{name}>")
        item = ITEM_NAMES[name]
        for inner in value:
            _xml_element(item, inner, out)
        out.append(f"</{name}>")
    elif value is None or value == "":
        out.append(f"<{name}/>")
    else:
        out.append(f"<{name}>{_xml_text(value)}</{name}>")


def to_xml(root: str, document: Any) -> str:
    out = ['<?xml version="1.0" encoding="utf-8"?>']
    _xml_element(root, document, out)
    return "".join(out)


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def to_json(document: Any) -> str:
    return json.dumps(document, ensure_ascii=False, default=_json_default)


def render(root: str, document: Any, fmt: str, status: int = 200) -> HttpResponse:
    """`document` under the XML root `root` (JSON has no root: the Spark convention drops it)."""
    body = to_xml(root, document) if fmt == "xml" else to_json(document)
    return HttpResponse(body.encode(), status=status, content_type=CONTENT_TYPES[fmt])


def render_error(error: Open311Error, fmt: str) -> HttpResponse:
    errors = [{"code": error.status, "description": text} for text in error.descriptions]
    # An unsupported format is answered in XML, the format every client must read.
    return render("errors", errors, fmt if fmt in FORMATS else "xml", error.status)
