"""The clerk's intake page: register a letter, a visit (one person, several, or a joint visit of
up to 5 representatives), a phone or 12345 call or a web message.

While the clerk types, the page shows open complaints that are likely the same matter (htmx). On
submit, when there are such complaints, the clerk decides: link the contact as a repeat of one of
them (Letters and Visits Regulations 2022, Art. 19) or register a new complaint. A matter concluded
after re-review is refused (Art. 36) unless a supervisor gives a reason. The receipt page shows
the receipt code and the query password once, and the unit routing suggests.

Reads go through `restrict()`; writes through complaints.services (intake, duplicates).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from complaints.choices import Channel
from complaints.forms.intake import (
    BaseComplainantFormSet,
    IntakeForm,
    complainant_formset,
)
from complaints.models import Complaint, RepeatContact
from complaints.services.duplicates import Match, Probe, likely_matches, link_repeat
from complaints.services.handling import suggested_unit
from complaints.services.intake import Intake, Receipt, register_complaint
from core.accounts import signed_in_user
from core.models import User
from core.views.generic import RestrictedView

RECEIPT_SESSION_KEY = "complaints.intake.receipt"


def complaint_url(complaint: Complaint) -> str:
    """The complaint page, when that feature is installed (the intake works without it)."""
    try:
        return reverse("complaints:complaint_detail", args=[complaint.pk])
    except NoReverseMatch:
        return ""


def with_urls(matches: list[Match]) -> list[Match]:
    for match in matches:
        match.complaint.url = complaint_url(match.complaint)  # type: ignore[attr-defined]
    return matches


class IntakePage(RestrictedView):
    model = Complaint
    action = "add"

    @property
    def clerk(self) -> User:
        user = self.request.user
        assert isinstance(user, User)  # dispatch let only signed-in users through
        return user

    def render_page(
        self, form: IntakeForm, people: BaseComplainantFormSet, **extra: Any
    ) -> HttpResponse:
        context = {
            "form": form,
            "people": people,
            "matches": extra.pop("matches", []),
            "channels": Channel,
            **extra,
        }
        return render(self.request, "complaints/intake.html", context)


@method_decorator(never_cache, name="dispatch")
class IntakeView(IntakePage):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        initial: dict[str, Any] = {
            "received_at": timezone.localtime().replace(second=0, microsecond=0),
            "channel": request.GET.get("channel", ""),
        }
        form = IntakeForm(initial=initial, user=signed_in_user(request))
        return self.render_page(form, complainant_formset())

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        form = IntakeForm(request.POST, request.FILES, user=signed_in_user(request))
        people = complainant_formset(request.POST, channel=request.POST.get("channel", ""))
        if not (form.is_valid() and people.is_valid()):
            return self.render_page(form, people, status_message=_("Nothing was saved."))
        intake = form.intake(people.people())
        decision = form.cleaned_data["decision"]
        if decision.isdigit():
            return self.link(form, people, intake, int(decision))
        matches = likely_matches(intake, signed_in_user(request))
        if matches and decision != "new":
            # Art. 19: the clerk decides before a second complaint is opened for the same matter.
            return self.render_page(form, people, matches=with_urls(matches), must_decide=True)
        return self.register(form, people, intake)

    def register(
        self, form: IntakeForm, people: BaseComplainantFormSet, intake: Intake
    ) -> HttpResponseBase:
        try:
            receipt = register_complaint(intake, self.clerk)
        except ValidationError as error:
            add_errors(form, error)
            return self.render_page(form, people)
        remember_receipt(self.request, receipt)
        messages.success(self.request, _("Registered %(case)s.") % {"case": receipt.complaint})
        return redirect("complaints:intake_receipt", pk=receipt.complaint.pk)

    def link(
        self, form: IntakeForm, people: BaseComplainantFormSet, intake: Intake, pk: int
    ) -> HttpResponseBase:
        complaint = get_object_or_404(Complaint.objects.restrict(self.request.user, "view"), pk=pk)
        try:
            repeat = link_repeat(
                complaint, signed_in_user(self.request), intake.channel, intake.received_at,
                intake.complainants, form.cleaned_data["repeat_note"],
                original_text=intake.original_text, attachments=intake.attachments,
            )  # fmt: skip
        except (ValidationError, PermissionDenied) as error:
            add_errors(form, error)
            return self.render_page(form, people)
        messages.success(
            self.request,
            _("Linked to %(case)s as a repeat; it has now been brought %(count)s more times.")
            % {"case": complaint, "count": complaint.repeat_count},
        )
        return redirect("complaints:intake_repeat", pk=repeat.pk)


def add_errors(form: IntakeForm, error: Exception) -> None:
    if isinstance(error, PermissionDenied):
        form.add_error(None, _("You may not link contacts to this case."))
        return
    assert isinstance(error, ValidationError)
    fields = error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
    for name, texts in fields.items():
        target = name if name in form.fields else None
        for text in texts:
            form.add_error(target, text)


def remember_receipt(request: HttpRequest, receipt: Receipt) -> None:
    """Keep the password for the one page that shows it (it is never stored with the complaint)."""
    request.session[RECEIPT_SESSION_KEY] = {
        "pk": receipt.complaint.pk,
        "password": receipt.query_password,
    }


@method_decorator(never_cache, name="dispatch")
class IntakeReceiptView(IntakePage):
    """The receipt code, the query password (shown once), and where routing suggests sending
    the matter (the clerk routes it on the complaint page)."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        complaint = get_object_or_404(
            Complaint.objects.restrict(request.user, "view").select_related("category", "region"),
            pk=kwargs["pk"],
        )
        kept = request.session.get(RECEIPT_SESSION_KEY) or {}
        password = ""
        if kept.get("pk") == complaint.pk:
            password = kept.get("password", "")
            del request.session[RECEIPT_SESSION_KEY]
        context = {
            "case": complaint,
            "password": password,
            "suggested": suggested_unit(complaint),
            "complaint_url": complaint_url(complaint),
        }
        return render(request, "complaints/intake_receipt.html", context)


