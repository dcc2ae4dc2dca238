"""Callback pages: the complaints due a callback and the callback form (someone outside the handling
unit asks the complainant: reached? solved? satisfied?). The rates page is in views/rates.py.

The caller needs the complainant's phone: the form links to the complaint's identity section, which
shows it only to those allowed and audits each showing (complaints.services.protection).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.forms.callbacks import CallbackForm
from complaints.models import Callback, Complaint
from complaints.panels import complaint_panels
from complaints.services.callbacks import (
    CallbackRefused,
    callbacks_due,
    is_callback_due,
    record_callback,
    refusal,
)
from complaints.tables import with_next_due
from complaints.views.backlog import add_errors
from core.accounts import signed_in_user
from core.models import User
from core.panels import Panel
from core.times import deadline_text
from core.views.generic import PAGE_SIZE, RestrictedView


class CallbackPage(RestrictedView):
    model = Callback
    action = "add"

    @property
    def url_prefix(self) -> str:
        return "complaints:callback"


class CallbackDueView(CallbackPage):
    template_name = "complaints/callback_due.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        complaints = with_next_due(callbacks_due(signed_in_user(request))).select_related(
            "category", "region", "department"
        )
        page = Paginator(complaints, PAGE_SIZE).get_page(request.GET.get("page"))
        rows = [
            (complaint, deadline_text(complaint.next_due) if complaint.next_due else "")
            for complaint in page
        ]
        return render(request, self.template_name, {"page": page, "rows": rows})


class CallbackAddView(CallbackPage):
    """GET the form (or why the user may not call); POST records through record_callback."""

    template_name = "complaints/callback_add.html"

    def complaint(self) -> Complaint:
        complaints = Complaint.objects.restrict(self.request.user, "view").select_related(
            "category", "department"
        )
        return get_object_or_404(complaints, pk=self.kwargs["pk"])

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.render_form(self.complaint(), CallbackForm())

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        complaint, form = self.complaint(), CallbackForm(request.POST)
        if not form.is_valid():
            return self.render_form(complaint, form, status=400)
        try:
            record_callback(complaint, signed_in_user(request), **form.answers())
        except CallbackRefused as error:
            form.add_error(None, str(error))
            return self.render_form(complaint, form, status=403)
        except ValidationError as error:
            add_errors(form, error)
            return self.render_form(complaint, form, status=400)
        messages.success(request, _("Callback recorded for %(case)s.") % {"case": complaint.number})
        return redirect("complaints:callback_due")

    def render_form(
        self, complaint: Complaint, form: CallbackForm, status: int = 200
    ) -> HttpResponse:
        user = signed_in_user(self.request)
        refused = refusal(user, complaint)
        due = is_callback_due(complaint)
        context = {
            "complaint": complaint,
            "form": form,
            "refused": refused,
            "not_due": not due,
            "earlier": Callback.objects.restrict(user).filter(complaint=complaint),
            "now": timezone.now(),
        }
        status = 403 if refused and status == 200 else status
        return render(self.request, self.template_name, context, status=status)


def callbacks_panel(user: User, complaint: Complaint) -> dict[str, Any]:
    """The complaint page's callbacks: the answers so far and, for a caller, the form's link."""
    return {
        "callbacks": Callback.objects.restrict(user).filter(complaint=complaint),
        "may_call": refusal(user, complaint) is None and is_callback_due(complaint),
    }


complaint_panels.register(
    Panel(
        key="callbacks",
        template_name="complaints/callback_panel.html",
        permission="complaints.view_callback",
        context=callbacks_panel,
    )
)

urlpatterns: list[URLPattern] = [
    path("callbacks/", CallbackDueView.as_view(), name="callback_due"),
    path("callbacks/<int:pk>/add/", CallbackAddView.as_view(), name="callback_add"),
]
