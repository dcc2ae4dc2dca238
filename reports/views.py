"""The leader dashboard page and the periodic reports (made on demand, or filed by the worker)."""

from __future__ import annotations

import io
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views import View

from core.accounts import signed_in_user
from core.exports import XLSX_TYPE
from core.pdf import pdf_response, safe_filename
from reports.chart_render import chart_download_response
from reports.dashboard import Dashboard, build_dashboard
from reports.figures import DASHBOARD_PERMISSION, dashboard_charts, dashboard_context
from reports.forms import DashboardForm, ReportForm
from reports.models import FiledReport
from reports.periodic import build_report, report_pdf, report_xlsx
from workflow.calendar import local_date


class LeaderView(View):
    """Pages for the roles that hold reports.view_dashboard; figures are for the user's scope."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.has_perm(DASHBOARD_PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class DashboardPage(LeaderView):
    """The period and area chosen in the query string, and the dashboard for them."""

    def chosen(self, request: HttpRequest) -> tuple[DashboardForm, Dashboard | None]:
        user = signed_in_user(request)
        today = local_date(timezone.now())
        form = DashboardForm(request.GET or None, user=user, today=today)
        if form.is_bound and not form.is_valid():
            return form, None
        return form, build_dashboard(user, form.chosen_period(), form.chosen_area())


class DashboardView(DashboardPage):
    template_name = "reports/dashboard.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        form, board = self.chosen(request)
        if board is None:
            return render(request, self.template_name, {"form": form}, status=400)
        context = {"form": form, **dashboard_context(signed_in_user(request), board)}
        context["query"] = request.GET.urlencode()
        return render(request, self.template_name, context)


class DashboardChartView(DashboardPage):
    """One of the dashboard's charts, for the same period and area, as an SVG or PNG file to
    put in a document."""

    def get(self, request: HttpRequest, chart_id: str, fmt: str) -> HttpResponse:
        form, board = self.chosen(request)
        if board is None:
            return HttpResponse(form.errors.as_text(), status=400, content_type="text/plain")
        charts = {chart.id: chart for chart in dashboard_charts(signed_in_user(request), board)}
        if chart_id not in charts:
            raise Http404
        return chart_download_response(charts[chart_id], fmt)


class ReportsView(LeaderView):
    """Make a periodic report for the user's scope now, or download one the worker filed."""

    template_name = "reports/reports.html"

    def get(self, request: HttpRequest) -> HttpResponseBase:
        user = signed_in_user(request)
        form = ReportForm(request.GET or None, user=user, today=local_date(timezone.now()))
        if form.is_bound and form.is_valid():
            data = form.cleaned_data
            report = build_report(user, data["kind"], data["report_period"], data["area"])
            if data["format"] == "xlsx":
                return FileResponse(
                    io.BytesIO(report_xlsx(report)),
                    as_attachment=True,
                    filename=safe_filename(report.title, suffix=".xlsx"),
                    content_type=XLSX_TYPE,
                )
            return pdf_response(report_pdf(report), report.title, inline=False)
        context = {"form": form, "filed": FiledReport.objects.restrict(user, "view")[:100]}
        return render(request, self.template_name, context, status=400 if form.is_bound else 200)


class FiledReportFileView(LeaderView):
    def get(self, request: HttpRequest, pk: int, fmt: str) -> FileResponse:
        if fmt not in ("pdf", "xlsx"):
            raise Http404
        filed = get_object_or_404(FiledReport.objects.restrict(request.user, "view"), pk=pk)
        stored = filed.pdf if fmt == "pdf" else filed.xlsx
        return FileResponse(
            stored.open("rb"),
            as_attachment=True,
            filename=safe_filename(filed.title, suffix=f".{fmt}"),
        )


urlpatterns: list[URLPattern] = [
    path("", DashboardView.as_view(), name="dashboard"),
    path("charts/<slug:chart_id>.<str:fmt>", DashboardChartView.as_view(), name="chart"),
    path("periodic/", ReportsView.as_view(), name="reports"),
    path("filed/<int:pk>.<str:fmt>", FiledReportFileView.as_view(), name="filed_report"),
]
