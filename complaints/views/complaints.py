"""Complaint pages: the list (filters, search, CSV/XLSX of the matter only), the complaint page with
its clocks, actions, tasks, transfers, notes, documents, timeline and supervision, the identity
section loaded on demand, recusal, and a supervisor's notice on overdue work.

Every read goes through `restrict(user)`. The complainant's identity and original material are
read only in `ComplaintIdentityView`, through complaints.services.protection (each showing
audited); the unit or person complained about gets a 404 there and no section on the page
(Letters and Visits Regulations 2022, Arts 30 and 46).

Feature sections on the complaint page: other features register a `core.panels.Panel` on
`complaints.panels.complaint_panels` from their own module (see that module); this page renders
every panel the user may see, below its own sections, without template changes.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils.translation import gettext as _

from complaints.choices import ComplaintState
from complaints.filtersets import ComplaintFilterSet, overdue
from complaints.models import (
    CaseDocument,
    CaseNote,
    Complaint,
    ComplaintAttributeValue,
    HandlingTask,
    RepeatContact,
    Respondent,
    Transfer,
)
from complaints.panels import complaint_panels
from complaints.services import protection
from complaints.tables import LIST_JOINS, ComplaintTable, with_next_due
from complaints.views.complaint_forms import transition_forms
from core.accounts import signed_in_user
from core.exports import EXPORT_FORMATS
from core.models import Attachment, User
from core.times import deadline_text
from core.views.generic import ObjectDetailView, ObjectListView, RefusalMessages, RestrictedView
from core.views.presentation import DetailRow, detail_rows
from workflow.engine import available_transitions
from workflow.models import Clock, SupervisionNotice
from workflow.supervision import issue_notice, notices_on
from workflow.timeline import TimelineRow, timeline
from workflow.views import transition_path

# Fields of the complaint whose new value is worth a line in the timeline (reasons, outcomes).
TIMELINE_NOTES = (
    "routing_note", "objection_reason", "not_accepted_reason", "referral_reason",
    "referral_result", "outcome", "reason", "instructions", "result", "delivery_method",
)  # fmt: skip
DETAIL_FIELDS = (
    "number", "title", "summary", "public_summary", "channel", "category", "region", "address",
    "premises", "received_at", "registered_by", "contact_known", "visitor_count", "department",
    "handler", "opinion_unit", "review_unit",
    "routed_at", "routing_note", "accepted_at", "objection_reason", "not_accepted_reason",
    "referral_body", "referral_reason", "referral_result", "outcome", "opinion_delivered_at",
    "review_requested_at", "review_delivered_at", "rereview_requested_at", "concluded_at",
    "concluded_after_rereview", "repeat_count", "transfer_count", "previous_case",
    "override_reason", "public_note",
)  # fmt: skip
STATE_LABELS = dict(ComplaintState.choices)


class ComplaintPage(RestrictedView):
    model = Complaint

    @property
    def url_prefix(self) -> str:
        return "complaints:complaint"


class ComplaintListView(ComplaintPage, ObjectListView):
    table_class = ComplaintTable
    filterset_class = ComplaintFilterSet
    select_related = LIST_JOINS

    def restricted_queryset(self, action: str | None = None) -> QuerySet:
        return with_next_due(super().restricted_queryset(action))


class ComplaintExportView(ComplaintListView):
    """The filtered list as CSV (`?export=csv`, the default) or XLSX: the list's columns, the
    matter only, never the complainant."""

    def requested_export(self) -> str:
        export_format = self.request.GET.get("export", "csv")
        return export_format if export_format in EXPORT_FORMATS else "csv"


def clocks_of(complaint: Complaint) -> list[dict[str, Any]]:
    rows = Clock.objects.filter(
        content_type__app_label="complaints",
        content_type__model="complaint",
        object_id=complaint.pk,
    ).select_related("rule")
    return [
        {"clock": clock, "due": deadline_text(clock.due)}
        for clock in rows.order_by("started_at", "pk")
    ]


def complaint_timeline(complaint: Complaint, user: User) -> list[TimelineRow]:
    """The complaint's steps and those of its tasks, transfers, notes, documents and repeats, as
    far as the user may see them. Never the complainant or the original material: their audit
    entries (and every showing of them) stay in the audit log for auditors."""
    related = [
        model.objects.restrict(user, "view").filter(complaint=complaint)  # type: ignore[attr-defined]
        for model in (HandlingTask, Transfer, CaseNote, CaseDocument, RepeatContact)
    ]
    return timeline(complaint, states=STATE_LABELS, notes=TIMELINE_NOTES, related=related)


def is_overdue(complaint: Complaint) -> bool:
    return overdue(Complaint.objects.filter(pk=complaint.pk)).exists()


class ComplaintDetailView(ComplaintPage, ObjectDetailView):
    template_name = "complaints/complaint_detail.html"
    select_related = ("category", "region", "department", "handler", "premises")
    detail_fields = DETAIL_FIELDS

    def get_rows(self, obj: Model) -> list[DetailRow]:
        assert isinstance(obj, Complaint)
        fields = protection.readable_fields(self.user, obj, self.detail_fields)
        return detail_rows(obj, fields, self.user, self.detail_labels)

    def extra_context(self, obj: Model) -> dict[str, Any]:
        assert isinstance(obj, Complaint)
        user = signed_in_user(self.request)
        late = is_overdue(obj)
        return {
            "complaint": obj,
            "state_label": STATE_LABELS.get(obj.state, obj.state),
            "state_colour": ComplaintState.colour_of(obj.state),
            "actions": self.actions(obj, user),
            "clocks": clocks_of(obj),
            "overdue": late,
            "answers": ComplaintAttributeValue.objects.restrict(user)
            .filter(complaint=obj)
            .select_related("attribute"),
            "respondents": Respondent.objects.restrict(user)
            .filter(complaint=obj)
            .select_related("department", "premises"),
            "attachments": Attachment.objects.of(obj).order_by("uploaded_at", "pk"),
            **self.handling_context(obj, user),
            "timeline": complaint_timeline(obj, user),
            "notices": self.notices(obj, user),
            "may_issue_notice": late and user.has_perm("workflow.add_supervisionnotice"),
            "may_see_identity": protection.may_see_identity(user, obj),
            "may_recuse": user.has_perm("complaints.add_recusal")
            and not protection.is_shielded_from(user, obj),
            "panels": complaint_panels.render(self.request, obj),
        }

    def actions(self, obj: Complaint, user: User) -> list[Any]:
        # The machine's guards leave no step to the unit complained about (Arts 30, 46).
        return transition_forms(obj, user, available_transitions(obj, user))

    def handling_context(self, obj: Complaint, user: User) -> dict[str, Any]:
        notes = CaseNote.objects.restrict(user).filter(complaint=obj).select_related("author")
        return {
            "tasks": HandlingTask.objects.restrict(user)
            .filter(complaint=obj)
            .select_related("department"),
            "transfers": Transfer.objects.restrict(user)
            .filter(complaint=obj)
            .select_related("from_department", "to_department", "by"),
            "internal_notes": [n for n in notes if not n.for_complainant],
            "public_notes": [n for n in notes if n.for_complainant],
            "documents": with_links(CaseDocument.objects.restrict(user).filter(complaint=obj)),
        }

    def notices(self, obj: Complaint, user: User) -> QuerySet[SupervisionNotice]:
        visible = SupervisionNotice.objects.restrict(user, "view").values("pk")
        return notices_on(obj).filter(pk__in=visible).select_related("department")


def with_links(documents: QuerySet[CaseDocument]) -> list[CaseDocument]:
    """Each document with the URL of its own page (built by the documents feature)."""
    rows = list(documents)
    for document in rows:
        try:
            document.page_url = reverse("complaints:document_detail", args=[document.pk])  # type: ignore[attr-defined]
        except NoReverseMatch:
            document.page_url = ""  # type: ignore[attr-defined]
    return rows


class ComplaintIdentityView(ComplaintPage):
    """GET (htmx): who complained and what they wrote, for staff who may see it; each showing
    is written to the audit log. Anyone else, the unit complained about first, gets a 404 and
    learns nothing, not even whether there is a complainant on record."""

    template_name = "complaints/complaint_identity.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        complaint = self.get_object()
        assert isinstance(complaint, Complaint)
        if not protection.may_see_identity(signed_in_user(request), complaint):
            raise Http404
        people = protection.reveal(signed_in_user(request), complaint)
        original = protection.reveal_original(signed_in_user(request), complaint)
        context = {
            "complaint": complaint,
            "complainants": people,
            "original": original,
            "original_files": Attachment.objects.of(original, "original") if original else [],
            "receipt_code": complaint.receipt_code,
            "may_recuse": request.user.has_perm("complaints.add_recusal"),
        }
        if request.headers.get("HX-Request"):
            return render(request, self.template_name, context)
        page = "complaints/complaint_identity_page.html"
        return render(request, page, self.page_context(object=complaint, **context))


class ComplaintRecuseView(RefusalMessages, ComplaintPage):
    """POST: a staff member with a direct interest steps aside (Art. 46) and from then on no
    longer sees who complained."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        complaint = self.get_object()
        assert isinstance(complaint, Complaint)
        if not request.user.has_perm("complaints.add_recusal"):
            raise PermissionDenied
        if (
            self.attempt(
                lambda: protection.recuse(
                    signed_in_user(request), complaint, request.POST.get("reason", "")
                )
            )
            is None
        ):
            return redirect(complaint.get_absolute_url())
        messages.success(request, _("You have stepped aside from %(case)s.") % {"case": complaint})
        return redirect(complaint.get_absolute_url())


