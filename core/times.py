"""Date-times as a person reads them: the one place a stored moment becomes text.

Moments are stored in UTC. Every page, export, PDF, notification and the citizen portal shows
them in the configured zone (settings.TIME_ZONE) to the minute (DESIGN.md §2). A deadline that
ends with its day reads `24:00` of that day, never `00:00` of the next (Civil Code Art. 203: the
last day of a period ends at 24:00). The API is not a reader: it keeps ISO 8601 with the offset.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext as _

DATE = "Y-m-d"
TIME = "H:i"


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def local_moment(moment: dt.datetime) -> dt.datetime:
    """`moment` in the configured zone; a naive value is taken as already local."""
    zone = local_zone()
    return moment.astimezone(zone) if moment.tzinfo else moment.replace(tzinfo=zone)


def moment_text(moment: dt.datetime, day_format: str = DATE) -> str:
    """A moment in the configured zone, to the minute: `2026-12-08 00:15`."""
    return date_format(local_moment(moment), f"{day_format} {TIME}")


def deadline_text(due: dt.datetime, day_format: str = DATE, *, provisional: bool = False) -> str:
    """A deadline as people say it: one ending with its day reads `2026-12-15 24:00`.

    A provisional deadline (counted before the year's official holidays were published,
    DESIGN.md §4) says so, so nobody takes it for firm."""
    local = local_moment(due)
    if local.time() == dt.time.min:
        text = f"{date_format(local.date() - dt.timedelta(days=1), day_format)} 24:00"
    else:
        text = moment_text(local, day_format)
    return f"{text} ({_('provisional')})" if provisional else text


class DeadlineField(models.DateTimeField):
    """A date-time that is a deadline: shown as `24:00` of its last day wherever it is read.

    Stored exactly as a DateTimeField (it deconstructs as one, so it needs no migration).
    """

    def deconstruct(self) -> Any:
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.DateTimeField", args, kwargs


def value_text(value: Any, *, deadline: bool = False) -> Any:
    """A model value as a person reads it: date-times as above, dates as `YYYY-MM-DD`, the rest
    unchanged (the caller decides how to print it)."""
    if isinstance(value, dt.datetime):
        return deadline_text(value) if deadline else moment_text(value)
    if isinstance(value, dt.date):
        return date_format(value, DATE)
    return value


def field_text(field: Any, value: Any) -> Any:
    """A value of a model field as a person reads it, whether live or as the audit log keeps
    it (ISO 8601 text): a deadline field reads 24:00 of its last day."""
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
    return value_text(value, deadline=isinstance(field, DeadlineField))
