"""`{{ value|moment }}` and `{{ value|deadline }}`: core.times for templates, so a page, PDF or
message shows a date-time exactly as exports and notifications do."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template

from core.times import DATE, deadline_text, moment_text, value_text

register = template.Library()


@register.filter
def moment(value: Any, day_format: str = DATE) -> Any:
    if isinstance(value, dt.datetime):
        return moment_text(value, day_format)
    return value_text(value) if value else ""


@register.filter
def deadline(value: Any, day_format: str = DATE) -> Any:
    if isinstance(value, dt.datetime):
        return deadline_text(value, day_format)
    return value_text(value) if value else ""
