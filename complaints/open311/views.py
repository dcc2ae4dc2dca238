"""Open311 GeoReport v2 endpoints (DESIGN.md §3): discovery, services, service definitions,
requests (GET and POST), one request, tokens; each in XML and JSON.

Reading needs no key and shows published matters only, with the fields of documents.py. Creating
needs an api_key (`manage.py open311_key NAME`) and goes through the one intake of every
channel, `complaints.services.intake.register_complaint`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from complaints.choices import Channel, ComplaintState
from complaints.models import CategoryAttribute, Complaint
from complaints.open311 import documents, keys, queries, submissions
from complaints.open311.formats import FORMATS, Open311Error, render, render_error
from complaints.services.channels import channel_account
from complaints.services.intake import register_complaint
from core.audit import audit_context

View = Callable[..., HttpResponse]


def open311_view(*methods: str) -> Callable[[View], View]:
    """Checks the format and the method and answers every failure in the spec's error format."""

    def decorate(view: View) -> View:
        @csrf_exempt
        @wraps(view)
        def wrapper(request: HttpRequest, fmt: str, **kwargs: Any) -> HttpResponse:
            try:
                if fmt not in FORMATS:
                    raise Open311Error(
                        400, _("Unknown format %(f)s: use json or xml.") % {"f": fmt}
                    )
                refuse_nul_characters(request, kwargs)
                if request.method not in methods:
                    raise Open311Error(
                        405, _("Method %(m)s is not allowed here.") % {"m": request.method}
                    )
                return view(request, fmt, **kwargs)
            except Open311Error as error:
                response = render_error(error, fmt)
                if error.status == 405:
                    response["Allow"] = ", ".join(methods)
                return response

        return wrapper

    return decorate


def refuse_nul_characters(request: HttpRequest, path_values: dict[str, str]) -> None:
    # PostgreSQL text cannot hold NUL: a lookup with one would fail inside the database.
    values = [*path_values.values(), *(v for _key, vs in request.GET.lists() for v in vs)]
    if any("\x00" in value for value in values):
        raise Open311Error(400, _("The request contains a NUL character."))


@open311_view("GET", "HEAD")
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    """Service Discovery (http://wiki.open311.org/Service_Discovery): where the API lives."""
    base = request.build_absolute_uri(reverse("open311:services", args=["json"]))
    document = {
        "changeset": "2026-11-25T00:00:00+08:00",
        "contact": _("The letters and visits bureau (信访局) of this jurisdiction."),
        "key_service": _("API keys are issued by the administrators (manage.py open311_key)."),
        "endpoints": [
            {
                "specification": documents.SPEC_URL,
                "url": base.removesuffix("/services.json"),
                "changeset": "2026-11-25T00:00:00+08:00",
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return render("discovery", document, fmt)


@open311_view("GET", "HEAD")
def services(request: HttpRequest, fmt: str) -> HttpResponse:
    return render("services", documents.service_list(), fmt)


@open311_view("GET", "HEAD")
def service_definition(request: HttpRequest, fmt: str, code: str) -> HttpResponse:
    category = documents.offered_categories().filter(code=code).first()
    if category is None:
        raise Open311Error(404, _("service_code %(code)s was not found.") % {"code": code})
    attributes = CategoryAttribute.objects.filter(category=category).prefetch_related("options")
    return render("service_definition", documents.service_definition(category, attributes), fmt)


@open311_view("GET", "HEAD", "POST")
def service_requests(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return create_request(request, fmt)
    complaints = queries.filter_requests(documents.public_requests(), request.GET)
    return render("service_requests", documents.request_documents(complaints), fmt)


@open311_view("GET", "HEAD")
def service_request(request: HttpRequest, fmt: str, number: str) -> HttpResponse:
    complaint = documents.public_requests().filter(number=number).first()
    if complaint is None:
        raise Open311Error(
            404, _("service_request_id %(id)s was not found.") % {"id": number[:100]}
        )
    return render("service_requests", documents.request_documents([complaint]), fmt)


@open311_view("GET", "HEAD")
def token(request: HttpRequest, fmt: str, token: str) -> HttpResponse:
    try:
        value = uuid.UUID(token)
    except ValueError:
        value = None
    # The token is the submitter's own receipt: it names the id whether or not the matter is
    # published, and nothing else.
    found = (
        Complaint.objects.filter(service_request_token=value).only("number").first()
        if value is not None
        else None
    )
    if found is None:
        raise Open311Error(404, _("token %(token)s was not found.") % {"token": token[:100]})
    document = [{"service_request_id": found.number, "token": str(value)}]
    return render("service_requests", document, fmt)


def posted_form(request: HttpRequest) -> QueryDict:
    """The POST body, within OPEN311_MAX_BODY_BYTES (413 past it)."""
    limit = settings.OPEN311_MAX_BODY_BYTES
    too_large = Open311Error(413, _("The request is larger than %(n)s bytes.") % {"n": limit})
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise Open311Error(400, _("Content-Length is not a number.")) from None
    if length > limit:
        raise too_large
    try:
        return request.POST
    except RequestDataTooBig:
        raise too_large from None
    except TooManyFieldsSent:
        raise Open311Error(400, _("The request has too many fields.")) from None


def create_request(request: HttpRequest, fmt: str) -> HttpResponse:
    data = posted_form(request)
    client = keys.client_for_key(data.get("api_key") or request.GET.get("api_key") or "")
    if client is None:
        raise Open311Error(403, _("Missing or invalid api_key: a key is required to create."))
    if not keys.allow_post(client):
        raise Open311Error(429, _("Too many requests with this api_key: try again in a minute."))
    intake = submissions.build_intake(data, client)
    actor = channel_account(Channel.OPEN311)
    request_id = getattr(request, "id", "")
    with audit_context(actor=actor, source="open311", request_id=request_id):
        try:
            receipt = register_complaint(intake, None)
        except ValidationError as error:
            raise Open311Error(400, *error.messages) from None
    created = {
        "service_request_id": receipt.complaint.number,
        "token": str(intake.service_request_token),
        "service_notice": documents.service_notice(ComplaintState.RECEIVED),
        "account_id": data.get("account_id", "").strip()[:100] or None,
    }
    return render("service_requests", [created], fmt)
