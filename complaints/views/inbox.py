"""The unit inbox: what the user's units have to do on complaints, soonest deadline first.

Three lists, each with its count at the top: complaints routed to the unit and waiting for it to
accept (or object within 5 working days, Letters and Visits Regulations 2022, Art. 23), complaints
it is handling with their handling deadline (Art. 34: 60 days; a 12345 limit for hotline
complaints), and the open tasks of the unit on other units' complaints. The matter only, never who
complained.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone

from complaints.choices import (
    HANDLING_CLOCKS,
    REMIT_OBJECTION,
    REREVIEW_OPINION,
    REVIEW_OPINION,
    ComplaintState,
    TaskState,
)
from complaints.models import Complaint, HandlingTask
from complaints.tables import with_next_due
from core.scoping import scope_of
from core.times import deadline_text
from core.views.generic import RestrictedView

ROWS = 100  # per list; the counts above are the full numbers
AWAITING = (ComplaintState.ASSIGNED,)
IN_HAND = (ComplaintState.HANDLING, ComplaintState.REVIEWING, ComplaintState.REREVIEWING)
IN_HAND_CLOCKS = (*HANDLING_CLOCKS, REVIEW_OPINION, REREVIEW_OPINION)


def due_rows(rows: list[Any], now: Any) -> list[Any]:
    """Each row gets its deadline as people say it and whether it has passed."""
    for row in rows:
        due = getattr(row, "next_due", None) or getattr(row, "due", None)
        row.due_text = deadline_text(due) if due else ""
        row.late = bool(due and due < now)
    return rows


class InboxView(RestrictedView):
    model = HandlingTask
    action = "change"
    template_name = "complaints/inbox.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user, now = self.user, timezone.now()
        units = scope_of(user).department_ids
        complaints = (
            Complaint.objects.restrict(user)
            .filter(department_id__in=units)
            .select_related("category", "region", "department")
        )
        awaiting = with_next_due(complaints.filter(state__in=AWAITING), (REMIT_OBJECTION,))
        in_hand = with_next_due(complaints.filter(state__in=IN_HAND), IN_HAND_CLOCKS)
        tasks = (
            HandlingTask.objects.restrict(user)
            .filter(department_id__in=units, state=TaskState.OPEN)
            .select_related("complaint", "department")
            .order_by("due", "pk")
        )
        late_in_hand = in_hand.filter(next_due__lt=now)
        context = {
            "has_units": bool(units),
            "awaiting": due_rows(list(awaiting.order_by("next_due", "pk")[:ROWS]), now),
            "in_hand": due_rows(list(in_hand.order_by("next_due", "pk")[:ROWS]), now),
            "tasks": due_rows(list(tasks[:ROWS]), now),
            "counts": {
                "awaiting": awaiting.count(),
                "in_hand": in_hand.count(),
                "overdue": late_in_hand.count(),
                "tasks": tasks.count(),
                "tasks_overdue": tasks.filter(due__lt=now).count(),
            },
        }
        return render(request, self.template_name, context)


urlpatterns: list[URLPattern] = [path("inbox/", InboxView.as_view(), name="inbox")]
