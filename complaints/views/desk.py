"""The clerk's desk: today's intake, and the statutory clocks of the desk's complaints that are due
soon or overdue (DESIGN.md §6), each row linking to the complaint.

Clocks are read from the one Clock table (content type Complaint, the kinds of
complaints.machines.complaints.ALL_CLOCKS) for the complaints the user may view, so every list is
a fixed number of queries whatever its length. A paused clock (hearing time, Art. 36) is not
running and is left out: its due time moves when it resumes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils import timezone

from complaints.choices import ComplaintState
from complaints.machines.complaints import ALL_CLOCKS
from complaints.models import Complaint
from core.accounts import signed_in_user
from core.models import User
from core.times import deadline_text
from core.views.generic import RestrictedView
from workflow.calendar import local_date, local_zone
from workflow.choices import ClockState
from workflow.models import Clock

# "Due soon": the clock ends within this long from now.
DUE_SOON = dt.timedelta(days=3)
ROWS = 100  # rows shown per list; the heading gives the full count
CASE_JOINS = ("category", "region", "department")
STATE_LABELS = dict(ComplaintState.choices)


@dataclass
class ClockRow:
    clock: Clock
    complaint: Complaint
    due: str
    url: str


@dataclass
class Desk:
    today: list[Complaint]
    today_count: int
    due_soon: list[ClockRow]
    due_soon_count: int
    overdue: list[ClockRow]
    overdue_count: int


def detail_url_maker() -> Any:
    """pk → the complaint page's URL (reversed once; "" while the complaint page is not
    installed)."""
    try:
        template = reverse("complaints:complaint_detail", args=[0])
    except NoReverseMatch:
        return lambda pk: ""
    head, _, tail = template.rpartition("/0/")
    return lambda pk: f"{head}/{pk}/{tail}"


def complaints_in_scope(user: User) -> QuerySet[Complaint]:
    return Complaint.objects.restrict(user, "view")


def received_today(user: User, now: dt.datetime) -> QuerySet[Complaint]:
    """Complaints received since local midnight (the desk's working day)."""
    midnight = dt.datetime.combine(local_date(now), dt.time.min, tzinfo=local_zone())
    return (
        complaints_in_scope(user)
        .filter(received_at__gte=midnight, received_at__lte=now)
        .select_related(*CASE_JOINS)
        .order_by("-received_at", "-pk")
    )


def running_clocks(user: User) -> QuerySet[Clock]:
    """Running statutory clocks of the complaints the user may view."""
    return Clock.objects.filter(
        content_type=ContentType.objects.get_for_model(Complaint),
        kind__in=ALL_CLOCKS,
        state=ClockState.RUNNING,
        object_id__in=complaints_in_scope(user).values("pk"),
    ).select_related("rule")


def due_soon_clocks(user: User, now: dt.datetime) -> QuerySet[Clock]:
    return running_clocks(user).filter(due__gte=now, due__lt=now + DUE_SOON).order_by("due", "pk")


def overdue_clocks(user: User, now: dt.datetime) -> QuerySet[Clock]:
    return running_clocks(user).filter(due__lt=now).order_by("due", "pk")


def clock_rows(clocks: list[Clock], url_of: Any) -> list[ClockRow]:
    """Each clock with its complaint, the complaints read in one query."""
    complaints = Complaint.objects.select_related(*CASE_JOINS).in_bulk(
        {clock.object_id for clock in clocks}
    )
    return [
        ClockRow(
            clock, complaints[clock.object_id], deadline_text(clock.due), url_of(clock.object_id)
        )
        for clock in clocks
        if clock.object_id in complaints
    ]


def desk_for(user: User, now: dt.datetime | None = None) -> Desk:
    now = now or timezone.now()
    url_of = detail_url_maker()
    today = received_today(user, now)
    soon, late = due_soon_clocks(user, now), overdue_clocks(user, now)
    today_rows = list(today[:ROWS])
    for complaint in today_rows:
        complaint.url = url_of(complaint.pk)  # type: ignore[attr-defined]
        complaint.state_label = STATE_LABELS.get(complaint.state, complaint.state)  # type: ignore[attr-defined]
    return Desk(
        today=today_rows,
        today_count=today.count(),
        due_soon=clock_rows(list(soon[:ROWS]), url_of),
        due_soon_count=soon.count(),
        overdue=clock_rows(list(late[:ROWS]), url_of),
        overdue_count=late.count(),
    )


class DeskView(RestrictedView):
    """For the desk (complaints.add_complaint): what came in today and what is running late."""

    model = Complaint

    def required_action(self) -> str:
        return "add"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        context = {"desk": desk_for(signed_in_user(request)), "soon_days": DUE_SOON.days}
        return render(request, "complaints/desk.html", context)


urlpatterns: list[URLPattern] = [
    path("desk/", DeskView.as_view(), name="desk"),
]
