"""What Open311 shows: services (the public matter categories), service definitions (their
questions) and service requests (complaints), field by field as GeoReport v2 names them.

Letters-and-visits matters are confidential (Letters and Visits Regulations 2022, Arts 30 and
46). A request document is the public read of a matter an administrator's decision and the desk's
own writing made public: its category is published, the desk wrote a public summary for it, and
it did not come by letter or visit. It carries that summary, the township or village and a
position to about 100 m, the hour it was received; never the desk's summary, the complainant's
own words or identity, the unit complained about, or a note addressed to the complainant.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
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
    Channel,
    ComplaintState,
)
from complaints.models import Category, CategoryAttribute, Complaint
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


# Matters that came in person or on paper are never published, whatever their category.
UNPUBLISHED_CHANNELS = (Channel.VISIT, Channel.LETTER)
# Three decimals of a degree: about 100 m, enough to see the street, not the door.
PUBLIC_POSITION = Decimal("0.001")


def public_requests() -> QuerySet[Complaint]:
    """The matters anyone may read, with what a request document reads."""
    return (
        Complaint.objects.filter(category__published=True)
        .exclude(public_summary="")
        .exclude(channel__in=UNPUBLISHED_CHANNELS)
        .select_related("category", "department", "region")
    )


def request_documents(complaints: Iterable[Complaint]) -> list[dict[str, Any]]:
    """Documents of `complaints` in two queries whatever their number (complaints, clocks)."""
    complaints = list(complaints)
    due = expected_dues(complaints)
    return [request_document(complaint, due.get(complaint.pk)) for complaint in complaints]


def request_document(complaint: Complaint, due: Any) -> dict[str, Any]:
    status = open311_status(complaint.state)
    return {
        "service_request_id": complaint.number,
        "status": status,
        "status_notes": complaint.public_note.strip() or None,
        "service_name": complaint.category.name,
        "service_code": complaint.category.code,
        "description": complaint.public_summary,
        "agency_responsible": complaint.department.name if complaint.department else None,
        "service_notice": service_notice(complaint.state),
        "requested_datetime": w3_datetime(to_the_hour(complaint.received_at)),
        "updated_datetime": w3_datetime(to_the_hour(complaint.updated)),
        "expected_datetime": w3_datetime(due) if status == "open" else None,
        # The township or village, never the street and number the desk recorded.
        "address": complaint.region.name,
        "address_id": complaint.region.code,
        "zipcode": None,
        "lat": public_position(complaint.lat),
        "long": public_position(complaint.long),
        # Media sent with a request is the complainant's material and stays protected.
        "media_url": None,
    }


def to_the_hour(moment: dt.datetime) -> dt.datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def public_position(degrees: Decimal | None) -> float | None:
    return float(degrees.quantize(PUBLIC_POSITION)) if degrees is not None else None


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
