"""Submitting a matter on the public portal (no login), and the receipt shown once.

A submission is checked in full (the form, the human check, every attachment) before anything
is stored; then the complaint, the protected identity, the original words and the photos are
stored in one transaction through `register_complaint`, the one way a complaint comes into being.
The receipt code and query password are kept in the session only until the receipt page has
shown them, never in a URL.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from complaints.choices import Channel
from complaints.portal import humancheck, throttle
from complaints.portal.forms import SubmitForm
from complaints.services.channels import channel_account
from complaints.services.intake import (
    ComplainantData,
    Intake,
    Receipt,
    RespondentData,
    register_complaint,
)
from core.audit import audit_context

RECEIPT_KEY = "portal_receipt"


def limited(request: HttpRequest, action: str) -> HttpResponse:
    """429 with the time to wait, on a page a person can read."""
    wait = throttle.retry_after(action)
    response = render(
        request, "portal/limited.html", {"minutes": max(1, round(wait / 60))}, status=429
    )
    response["Retry-After"] = str(wait)
    return response


def complainants_of(data: dict[str, Any]) -> list[ComplainantData]:
    """The person who wrote, or nobody (anonymous: Art. 23's notice is then not owed)."""
    person = ComplainantData(
        name=data["name"], phone=data["phone"], address=data["contact_address"],
        email=data["email"],
    )  # fmt: skip
    given = (person.name, person.phone, person.address, person.email)
    return [person] if any(v.strip() for v in given) else []


def intake_of(form: SubmitForm) -> Intake:
    data = form.cleaned_data
    return Intake(
        channel=Channel.PORTAL,
        category=data["category"],
        region=form.region_or_top,
        title=data["title"],
        # The complainant's own words are the original material; the desk writes the summary
        # the units read (the original never reaches the unit complained about).
        original_text=data["description"],
        summary="",
        address=data["where_address"],
        received_at=timezone.now(),
        complainants=complainants_of(data),
        respondents=[RespondentData(department=unit)] if (unit := data["respondent_unit"]) else [],
        answers=data.get("answers", {}),
    )


def file_from_portal(form: SubmitForm, request: HttpRequest) -> Receipt:
    """Register the complaint as the portal's account (the audit log names the channel). The intake
    service refuses, storing nothing, a matter concluded after re-review (Art. 36)."""
    account = channel_account(Channel.PORTAL)
    intake = intake_of(form)
    intake.attachments = form.cleaned_data["attachments"]
    with audit_context(actor=account, source="portal", request_id=getattr(request, "id", "")):
        return register_complaint(intake, None)


def _refuse(form: SubmitForm, error: ValidationError) -> None:
    fields = error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
    for field, messages in fields.items():
        target = field if field in form.fields else None
        for message in messages:
            form.add_error(target, message)


def _try_to_file(request: HttpRequest, form: SubmitForm) -> Receipt | None:
    if not humancheck.use(form.cleaned_data["human_token"]):
        form.add_error("human_answer", _("This question was already used; answer the new one."))
        return None
    try:
        return file_from_portal(form, request)
    except ValidationError as error:
        _refuse(form, error)
        return None


@never_cache
@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        if not throttle.allow(request, throttle.SUBMIT):
            return limited(request, throttle.SUBMIT)
        form = SubmitForm(request.POST, request.FILES)
        receipt = _try_to_file(request, form) if form.is_valid() else None
        if receipt is not None:
            request.session[RECEIPT_KEY] = {
                "number": receipt.complaint.number,
                "code": receipt.receipt_code,
                "password": receipt.query_password,
                "contact_known": receipt.complaint.contact_known,
                "emergency": receipt.complaint.category.is_emergency(),
            }
            return redirect("portal:receipt")
        form.fresh_question()
    else:
        form = SubmitForm()
    return render(request, "portal/submit.html", {"form": form})


@never_cache
@require_http_methods(["GET"])
def receipt(request: HttpRequest) -> HttpResponse:
    """The receipt code and query password, shown this once (the password is not stored in a
    readable form anywhere: a lost one cannot be shown again)."""
    shown = request.session.pop(RECEIPT_KEY, None)
    return render(request, "portal/receipt.html", {"receipt": shown})
