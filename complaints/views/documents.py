"""Written documents of a complaint under /complaints/: the document page (its text, the submit /
approve / send back / deliver buttons, the PDF), drafting an opinion and issuing a notice from
the complaint page, the complainant's review requests and the hearing pause; and the complaint
page's documents panel. Every change goes through complaints.services.documents / .reviews, which
the API calls too; a refusal comes back as a message on the page, never a 500."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _

from complaints.choices import (
    ISSUED_IN,
    OPINION_KINDS,
    ComplaintState,
    DocumentKind,
    DocumentState,
)
from complaints.forms.documents import (
    DeliveryForm,
    HearingForm,
    NoticeEditForm,
    NoticeForm,
    OpinionEditForm,
    OpinionForm,
    ReviewRequestForm,
    SendBackForm,
)
from complaints.machines.complaints import COMPLAINT
from complaints.models import CaseDocument, Complaint
from complaints.panels import actions_in_panels, complaint_panels
from complaints.services import documents as service
from complaints.services import reviews
from complaints.services.protection import is_shielded_from, may_see_identity, reveal
from core.accounts import signed_in_user
from core.models import User
from core.panels import Panel
from core.pdf import pdf_response, render_pdf
from core.times import deadline_text
from core.views.generic import RestrictedView, refusal_text
from workflow.engine import available_transitions
from workflow.errors import WorkflowError
from workflow.views import transition_path

# The request window open in each state (Arts 35–36).
WINDOW_FOR_STATE: dict[str, str] = {
    ComplaintState.REPLIED: "review",
    ComplaintState.REVIEWED: "rereview",
}
# The opinion a complaint awaits in each state (Arts 34–36).
# The opinion each case state awaits (ISSUED_IN gives each opinion kind one state).
KIND_FOR_STATE = {ISSUED_IN[kind][0]: kind for kind in OPINION_KINDS}


def document_url(document: CaseDocument) -> str:
    return reverse("complaints:document_detail", args=[document.pk])


def state_label(document: CaseDocument) -> str:
    return str(DocumentState(document.state).label)


class DocumentPage(RestrictedView):
    model = CaseDocument
    select_related = ("complaint", "drafted_by", "approved_by")

    @property
    def url_prefix(self) -> str:
        return "complaints:document"

    def document(self, action: str = "view") -> CaseDocument:
        obj = self.get_object(action)
        assert isinstance(obj, CaseDocument)
        return obj


class DocumentDetailView(DocumentPage):
    template_name = "complaints/document_detail.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        document = self.document()
        return render(request, self.template_name, self.context(document))

    def context(self, document: CaseDocument) -> dict[str, Any]:
        user = self.user
        # By name: the page asks `"approve" in transitions` and reads a step's confirm text.
        names = {t.name: t for t in available_transitions(document, user)}
        may_write = user.has_perm("complaints.change_casedocument") and not _shielded(
            user, document.complaint
        )
        initial = {"version": document.version}
        editable = may_write and bool(service.editable_fields(document))
        is_opinion = document.kind in OPINION_KINDS
        edit_form: Any = None
        if editable:
            edit_form = (OpinionEditForm if is_opinion else NoticeEditForm)(
                initial={
                    **initial,
                    **{f: getattr(document, f) for f in service.editable_fields(document)},
                }
            )
        return {
            "object": document,
            "document": document,
            "complaint": document.complaint,
            "is_opinion": is_opinion,
            "state_label": state_label(document),
            "state_colour": DocumentState.colour_of(document.state),
            "transitions": names if may_write else {},
            "edit_form": edit_form,
            "send_back_form": SendBackForm(initial=initial),
            "delivery_form": DeliveryForm(initial=initial),
            "version_form": HearingForm(initial=initial),
            "proof_count": document.attachment_count(service.PROOF_ATTACHMENT),
            "may_pdf": may_see_identity(user, document.complaint),
        }


def _shielded(user: User, complaint: Complaint) -> bool:
    return is_shielded_from(user, complaint)


class DocumentEditView(DocumentPage):
    """POST the edited text of a draft (an approved document never changes)."""

    action = "change"
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        document = self.document()
        form_class = OpinionEditForm if document.kind in OPINION_KINDS else NoticeEditForm
        form = form_class(request.POST)
        if not form.is_valid():
            messages.error(
                request, _("Check the text: %(errors)s") % {"errors": form.errors.as_text()}
            )
            return redirect(document_url(document))
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            service.update_draft(
                document, signed_in_user(request), data, form.cleaned_data["version"]
            )
        except WorkflowError as error:
            messages.error(request, refusal_text(error))
        else:
            messages.success(
                request, _("Saved %(object)s.") % {"object": document.get_kind_display()}
            )
        return redirect(document_url(document))


# PDFs: official Chinese documents (like templates/pdf/base.html), so their fixed wording is
# Chinese whatever the page language.
PDF_TITLES: dict[str, str] = {
    DocumentKind.RECEIPT_NOTICE: "信访事项登记告知书",
    DocumentKind.NOT_ACCEPTED_NOTICE: "信访事项不予受理告知书",
    DocumentKind.REFERRAL_NOTICE: "信访事项法定途径告知书",
    DocumentKind.EXTENSION_NOTICE: "信访事项延期办理告知书",
    DocumentKind.OPINION: "信访事项处理意见书",
    DocumentKind.REVIEW_OPINION: "信访事项复查意见书",
    DocumentKind.REREVIEW_OPINION: "信访事项复核意见书",
}
METHOD_WORDS = {
    "in_person": "直接送达", "post": "邮寄送达", "email": "电子邮件送达", "sms": "短信送达",
    "portal": "网上信访平台送达",
}  # fmt: skip
OUTCOME_WORDS = {"supported": "支持", "explained": "解释说明", "not_supported": "不予支持"}
# What the complainant may do next, printed under the opinion (Arts 35–36).
NEXT_STEP: dict[str, str] = {
    DocumentKind.OPINION: (
        "信访人对本处理意见不服的，可以自收到本意见书之日起30日内请求原办理行政机关的上一级"
        "行政机关复查。（《信访工作条例》第三十五条）"
    ),
    DocumentKind.REVIEW_OPINION: (
        "信访人对本复查意见不服的，可以自收到本意见书之日起30日内向复查机关的上一级行政机关"
        "请求复核。（《信访工作条例》第三十六条）"
    ),
    DocumentKind.REREVIEW_OPINION: (
        "本复核意见为最终意见。信访人对复核意见不服，仍以同一事实和理由提出信访事项的，"
        "不再受理。（《信访工作条例》第三十六条）"
    ),
}


def pdf_context(document: CaseDocument, people: list[Any]) -> dict[str, Any]:
    # An approved document prints what was approved: its authority and date as recorded at
    # approval, whatever becomes of the people and units later.
    return {
        "document": document,
        "complaint": document.complaint,
        "authority": document.authority or service.issuing_authority(document),
        "document_title": PDF_TITLES[document.kind],
        "number": document.number,
        "addressee": "、".join(p.name for p in people if p.name) or "信访人",
        "addresses": [p.address for p in people if p.address],
        "is_draft": document.state in (DocumentState.DRAFT, DocumentState.SUBMITTED),
        "issued_on": document.approved_at,
        "outcome_word": OUTCOME_WORDS.get(document.outcome, ""),
        "next_step": NEXT_STEP.get(document.kind, ""),
        "method_word": METHOD_WORDS.get(document.delivery_method, ""),
    }


def document_pdf_response(user: User, document: CaseDocument) -> HttpResponse:
    """The PDF names the complainant: the unit complained about gets a 404 (it is never told
    that anyone is hidden), a role without sight of identity a 403; each download is audited
    (protection.reveal writes one entry per complainant shown)."""
    complaint = document.complaint
    if is_shielded_from(user, complaint):
        raise Http404
    if not may_see_identity(user, complaint):
        raise PermissionDenied
    pdf = document_pdf(document, reveal(user, complaint))
    return pdf_response(pdf, f"{document.number or _('draft')} {document.get_kind_display()}")


def document_pdf(document: CaseDocument, people: list[Any]) -> bytes:
    """The PDF addressed to `people` (the portal passes the complainants of the complaint whose
    receipt code and password were given; staff pages pass what protection.reveal showed)."""
    template = "opinion" if document.kind in OPINION_KINDS else "notice"
    return render_pdf(f"complaints/pdf/{template}.html", pdf_context(document, people))


class DocumentPDFView(DocumentPage):
    """The document as a PDF, addressed to the complainant: only for those who may see who
    complained (404 for the unit complained about); each download is audited."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return document_pdf_response(signed_in_user(request), self.document())


