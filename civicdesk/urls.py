from django.urls import include, path
from django.views.generic import RedirectView

from core.admin import admin_site
from core.views.health import healthz

urlpatterns = [
    path("", include("core.urls")),
    path("", RedirectView.as_view(pattern_name="core:home"), name="home"),
    path("accounts/", include("core.account_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("core.api.urls")),
    path("admin/", admin_site.urls),
    path("healthz", healthz, name="healthz"),
    path("workflow/", include("workflow.urls")),
    path("safety/", include("hazards.urls")),
    path("complaints/", include("complaints.urls")),
    path("portal/", include("complaints.portal.urls")),
    path("open311/", include("complaints.open311.urls")),
    path("reports/", include("reports.urls")),
]

# An unmatched URL under /api/ answers in JSON like every API refusal (core/api/exceptions.py).
handler404 = "core.api.exceptions.page_not_found"
