"""Directory pages. Each model gets list, add, detail, edit, delete and history URLs named
`<model>_<page>` (e.g. `premises_list`, `premises_edit`); core.navigation relies on them."""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, path

from core.views import directory as views
from core.views.generic import ObjectDeleteView, ObjectHistoryView
from core.views.home import HomeView

app_name = "core"

ROUTES = {
    "list": "{}/",
    "add": "{}/add/",
    "detail": "{}/<int:pk>/",
    "edit": "{}/<int:pk>/edit/",
    "delete": "{}/<int:pk>/delete/",
    "history": "{}/<int:pk>/history/",
}


def model_urls(route: str, name: str, *, delete: bool = True) -> list[URLPattern]:
    """A model's pages from the `<name>ListView`, `…DetailView`, `…EditView` (create and
    update; without a pk it creates) of core.views.directory; delete and history fall back to
    the generic views when the module declares none."""
    list_view = getattr(views, f"{name}ListView")
    model = list_view.model
    generic = {"delete": ObjectDeleteView, "history": ObjectHistoryView}
    pages: dict[str, Any] = {
        "list": list_view,
        "add": getattr(views, f"{name}EditView"),
        "detail": getattr(views, f"{name}DetailView"),
        "edit": getattr(views, f"{name}EditView"),
        "history": getattr(views, f"{name}HistoryView", None),
    }
    if delete:
        pages["delete"] = getattr(views, f"{name}DeleteView", None)
    return [
        path(
            ROUTES[page].format(route),
            view.as_view() if view else generic[page].as_view(model=model),
            name=f"{model._meta.model_name}_{page}",
        )
        for page, view in pages.items()
    ]


urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    *model_urls("regions", "Region"),
    *model_urls("sectors", "Sector"),
    *model_urls("licence-types", "LicenceType"),
    *model_urls("departments", "Department"),
    *model_urls("premises", "Premises"),
    *model_urls("licences", "Licence"),
    *model_urls("users", "User", delete=False),
    path("audit/", views.AuditEntryListView.as_view(), name="auditentry_list"),
]
