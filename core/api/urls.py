"""`/api/v1/…` resources, the token endpoint, the OpenAPI schema and its Swagger UI."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core.api import views
from core.api.routes import build_router

# Built on first use of the URLconf, after every app's ready() has registered its routes.
router = build_router()

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
