"""What Open311 shows: services (the public matter categories), service definitions (their
questions) and service requests (complaints), field by field as GeoReport v2 names them.

A request document is a public read of a public matter. It carries the matter as the desk
registered it (the summary), never the complainant's own words, name, phone or email
(Letters and Visits Regulations 2022, Arts 30 and 46), and never an internal note.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext as _

from complaints.choices import (
    HANDLING_CLOCKS,
    OPEN_STATES,
    REGISTER_ROUTE,
    REREVIEW_OPINION,
    REVIEW_OPINION,
    ComplaintState,
)
from complaints.models import CaseNote, Category, CategoryAttribute, Complaint
from complaints.open311.formats import w3_datetime
from workflow.choices import OPEN_CLOCK_STATES
from workflow.models import Clock

SPEC_URL = "http://wiki.open311.org/GeoReport_v2"


def offered_categories() -> QuerySet[Category]:
    """The services: public categories with no subcategories (a parent is the leaves' group)."""
    parents = Category.objects.filter(parent__isnull=False).values("parent_id")
    return Category.objects.filter(public=True).exclude(pk__in=parents)


def service_list() -> list[dict[str, Any]]:
    asks = CategoryAttribute.objects.filter(category=OuterRef("pk"))
    categories = offered_categories().select_related("parent").annotate(asks=Exists(asks))
    return [service_document(category) for category in categories]


def service_document(category: Category) -> dict[str, Any]:
    parent = category.parent
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": category.description or None,
        "metadata": bool(getattr(category, "asks", False)),
        # realtime: the POST answers with the service_request_id at once.
        "type": "realtime",
        "keywords": category.keywords or None,
        "group": parent.name if parent is not None else None,
    }


def service_definition(category: Category, attributes: Iterable[CategoryAttribute]) -> dict:
    return {
        "service_code": category.code,
        "attributes": [
            attribute_document(attribute, position)
            for position, attribute in enumerate(attributes, start=1)
        ],
    }


def attribute_document(attribute: CategoryAttribute, position: int) -> dict[str, Any]:
    # The spec's order is a positive integer unique within the service: the position in the
    # configured order (CategoryAttribute.order may repeat or be 0).
    return {
        "variable": True,
        "code": attribute.code,
        "datatype": attribute.datatype,
        "required": attribute.required,
        "datatype_description": None,
        "order": position,
        "description": attribute.description,
        "values": [{"key": o.key, "name": o.name} for o in attribute.options.all()],
    }


def open311_status(state: str) -> str:
    return "open" if state in OPEN_STATES else "closed"


STATE_NOTICES = {
    # Letters and Visits Regulations 2022, Art. 22: registered and routed within 15 days.
    ComplaintState.RECEIVED: lambda: _(
        "Received. It is registered and passed to the responsible unit within 15 days."
    ),
    ComplaintState.ASSIGNED: lambda: _(
        "With the responsible unit, which decides whether to accept it."
    ),
    # Art. 34: handled within 60 days of acceptance; a written opinion follows.
    ComplaintState.HANDLING: lambda: _(
        "Accepted and being handled; a written opinion follows within the statutory time."
    ),
    ComplaintState.REVIEWING: lambda: _("Under review at the complainant's request."),
    ComplaintState.REREVIEWING: lambda: _("Under re-review at the complainant's request."),
}


def service_notice(state: str) -> str:
    notice = STATE_NOTICES.get(ComplaintState(state))
    return notice() if notice is not None else str(ComplaintState(state).label)


def public_requests() -> QuerySet[Complaint]:
    """Complaints of the categories offered to citizens, with what a request document reads."""
    return Complaint.objects.filter(category__public=True).select_related(
        "category", "department", "region"
    )


def request_documents(complaints: Iterable[Complaint]) -> list[dict[str, Any]]:
    """Documents of `complaints` in three queries whatever their number (complaints, clocks,
    notes)."""
    complaints = list(complaints)
    due = expected_dues(complaints)
    notes = public_notes(complaints)
    return [
        request_document(complaint, due.get(complaint.pk), notes.get(complaint.pk))
        for complaint in complaints
    ]


def request_document(complaint: Complaint, due: Any, note: str | None) -> dict[str, Any]:
    status = open311_status(complaint.state)
    return {
        "service_request_id": complaint.number,
        "status": status,
        "status_notes": note,
        "service_name": complaint.category.name,
        "service_code": complaint.category.code,
        "description": complaint.summary or None,
        "agency_responsible": complaint.department.name if complaint.department else None,
        "service_notice": service_notice(complaint.state),
        "requested_datetime": w3_datetime(complaint.received_at),
        "updated_datetime": w3_datetime(complaint.updated),
        "expected_datetime": w3_datetime(due) if status == "open" else None,
        "address": complaint.address or None,
        "address_id": complaint.region.code,
        "zipcode": None,
        "lat": float(complaint.lat) if complaint.lat is not None else None,
        "long": float(complaint.long) if complaint.long is not None else None,
        # Media sent with a request is the complainant's material and stays protected.
        "media_url": None,
    }


def expected_dues(complaints: Sequence[Complaint]) -> dict[int, Any]:
    """When each open complaint is due an answer: its open handling or (re-)review opinion clock,
    else its register-and-route clock (none while a unit decides whether to accept it)."""
    if not complaints:
        return {}
    kinds = (REGISTER_ROUTE, *HANDLING_CLOCKS, REVIEW_OPINION, REREVIEW_OPINION)
    clocks = Clock.objects.filter(
        content_type=ContentType.objects.get_for_model(Complaint),
        object_id__in=[complaint.pk for complaint in complaints],
        state__in=OPEN_CLOCK_STATES,
        kind__in=kinds,
    ).values_list("object_id", "kind", "due")
    dues: dict[int, Any] = {}
    for complaint_id, _kind, due in sorted(clocks, key=lambda row: row[1] != REGISTER_ROUTE):
        dues[complaint_id] = due  # handling clocks sort last and win
    return dues


def public_notes(complaints: Sequence[Complaint]) -> dict[int, str]:
    """What each complaint tells the complainant: its public note, else the latest note written for
    the complainant. Internal notes never leave the building."""
    notes = {
        complaint.pk: complaint.public_note
        for complaint in complaints
        if complaint.public_note.strip()
    }
    missing = [complaint.pk for complaint in complaints if complaint.pk not in notes]
    if missing:
        rows = (
            CaseNote.objects.filter(complaint_id__in=missing, for_complainant=True)
            .order_by("complaint_id", "at", "id")
            .values_list("complaint_id", "text")
        )
        for complaint_id, text in rows:
            notes[complaint_id] = text  # the latest one stays
    return notes
