"""Tracking a matter with its receipt code and query password; rating the reply; asking for a
review. The look-up opens a tracking session (the complaint id in the session, nothing in URLs);
every other page here acts only on the case that session holds.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from complaints.choices import DocumentKind
from complaints.machines.complaints import COMPLAINT
from complaints.models import CaseDocument, Complaint
from complaints.portal import public, throttle
from complaints.portal.forms import RateForm, ReviewForm, TrackForm
from complaints.portal.views import limited
from complaints.services.intake import password_matches
from core.pdf import pdf_response, render_pdf
from workflow.clocks import due_text
from workflow.errors import WorkflowError

TRACK_KEY = "portal_tracking"


def tracked(request: HttpRequest) -> Complaint | None:
    pk = request.session.get(TRACK_KEY)
    return Complaint.objects.filter(pk=pk).first() if pk else None


def tracked_or_404(request: HttpRequest) -> Complaint:
    complaint = tracked(request)
    if complaint is None:
        raise Http404
    return complaint


def look_up(code: str, password: str) -> Complaint | None:
    complaint = Complaint.objects.filter(receipt_code=code).first()
    if complaint is None or not password_matches(complaint, password):
        return None
    return complaint


def _open_tracking(request: HttpRequest, form: TrackForm) -> bool:
    complaint = look_up(form.cleaned_data["receipt_code"], form.cleaned_data["password"])
    if complaint is None:
        # One message for both: nobody learns which receipt codes exist.
        form.add_error(None, _("The receipt code or the query password is not right."))
        return False
    request.session.cycle_key()
    request.session[TRACK_KEY] = complaint.pk
    return True


def complaint_context(
    complaint: Complaint, review_form: ReviewForm | None = None
) -> dict[str, object]:
    found = public.window(complaint)
    transition, clock = found if found else ("", None)
    return {
        "review_form": review_form or ReviewForm(),
        # What asking does, as the machine says it to staff (Transition.confirm).
        "review_warning": COMPLAINT.confirm_text(transition) if transition else "",
        "complaint": complaint,
        "status": public.status_text(complaint),
        "deadlines": public.citizen_deadlines(complaint),
        "notes": public.notes_for_complainant(complaint),
        "replies": public.replies(complaint),
        "rating": public.portal_rating(complaint),
        "rate_form": RateForm() if public.may_rate(complaint) else None,
        "review_transition": transition,
        "review_closed": public.window_closed(clock, timezone.now()),
        "review_due": due_text(clock) if clock else "",
    }


@never_cache
@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    form = TrackForm()
    if request.method == "POST":
        if not throttle.allow(request, throttle.TRACK):
            return limited(request, throttle.TRACK)
        form = TrackForm(request.POST)
        if form.is_valid() and _open_tracking(request, form):
            return redirect("portal:track")
    complaint = tracked(request) if request.method == "GET" else None
    if complaint is None:
        return render(request, "portal/track_login.html", {"form": form})
    return render(request, "portal/track.html", complaint_context(complaint))


@require_POST
def track_end(request: HttpRequest) -> HttpResponse:
    request.session.pop(TRACK_KEY, None)
    return redirect("portal:track")


@require_POST
def rate(request: HttpRequest) -> HttpResponse:
    complaint = tracked_or_404(request)
    form = RateForm(request.POST)
    if not public.may_rate(complaint):
        messages.error(request, _("There is no reply to rate now, or you have rated it already."))
    elif not form.is_valid():
        messages.error(request, _("Choose how satisfied you are and whether it was solved."))
    else:
        try:
            public.record_rating(complaint, form.cleaned_data["satisfaction"], form.solved_value)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Thank you: your rating is recorded."))
    return redirect("portal:track")


@require_POST
def review(request: HttpRequest) -> HttpResponse:
    """Ask for a review (Art. 35) or, after the review opinion, a re-review (Art. 36), within
    30 days of receiving the opinion, saying why. The first post shows what asking does; the
    request is made only when that is confirmed (`confirmed=1`)."""
    complaint = tracked_or_404(request)
    found = public.window(complaint)
    now = timezone.now()
    if found is None:
        messages.error(request, _("A review can be asked for only after a written reply."))
        return redirect("portal:track")
    transition, clock = found
    if public.window_closed(clock, now):
        assert clock is not None
        messages.error(request, _(
            "The time to ask ended at %(due)s (30 days from receiving the opinion); a request "
            "can no longer be made here."
        ) % {"due": due_text(clock)})  # fmt: skip
        return redirect("portal:track")
    form = ReviewForm(request.POST)
    if not form.is_valid() or request.POST.get("confirmed") != "1":
        context = {**complaint_context(complaint, form), "confirm_review": form.is_valid()}
        return render(request, "portal/track.html", context)
    try:
        public.ask_for_review(complaint, transition, now, form.cleaned_data["reasons"])
    except WorkflowError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Your request is recorded; the opinion is due within 30 days."))
    return redirect("portal:track")


@never_cache
@require_http_methods(["GET"])
def reply_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """A document delivered to the complainant, as PDF, for the complaint this session tracks."""
    complaint = tracked_or_404(request)
    document = public.reply_for(complaint, pk)
    if document is None:
        raise Http404
    filename = f"{complaint.number}-{document.get_kind_display()}"  # type: ignore[attr-defined]
    return pdf_response(reply_pdf_bytes(document), filename, inline=False)


def reply_pdf_bytes(document: CaseDocument) -> bytes:
    """The document as the complainant received it: its four parts (an opinion) or its text."""
    opinion = document.kind in (
        DocumentKind.OPINION, DocumentKind.REVIEW_OPINION, DocumentKind.REREVIEW_OPINION,
    )  # fmt: skip
    complaint = document.complaint
    with translation.override("zh-hans"):  # an official paper's wording is Chinese
        context = {
            "document": document, "opinion": opinion, "complaint": complaint,
            "authority": complaint.department.name if complaint.department else "",
            "document_title": document.get_kind_display(),  # type: ignore[attr-defined]
            "number": document.number, "issued_on": document.approved_at,
        }  # fmt: skip
        return render_pdf("portal/pdf/reply.html", context)
