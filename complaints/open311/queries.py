"""GET Service Requests: the filters and defaults of GeoReport v2.

- service_request_id (comma list) overrides every other filter;
- service_code (comma list), status (open, closed; comma list);
- start_date / end_date (W3C date-times) may not span more than 90 days; without them the most
  recent 90 days;
- at most 1000 requests, newest first ("Response Volume": 90 days or the first 1000 requests,
  whichever is smaller).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.choices import OPEN_STATES
from complaints.models import Complaint
from complaints.open311.formats import Open311Error

MAX_RESULTS = 1000
MAX_SPAN = dt.timedelta(days=90)
MAX_IDS = 1000
STATUSES = ("open", "closed")


def comma_list(data: QueryDict, name: str) -> list[str]:
    values: list[str] = []
    for raw in data.getlist(name):
        values.extend(part.strip() for part in raw.split(",") if part.strip())
    return values


def parse_w3(value: str, name: str) -> dt.datetime:
    """A W3C date-time; one without a zone is read in the configured time zone."""
    try:
        moment = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise Open311Error(
            400,
            _("%(field)s must be a W3C date and time, e.g. 2026-01-01T00:00:00Z.")
            % {"field": name},
        ) from None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def date_range(data: QueryDict) -> tuple[dt.datetime, dt.datetime]:
    start_text, end_text = data.get("start_date", "").strip(), data.get("end_date", "").strip()
    start = parse_w3(start_text, "start_date") if start_text else None
    end = parse_w3(end_text, "end_date") if end_text else None
    try:
        if start is None:
            end = end or timezone.now()
            start = end - MAX_SPAN
        elif end is None:
            end = start + MAX_SPAN
    except OverflowError:  # 90 days before year 1 or after year 9999
        raise Open311Error(400, _("start_date or end_date is out of range.")) from None
    if end < start:
        raise Open311Error(400, _("end_date is before start_date."))
    if end - start > MAX_SPAN:
        raise Open311Error(400, _("start_date and end_date may not span more than 90 days."))
    return start, end


def filter_requests(complaints: QuerySet[Complaint], data: QueryDict) -> QuerySet[Complaint]:
    ids = comma_list(data, "service_request_id")
    if ids:
        if len(ids) > MAX_IDS:
            raise Open311Error(
                400, _("At most %(n)s service_request_id values at once.") % {"n": MAX_IDS}
            )
        return complaints.filter(number__in=ids).order_by("-received_at", "-id")
    codes = comma_list(data, "service_code")
    if codes:
        complaints = complaints.filter(category__code__in=codes)
    statuses = comma_list(data, "status")
    unknown = set(statuses) - set(STATUSES)
    if unknown:
        raise Open311Error(400, _("status must be open or closed (comma-separated)."))
    if set(statuses) == {"open"}:
        complaints = complaints.filter(state__in=OPEN_STATES)
    elif set(statuses) == {"closed"}:
        complaints = complaints.exclude(state__in=OPEN_STATES)
    start, end = date_range(data)
    complaints = complaints.filter(received_at__gte=start, received_at__lte=end)
    return complaints.order_by("-received_at", "-id")[:MAX_RESULTS]
