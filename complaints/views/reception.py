"""Leader reception days (领导接访日): the schedule (upcoming and past), each day's page with
its appointments, booking, marking who came, and the record of the day."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.choices import AppointmentState
from complaints.forms.reception import BookingForm, ReceptionDayForm, RecordForm
from complaints.models import Complaint, ReceptionAppointment, ReceptionDay, ReceptionRecord
from complaints.services import reception
from core.accounts import signed_in_user
from core.views.generic import ObjectEditView, ObjectHistoryView, RestrictedView

PAST_PAGE_SIZE = 25


def error_text(error: ValidationError | PermissionDenied) -> str:
    if isinstance(error, ValidationError):
        return " ".join(str(m) for m in error.messages)
    return str(error)


class ReceptionPage(RestrictedView):
    model = ReceptionDay

    @property
    def url_prefix(self) -> str:
        return "complaints:receptionday"


def with_places(days: QuerySet) -> QuerySet:
    holding = Q(appointments__state__in=reception.HOLDING_A_PLACE)
    return days.select_related("leader", "region").annotate(
        taken=Count("appointments", filter=holding)
    )


class ReceptionDayListView(ReceptionPage):
    template_name = "complaints/receptionday_list.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        today = timezone.localdate()
        days = with_places(self.restricted_queryset())
        upcoming = days.filter(day__gte=today).order_by("day", "starts")
        past = days.filter(day__lt=today).order_by("-day", "starts")
        context = self.page_context(
            upcoming=upcoming,
            past=Paginator(past, PAST_PAGE_SIZE).get_page(request.GET.get("page")),
        )
        return render(request, self.template_name, context)


class ReceptionDayDetailView(ReceptionPage):
    template_name = "complaints/receptionday_detail.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.render_page()

    def render_page(self, **forms: Any) -> HttpResponse:
        day = self.get_object()
        assert isinstance(day, ReceptionDay)
        user = signed_in_user(self.request)
        record = ReceptionRecord.objects.restrict(user, "view").filter(day=day).first()
        appointments = day.appointments.select_related("complaint").order_by("at", "pk")
        visible = set(
            Complaint.objects.restrict(user, "view")
            .filter(pk__in=appointments.values("complaint"))
            .values_list("pk", flat=True)
        )
        may_record = user.has_perm(
            "complaints.change_receptionrecord" if record else "complaints.add_receptionrecord"
        )
        initial = {"summary": record.summary, "instructions": record.instructions} if record else {}
        context = self.page_context(
            object=day,
            appointments=appointments,
            visible_complaints=visible,
            taken=reception.places_taken(day),
            record=record,
            received_complaints=record.complaints.order_by("number") if record else [],
            may_book=user.has_perm("complaints.add_receptionappointment") and not day.cancelled,
            may_mark=user.has_perm("complaints.change_receptionappointment"),
            may_record=may_record,
            booking_form=forms.get("booking_form") or BookingForm(user=user),
            record_form=forms.get("record_form") or RecordForm(initial=initial),
            marks=[(s, AppointmentState(s).label) for s in reception.MARKS],
        )
        status = 400 if forms else 200
        return render(self.request, self.template_name, context, status=status)


class BookView(ReceptionDayDetailView):
    """POST a complaint number and a time: the desk books the complaint on the day."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.has_perm("complaints.add_receptionappointment"):
            raise PermissionDenied
        day = self.get_object()
        assert isinstance(day, ReceptionDay)
        form = BookingForm(request.POST, user=signed_in_user(request))
        if not form.is_valid():
            return self.render_page(booking_form=form)
        try:
            booked = reception.book(day, form.cleaned_data["number"], form.cleaned_data["at"],
                                    signed_in_user(request))  # fmt: skip
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, error_text(error))
            return self.render_page(booking_form=form)
        messages.success(
            request, _("Booked %(number)s at %(at)s.")
            % {"number": booked.complaint.number, "at": f"{booked.at:%H:%M}"},
        )  # fmt: skip
        return redirect(day.get_absolute_url())


class RecordView(ReceptionDayDetailView):
    """POST the summary and the leader's instructions: the record of the day."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        day = self.get_object()
        assert isinstance(day, ReceptionDay)
        form = RecordForm(request.POST)
        if not form.is_valid():
            return self.render_page(record_form=form)
        try:
            record = reception.save_record(day, signed_in_user(request), **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, error_text(error))
            return self.render_page(record_form=form)
        messages.success(
            request, _("Record saved; %(count)s case(s) linked.")
            % {"count": record.complaints.count()},
        )  # fmt: skip
        return redirect(day.get_absolute_url())


class MarkView(RestrictedView):
    """POST a state: the appointment was received, missed, or is cancelled."""

    model = ReceptionAppointment
    action = "change"
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        appointment = get_object_or_404(
            ReceptionAppointment.objects.restrict(request.user, "change").select_related("day"),
            pk=kwargs["pk"],
        )
        try:
            marked = reception.mark(
                appointment, request.POST.get("state", ""), signed_in_user(request)
            )
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, error_text(error))
        else:
            messages.success(
                request, _("%(number)s: %(state)s.")
                % {"number": marked.complaint.number, "state": marked.get_state_display()},
            )  # fmt: skip
        return redirect(appointment.day.get_absolute_url())


class ReceptionDayEditView(ReceptionPage, ObjectEditView):
    form_class = ReceptionDayForm


class ReceptionDayHistoryView(ReceptionPage, ObjectHistoryView):
    pass


urlpatterns: list[URLPattern] = [
    path("reception/", ReceptionDayListView.as_view(), name="receptionday_list"),
    path("reception/add/", ReceptionDayEditView.as_view(), name="receptionday_add"),
    path("reception/<int:pk>/", ReceptionDayDetailView.as_view(), name="receptionday_detail"),
    path("reception/<int:pk>/edit/", ReceptionDayEditView.as_view(), name="receptionday_edit"),
    path("reception/<int:pk>/history/", ReceptionDayHistoryView.as_view(),
         name="receptionday_history"),
    path("reception/<int:pk>/book/", BookView.as_view(), name="receptionday_book"),
    path("reception/<int:pk>/record/", RecordView.as_view(), name="receptionday_record"),
    path("reception/appointments/<int:pk>/mark/", MarkView.as_view(),
         name="receptionappointment_mark"),
]  # fmt: skip