class ComplaintPage(RestrictedView):
    """A POST on the complaint (complaint) in the user's reach."""

    model = Complaint
    http_method_names = ["post"]

    @property
    def url_prefix(self) -> str:
        return "complaints:complaint"

    def complaint(self) -> Complaint:
        obj = self.get_object("view")
        assert isinstance(obj, Complaint)
        return obj

    def back(self, complaint: Complaint) -> HttpResponseBase:
        return redirect(complaint.get_absolute_url())


class OpinionAddView(ComplaintPage):
    """GET the form, POST a new draft opinion of the kind the complaint awaits."""

    http_method_names = ["get", "post"]
    template_name = "complaints/document_add.html"

    def required_action(self) -> str:
        return "view"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        complaint = self.complaint()
        return self.render_form(complaint, OpinionForm())

    def render_form(self, complaint: Complaint, form: OpinionForm) -> HttpResponse:
        kind = KIND_FOR_STATE.get(complaint.state)
        context = {
            "complaint": complaint,
            "form": form,
            "kind_label": DocumentKind(kind).label if kind else "",
        }
        return render(self.request, self.template_name, context)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        complaint = self.complaint()
        if not request.user.has_perm("complaints.add_casedocument"):
            raise PermissionDenied
        form = OpinionForm(request.POST)
        kind = KIND_FOR_STATE.get(complaint.state, DocumentKind.OPINION)
        if form.is_valid():
            try:
                draft = service.draft_opinion(
                    complaint, signed_in_user(request), kind, **form.cleaned_data
                )
            except WorkflowError as error:
                form.add_error(None, refusal_text(error))
            else:
                messages.success(
                    request, _("Drafted %(object)s.") % {"object": draft.get_kind_display()}
                )
                return redirect(document_url(draft))
        return self.render_form(complaint, form)


