"""`{{ value|moment }}` and `{{ value|deadline }}`: core.times for templates, so a page, PDF or
message shows a date-time exactly as exports and notifications do."""

from __future__ import annotations

import datetime as dt

from django import template

from core.times import DATE, deadline_text, moment_text

register = template.Library()


@register.filter
def moment(value: dt.datetime | None, day_format: str = DATE) -> str:
    return moment_text(value, day_format) if value else ""


@register.filter
def deadline(value: dt.datetime | None, day_format: str = DATE) -> str:
    return deadline_text(value, day_format) if value else ""