class IntakeRepeatView(IntakePage):
    """What a linked repeat looks like: the complaint it joined, and how often it was brought."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        repeat = get_object_or_404(
            RepeatContact.objects.restrict(request.user, "view").select_related("complaint"),
            pk=kwargs["pk"],
        )
        complaint = repeat.complaint
        context = {"repeat": repeat, "case": complaint, "complaint_url": complaint_url(complaint)}
        return render(request, "complaints/intake_repeat.html", context)


class IntakeQuestionsView(IntakePage):
    """htmx: the chosen category's questions."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = IntakeForm(
            initial={"category": request.GET.get("category", "")}, user=signed_in_user(request)
        )
        return render(request, "complaints/intake_questions.html", {"form": form})


class IntakeMatchesView(IntakePage):
    """htmx: open complaints likely the same matter as what the clerk has typed so far."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = IntakeForm(user=signed_in_user(request))
        fields = {
            "category": chosen(form, "category", request.GET.get("category")),
            "region": chosen(form, "region", request.GET.get("region")),
            "title": request.GET.get("title", "")[:200],
            "summary": request.GET.get("summary", "")[:2000],
            "phones": person_values(request, "phone"),
            "id_numbers": person_values(request, "id_number"),
        }
        matches = with_urls(likely_matches(Probe.from_fields(fields), signed_in_user(request)))
        context = {"matches": matches, "decision": request.GET.get("decision", "")}
        return render(request, "complaints/intake_matches.html", context)


def chosen(form: IntakeForm, name: str, value: str | None) -> Any:
    """The row a choice field offers for `value` (None when not offered: out of scope)."""
    if not value or not value.isdigit():
        return None
    field: Any = form.fields[name]
    queryset = field.queryset
    return queryset.filter(pk=int(value)).first()


def person_values(request: HttpRequest, field: str) -> list[str]:
    values = (
        str(value)[:32]
        for key, value in request.GET.items()
        if key.startswith("person-") and key.endswith(f"-{field}")
    )
    return [value for value in values if value.strip()][:30]


urlpatterns: list[URLPattern] = [
    path("new/", IntakeView.as_view(), name="complaint_add"),
    path("new/questions/", IntakeQuestionsView.as_view(), name="intake_questions"),
    path("new/matches/", IntakeMatchesView.as_view(), name="intake_matches"),
    path("new/<int:pk>/receipt/", IntakeReceiptView.as_view(), name="intake_receipt"),
    path("repeats/<int:pk>/", IntakeRepeatView.as_view(), name="intake_repeat"),
]