class NoticeAddView(ComplaintPage):
    def post(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        complaint = self.complaint()
        if not request.user.has_perm("complaints.add_casedocument"):
            raise PermissionDenied
        form = NoticeForm(request.POST)
        if not form.is_valid():
            messages.error(request, form.errors.as_text())
            return self.back(complaint)
        try:
            notice = service.issue_notice(
                complaint,
                signed_in_user(request),
                form.cleaned_data["kind"],
                form.cleaned_data["body"],
            )
        except WorkflowError as error:
            messages.error(request, refusal_text(error))
            return self.back(complaint)
        messages.success(request, _("Drafted %(object)s.") % {"object": notice.get_kind_display()})
        return redirect(document_url(notice))


# The complaint page's documents panel


def panel_context(user: User, complaint: Model) -> dict[str, Any]:
    assert isinstance(complaint, Complaint)
    rows = CaseDocument.objects.restrict(user, "view").filter(complaint=complaint)
    shielded = _shielded(user, complaint)
    may_write = user.has_perm("complaints.add_casedocument") and not shielded
    awaited = KIND_FOR_STATE.get(complaint.state)
    initial = {"version": complaint.version}
    window = WINDOW_FOR_STATE.get(complaint.state)
    is_clerk = user.groups.filter(name="complaint_clerk").exists() or user.is_superuser
    notice_form = NoticeForm(state=complaint.state)
    return {
        "case": complaint,
        "documents": [
            {
                "document": d,
                "state_label": state_label(d),
                "colour": DocumentState.colour_of(d.state),
            }
            for d in rows.select_related("drafted_by").order_by("drafted_at", "pk")
        ],
        "may_draft": may_write and awaited is not None,
        "awaited_label": DocumentKind(awaited).label if awaited else "",
        "may_notice": may_write and notice_form.offers_a_kind(),
        "notice_form": notice_form,
        "window": window if is_clerk and not shielded else None,
        "window_end": _window_end(complaint, window),
        "review_form": ReviewRequestForm(window or "review", initial=initial),
        "review_confirm": COMPLAINT.confirm_text(reviews.WINDOWS[window][3]) if window else "",
        "review_transition": reviews.WINDOWS[window][3] if window else "",
        "hearing": _hearing(user, complaint, shielded),
        "hearing_form": HearingForm(initial=initial),
    }


def _window_end(complaint: Complaint, window: str | None) -> str:
    end = reviews.window_end(complaint, window) if window else None
    return deadline_text(end) if end is not None else ""


def _hearing(user: User, complaint: Complaint, shielded: bool) -> str:
    """The hearing step the panel offers: the complaint's transition `hold_hearing` or
    `end_hearing`, or none."""
    if complaint.state != ComplaintState.REREVIEWING or shielded:
        return ""
    if not user.groups.filter(name__in=("handling_staff", "unit_leader")).exists():
        return ""
    return "end_hearing" if reviews.hearing_in_progress(complaint) else "hold_hearing"


complaint_panels.register(
    Panel(
        key="documents",
        template_name="complaints/document_panel.html",
        permission="complaints.view_casedocument",
        context=panel_context,
    )
)


# The documents panel records these with their dates (the generic Actions card would stamp
# the moment of the click instead of the day the request reached us).
actions_in_panels.update({"request_review", "request_rereview", "hold_hearing", "end_hearing"})


urlpatterns: list[URLPattern] = [
    path("documents/<int:pk>/", DocumentDetailView.as_view(), name="document_detail"),
    path("documents/<int:pk>/edit/", DocumentEditView.as_view(), name="document_edit"),
    path("documents/<int:pk>/pdf/", DocumentPDFView.as_view(), name="document_pdf"),
    transition_path("documents", CaseDocument, "document_transition"),
    path("<int:pk>/documents/new/", OpinionAddView.as_view(), name="document_add"),
    path("<int:pk>/notices/new/", NoticeAddView.as_view(), name="document_notice_add"),
]
