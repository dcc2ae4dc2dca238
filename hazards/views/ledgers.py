"""Ledger pages: upload a hazard ledger (imported by the background worker), follow the job
with its problem report, and download the hazard and inspection ledgers."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _

from core.exports import EXPORT_FORMATS, csv_response, rows_response
from core.forms import style_for_bootstrap
from core.models import ImportJob, ImportProblem, User
from core.views.generic import RestrictedView
from hazards.filtersets.hazards import HazardFilterSet
from hazards.filtersets.inspections import InspectionFilterSet
from hazards.forms.ledgers import LedgerImportForm
from hazards.models import Hazard, Inspection
from hazards.services import ledgers as service

PROBLEMS_PER_PAGE = 100


class LedgerImportView(RestrictedView):
    """Upload form; the job is created here and run by the worker after the commit."""

    model = ImportJob
    action = "add"
    template_name = "hazards/ledger_import.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        # Importing registers hazards: the user must be allowed to add them too.
        if request.user.is_authenticated and not request.user.has_perm("hazards.add_hazard"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.render_form(LedgerImportForm())

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        form = LedgerImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_form(form, status=400)
        job = service.create_import_job(
            user=request.user,  # type: ignore[arg-type]
            upload=form.cleaned_data["file"],
            valid_rows_only=form.cleaned_data["valid_rows_only"],
        )
        return redirect("hazards:importjob_detail", pk=job.pk)

    def render_form(self, form: LedgerImportForm, status: int = 200) -> HttpResponse:
        jobs = self.restricted_queryset("view").filter(kind=service.IMPORT_KIND)[:10]
        context = {
            "form": style_for_bootstrap(form),
            "jobs": jobs,
            "columns": service.COLUMNS,
        }
        return render(self.request, self.template_name, context, status=status)


class ImportJobDetailView(RestrictedView):
    """Progress (polled by htmx while the job runs), then the problem report."""

    model = ImportJob
    template_name = "hazards/importjob_detail.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        job = self.get_object()
        assert isinstance(job, ImportJob)
        running = job.state in (ImportJob.State.PENDING, ImportJob.State.RUNNING)
        problems = Paginator(
            ImportProblem.objects.filter(job=job).order_by("row", "pk"), PROBLEMS_PER_PAGE
        ).get_page(request.GET.get("page"))
        context = {
            "job": job,
            "running": running,
            "problems": problems,
            "percent": progress_percent(job),
        }
        if request.headers.get("HX-Request") and request.GET.get("part") == "progress":
            return render(request, "hazards/importjob_progress.html", context)
        return render(request, self.template_name, context)


class ImportJobProblemsView(RestrictedView):
    """The problem report as CSV (row, column, problem), for fixing the file."""

    model = ImportJob

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        job = self.get_object()
        problems = ImportProblem.objects.filter(job_id=job.pk).order_by("row", "pk")
        return csv_response(problem_rows(problems), f"import-{job.pk}-problems")


def problem_rows(problems: QuerySet[ImportProblem]) -> Any:
    yield [_("Row"), _("Column"), _("Problem")]
    for row, column, message in problems.values_list("row", "column", "message").iterator(
        chunk_size=2000
    ):
        yield [row, column, message]


def progress_percent(job: ImportJob) -> int:
    """Checking the rows is the first half of the bar, writing them the second."""
    total = job.total_rows or 0
    if job.state not in (ImportJob.State.PENDING, ImportJob.State.RUNNING):
        return 100
    if not total:
        return 0
    checked = min(job.processed_rows, total) / total
    to_write = max(total - job.failed_rows, 1)
    written = min(job.imported_rows, to_write) / to_write
    return int(50 * checked + 50 * written)


LEDGERS = {"hazards": Hazard, "inspections": Inspection}


class LedgerExportView(RestrictedView):
    """The hazard or inspection ledger, filtered like its list, as XLSX or CSV."""

    model = Hazard
    template_name = "hazards/ledger_export.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        ledger = request.GET.get("ledger", "hazards")
        if ledger not in LEDGERS:
            raise Http404
        if not request.user.has_perm(f"hazards.view_{LEDGERS[ledger]._meta.model_name}"):
            raise PermissionDenied
        filterset = self.filterset(ledger)
        export_format = request.GET.get("export")
        if export_format in EXPORT_FORMATS and filterset.is_valid():
            return self.download(ledger, filterset.qs, export_format)
        context = {
            "ledger": ledger,
            "filter_form": style_for_bootstrap(filterset.form),
            "may_inspections": request.user.has_perm("hazards.view_inspection"),
        }
        return render(request, self.template_name, context)

    def filterset(self, ledger: str) -> Any:
        user = self.request.user
        if ledger == "hazards":
            queryset: QuerySet = service.hazard_ledger(user)  # type: ignore[arg-type]
            filterset_class: Any = HazardFilterSet
        else:
            queryset = service.inspection_ledger(user)  # type: ignore[arg-type]
            filterset_class = InspectionFilterSet
        data = self.request.GET.copy()
        for key in ("ledger", "export"):
            data.pop(key, None)
        return filterset_class(data, queryset=queryset, request=self.request)

    def download(self, ledger: str, queryset: QuerySet, export_format: str) -> HttpResponseBase:
        if ledger == "hazards":
            rows, stem, title = service.hazard_ledger_rows(queryset), "hazard-ledger", _("Hazards")
        else:
            rows = service.inspection_ledger_rows(queryset)
            stem, title = "inspection-ledger", _("Inspections")
        return rows_response(export_format, rows, stem, title)


def ledger_panel(user: User, premises: Any) -> dict[str, Any]:
    """The premises page's ledger card: its imports and links to its ledgers."""
    jobs = ImportJob.objects.restrict(user, "view").filter(
        kind=service.IMPORT_KIND, premises=premises
    )[:5]
    return {
        "premises": premises,
        "jobs": jobs,
        "hazard_ledger_url": reverse("hazards:ledger_export")
        + f"?ledger=hazards&premises={premises.pk}",
    }


urlpatterns: list[URLPattern] = [
    path("ledgers/import/", LedgerImportView.as_view(), name="ledger_import"),
    path("ledgers/export/", LedgerExportView.as_view(), name="ledger_export"),
    path("imports/<int:pk>/", ImportJobDetailView.as_view(), name="importjob_detail"),
    path(
        "imports/<int:pk>/problems.csv",
        ImportJobProblemsView.as_view(),
        name="importjob_problems",
    ),
]
