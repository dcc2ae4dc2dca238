"""Inspection pages: the list (ledger), detail, start, and the phone-sized run page where each
item is saved as it is answered (htmx), with photos, the representative's signature,
completion and one-click hazards for failed items."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views import View

from core.attachments import attachment_response
from core.models import Attachment, Premises, User
from core.views.generic import (
    REFUSALS,
    ObjectDetailView,
    ObjectHistoryView,
    ObjectListView,
    RestrictedView,
    refusal_text,
)
from core.views.presentation import DetailRow
from hazards.choices import InspectionState, Outcome
from hazards.filtersets.inspections import InspectionFilterSet
from hazards.forms.inspections import PhotoForm, ResultForm, SignatureForm, StartInspectionForm
from hazards.models import ChecklistItem, Inspection, InspectionResult, InspectionSchedule
from hazards.services import inspections as service
from hazards.tables.inspections import InspectionTable, state_label
from workflow.views import transition_path


class InspectionPages:
    model: type[Model] = Inspection
    url_prefix = "hazards:inspection"


class InspectionListView(InspectionPages, ObjectListView):
    table_class = InspectionTable
    filterset_class = InspectionFilterSet
    select_related = ("premises", "template", "inspector", "region")

    def page_context(self, **extra: Any) -> dict[str, Any]:
        return super().page_context(**{"add_url": reverse("hazards:inspection_start"), **extra})


class InspectionHistoryView(InspectionPages, ObjectHistoryView):
    pass


def result_rows(inspection: Inspection) -> list[dict[str, Any]]:
    """Each checklist item with its result (if any), photos and hazard, in checklist order."""
    results = {
        result.item_id: result
        for result in inspection.results.select_related("hazard").order_by("item__number")
    }
    photos: dict[int, list[Attachment]] = {}
    if results:
        for attachment in Attachment.objects.filter(
            content_type=ContentType.objects.get_for_model(InspectionResult),
            object_id__in=[result.pk for result in results.values()],
            kind=service.PHOTO,
        ):
            photos.setdefault(attachment.object_id, []).append(attachment)
    rows = []
    for item in inspection.template.items.order_by("number"):
        result = results.get(item.pk)
        rows.append(
            {
                "item": item,
                "result": result,
                "photos": photos.get(result.pk, []) if result else [],
                "hazard": getattr(result, "hazard", None) if result else None,
            }
        )
    return rows


class InspectionDetailView(InspectionPages, ObjectDetailView):
    template_name = "hazards/inspection_detail.html"
    select_related = ("premises", "template", "inspector", "campaign", "region", "department")
    detail_fields = (
        "premises",
        "template",
        "kind",
        "state",
        "campaign",
        "inspector",
        "planned_on",
        "started_at",
        "completed_at",
        "representative_name",
        "score",
        "failed_count",
        "notes",
    )

    def get_rows(self, obj: Any) -> list[DetailRow]:
        # The workflow state is a plain column: show its translated label.
        return [
            DetailRow(row.label, text=state_label(obj.state)) if row.text == obj.state else row
            for row in super().get_rows(obj)
        ]

    def page_context(self, **extra: Any) -> dict[str, Any]:
        # No edit page: an inspection changes by running it (the run page) or its transitions.
        return {**super().page_context(**extra), "may_change": False, "may_run": self.may("change")}

    def extra_context(self, obj: Any) -> dict[str, Any]:
        return {
            "items": result_rows(obj),
            "signatures": Attachment.objects.of(obj, service.SIGNATURE),
            "running": obj.state == InspectionState.IN_PROGRESS,
        }


class InspectionStartView(InspectionPages, RestrictedView):
    """Choose the premises (within scope) and the checklist (default: the sector's)."""

    action = "add"
    template_name = "hazards/inspection_start.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = StartInspectionForm(initial=request.GET.dict(), user=self.user)
        return self.render_form(form)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = StartInspectionForm(request.POST, user=self.user)
        if not form.is_valid():
            return self.render_form(form)
        try:
            inspection = service.open_inspection(
                user=self.user,
                premises=form.cleaned_data["premises"],
                template=form.cleaned_data["template"],
                kind=form.cleaned_data["kind"],
                campaign=form.cleaned_data["campaign"],
            )
        except REFUSALS as error:
            form.add_error(None, refusal_text(error))
            return self.render_form(form)
        return redirect("hazards:inspection_run", inspection.pk)

    def render_form(self, form: StartInspectionForm) -> HttpResponse:
        return render(self.request, self.template_name, self.page_context(form=form))


class RunningInspectionView(InspectionPages, RestrictedView):
    """Pages that change a running inspection: the scoped `change` queryset finds it."""

    action = "change"

    def inspection(self) -> Inspection:
        return get_object_or_404(
            self.restricted_queryset().select_related("premises", "template"), pk=self.kwargs["pk"]
        )

    def item(self, inspection: Inspection) -> ChecklistItem:
        return get_object_or_404(
            ChecklistItem, pk=self.kwargs["item"], template_id=inspection.template_id
        )

    def item_partial(
        self, inspection: Inspection, item: ChecklistItem, status: int = 200, error: str = ""
    ) -> HttpResponse:
        row = next(row for row in result_rows(inspection) if row["item"].pk == item.pk)
        context = {"inspection": inspection, "row": row, "error": error, "outcomes": Outcome}
        return render(self.request, "hazards/inspection_item.html", context, status=status)

    def done(self, inspection: Inspection, item: ChecklistItem, error: str = "") -> HttpResponse:
        """htmx gets the item back; a plain form post goes back to the run page."""
        if self.request.headers.get("HX-Request"):
            return self.item_partial(inspection, item, 400 if error else 200, error)
        if error:
            messages.error(self.request, error)
        return redirect(f"{self._run_url(inspection)}#item-{item.pk}")

    def _run_url(self, inspection: Inspection) -> str:
        return reverse("hazards:inspection_run", args=[inspection.pk])


class InspectionRunView(RunningInspectionView):
    """The phone-sized checklist: one card per item, saved as it is answered."""

    template_name = "hazards/inspection_run.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        inspection = self.inspection()
        if inspection.state != InspectionState.IN_PROGRESS:
            return redirect(inspection.get_absolute_url())
        rows = result_rows(inspection)
        context = self.page_context(
            object=inspection,
            rows=rows,
            outcomes=Outcome,
            answered=sum(1 for row in rows if row["result"] is not None),
            signature=Attachment.objects.of(inspection, service.SIGNATURE).last(),
            signature_form=SignatureForm(
                initial={"representative_name": inspection.representative_name}
            ),
        )
        return render(request, self.template_name, context)


class InspectionResultView(RunningInspectionView):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        inspection = self.inspection()
        item = self.item(inspection)
        form = ResultForm(request.POST)
        if not form.is_valid():
            return self.done(inspection, item, _("Choose pass, fail or not applicable."))
        try:
            service.record_result(
                user=self.user,
                inspection=inspection,
                item=item,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
            )
        except REFUSALS as error:
            return self.done(inspection, item, refusal_text(error))
        return self.done(inspection, item)


class InspectionPhotoView(RunningInspectionView):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        inspection = self.inspection()
        item = self.item(inspection)
        result = InspectionResult.objects.filter(inspection=inspection, item=item).first()
        form = PhotoForm(request.POST, request.FILES)
        if result is None:
            return self.done(inspection, item, _("Record the outcome before adding a photo."))
        if not form.is_valid():
            return self.done(inspection, item, _("Choose a photo."))
        try:
            service.add_photo(user=self.user, result=result, upload=form.cleaned_data["photo"])
        except REFUSALS as error:
            return self.done(inspection, item, refusal_text(error))
        return self.done(inspection, item)


class InspectionHazardView(RunningInspectionView):
    """One click: the failed item becomes a hazard, prefilled; then the link to it."""

    action = "view"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        inspection = self.inspection()
        item = self.item(inspection)
        result = InspectionResult.objects.filter(inspection=inspection, item=item).first()
        if result is None:
            return self.done(inspection, item, _("Only a failed item becomes a hazard."))
        try:
            hazard = service.record_failed_item_as_hazard(user=self.user, result=result)
        except REFUSALS as error:
            return self.done(inspection, item, refusal_text(error))
        if not request.headers.get("HX-Request"):
            return redirect(hazard.get_absolute_url())
        return self.item_partial(inspection, item)


class InspectionSignView(RunningInspectionView):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        inspection = self.inspection()
        form = SignatureForm(request.POST, request.FILES)
        if not form.is_valid():
            messages.error(request, _("Give the representative's name and their signature."))
            return redirect(self._run_url(inspection))
        try:
            service.sign(
                user=self.user,
                inspection=inspection,
                representative_name=form.cleaned_data["representative_name"],
                upload=form.cleaned_data["signature"],
            )
        except REFUSALS as error:
            messages.error(request, refusal_text(error))
        else:
            messages.success(request, _("Signature saved."))
        return redirect(f"{self._run_url(inspection)}#signature")


class AttachmentView(View):
    """An attached file, for anyone who may view the record it belongs to."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return attachment_response(request.user, pk)


def inspections_panel(user: User, premises: Premises) -> dict[str, Any]:
    """The premises page's inspections card: recent inspections and the next due date."""
    if not user.has_perm("hazards.view_inspection"):
        raise PermissionDenied
    recent = (
        Inspection.objects.restrict(user, "view")
        .filter(premises=premises)
        .select_related("template", "inspector")
        .order_by("-started_at", "-pk")[:10]
    )
    schedule = InspectionSchedule.objects.restrict(user, "view").filter(premises=premises).first()
    rows = list(recent)
    for row in rows:
        row.state_label = state_label(row.state)  # type: ignore[attr-defined]
    return {
        "inspections": rows,
        "schedule": schedule,
        "may_inspect": user.has_perm("hazards.add_inspection"),
    }


urlpatterns: list[URLPattern] = [
    path("inspections/", InspectionListView.as_view(), name="inspection_list"),
    path("inspections/start/", InspectionStartView.as_view(), name="inspection_start"),
    path("inspections/<int:pk>/", InspectionDetailView.as_view(), name="inspection_detail"),
    path(
        "inspections/<int:pk>/history/", InspectionHistoryView.as_view(), name="inspection_history"
    ),
    path("inspections/<int:pk>/run/", InspectionRunView.as_view(), name="inspection_run"),
    path(
        "inspections/<int:pk>/items/<int:item>/",
        InspectionResultView.as_view(),
        name="inspection_result",
    ),
    path(
        "inspections/<int:pk>/items/<int:item>/photo/",
        InspectionPhotoView.as_view(),
        name="inspection_photo",
    ),
    path(
        "inspections/<int:pk>/items/<int:item>/hazard/",
        InspectionHazardView.as_view(),
        name="inspection_hazard",
    ),
    path("inspections/<int:pk>/sign/", InspectionSignView.as_view(), name="inspection_sign"),
    transition_path("inspections", Inspection, "inspection_transition"),
    path("attachments/<int:pk>/", AttachmentView.as_view(), name="attachment"),
]