class ComplaintNoticeView(RefusalMessages, ComplaintPage):
    """POST: a supervisor presses the lead unit about overdue work on the complaint (督办); the
    notice runs its own reply clock (workflow.supervision)."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        complaint = self.get_object()
        assert isinstance(complaint, Complaint)
        if not request.user.has_perm("workflow.add_supervisionnotice"):
            raise PermissionDenied
        notice = self.attempt(
            lambda: issue_notice(
                self.user,
                complaint,
                request=request.POST.get("request", ""),
                department=complaint.department,
                region=complaint.region,
            )
        )
        if notice is not None:
            messages.success(request, _("Supervision notice %(number)s issued.") % {
                "number": notice.number})  # fmt: skip
        return redirect(complaint.get_absolute_url() + "#supervision")


urlpatterns: list[URLPattern] = [
    path("", ComplaintListView.as_view(), name="complaint_list"),
    path("export/", ComplaintExportView.as_view(), name="complaint_export"),
    path("<int:pk>/", ComplaintDetailView.as_view(), name="complaint_detail"),
    path("<int:pk>/identity/", ComplaintIdentityView.as_view(), name="complaint_identity"),
    transition_path("", Complaint, "complaint_transition"),
    path("<int:pk>/recuse/", ComplaintRecuseView.as_view(), name="complaint_recuse"),
    path("<int:pk>/notice/", ComplaintNoticeView.as_view(), name="complaint_notice"),
]
