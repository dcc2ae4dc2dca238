"""Checks that a response is a GeoReport v2 document: JSON against the schemas in schemas/
(see schemas/README.md for where they come from), XML for well-formedness and element names.

Used by the tests and handy when checking a deployment by hand:
    validate_json(json.loads(body), "requests")
"""

from __future__ import annotations

import datetime as dt
import json
import re
from functools import cache
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from jsonschema import Draft202012Validator, FormatChecker

SCHEMAS = Path(__file__).parent / "schemas"
# W3C date-time (a subset of ISO 8601) with a time zone, which the spec requires.
_W3_DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$")
FORMATS = FormatChecker()


@FORMATS.checks("date-time")
def _is_w3_datetime(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not _W3_DATETIME.match(value):
        return False
    dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return True


@FORMATS.checks("uri")
def _is_uri(value: object) -> bool:
    return not isinstance(value, str) or bool(re.match(r"^[a-z][a-z0-9+.-]*://\S+$", value))


@cache
def validator(name: str) -> Draft202012Validator:
    schema = json.loads((SCHEMAS / f"{name}.json").read_text(encoding="utf-8"))
    return Draft202012Validator(schema, format_checker=FORMATS)


def schema_errors(document: Any, name: str) -> list[str]:
    """What in `document` breaks schema `name` (empty when it conforms)."""
    return [
        f"{'/'.join(map(str, error.absolute_path)) or '(root)'}: {error.message}"
        for error in validator(name).iter_errors(document)
    ]


def parse_xml(body: bytes) -> ElementTree.Element:
    """The root element of a well-formed UTF-8 XML document with the XML declaration."""
    if not body.startswith(b'<?xml version="1.0" encoding="utf-8"?>'):
        raise ValueError("the XML declaration with encoding utf-8 is missing")
    return ElementTree.fromstring(body)
