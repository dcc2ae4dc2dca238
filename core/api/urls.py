"""`/api/v1/…` resources, the token endpoint, the OpenAPI schema and its Swagger UI."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from complaints.api.urls import register as register_complaints
from core.api import views
from hazards.api.urls import register as register_safety
from workflow.api import register as register_workflow

router = DefaultRouter()
# Basenames are given because the viewsets have no class-level `queryset` to guess from.
router.register("regions", views.RegionViewSet, basename="region")
router.register("sectors", views.SectorViewSet, basename="sector")
router.register("licence-types", views.LicenceTypeViewSet, basename="licencetype")
router.register("departments", views.DepartmentViewSet, basename="department")
router.register("premises", views.PremisesViewSet, basename="premises")
router.register("licences", views.LicenceViewSet, basename="licence")
router.register("responsibilities", views.ResponsibilityViewSet, basename="responsibility")
router.register("users", views.UserViewSet, basename="user")
router.register("audit-entries", views.AuditEntryViewSet, basename="auditentry")
register_workflow(router)
register_safety(router)
register_complaints(router)

urlpatterns = [
    path("v1/auth/token/", views.ObtainTokenView.as_view(), name="api_token"),
    path("v1/", include((router.urls, "api"), namespace="api")),
    path("schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path(
        "docs/",
        # The split view serves its script as a file, so the CSP needs no 'unsafe-inline'.
        SpectacularSwaggerSplitView.as_view(
            url_name="api_schema", template_name="core/api/swagger_ui.html"
        ),
        name="api_docs",
    ),
]
