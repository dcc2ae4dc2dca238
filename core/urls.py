"""Directory pages. Each model gets list, add, detail, edit, delete and history URLs named
`<model>_<page>` (e.g. `premises_list`, `premises_edit`); core.navigation relies on them."""

from __future__ import annotations

from django.urls import URLPattern, path

from core.views import directory as views
from core.views.home import HomeView

app_name = "core"


def object_urls(prefix: str, route: str, **pages: type) -> list[URLPattern]:
    """URLs for one model; `pages` maps list/add/detail/edit/delete/history to view classes."""
    routes = {
        "list": f"{route}/",
        "add": f"{route}/add/",
        "detail": f"{route}/<int:pk>/",
        "edit": f"{route}/<int:pk>/edit/",
        "delete": f"{route}/<int:pk>/delete/",
        "history": f"{route}/<int:pk>/history/",
    }
    # Create and update share one view class: without a pk it creates.
    return [
        path(routes[page], view.as_view(), name=f"{prefix}_{page}")
        for page, view in pages.items()
    ]


def crud_urls(prefix: str, route: str, name: str, *, delete: bool = True) -> list[URLPattern]:
    """The full set for a model whose views in core.views.directory are named `<name>…View`."""
    pages = {
        "list": getattr(views, f"{name}ListView"),
        "add": getattr(views, f"{name}EditView"),
        "detail": getattr(views, f"{name}DetailView"),
        "edit": getattr(views, f"{name}EditView"),
        "history": getattr(views, f"{name}HistoryView"),
    }
    if delete:
        pages["delete"] = getattr(views, f"{name}DeleteView")
    return object_urls(prefix, route, **pages)


urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    *crud_urls("region", "regions", "Region"),
    *crud_urls("sector", "sectors", "Sector"),
    *crud_urls("licencetype", "licence-types", "LicenceType"),
    *crud_urls("department", "departments", "Department"),
    *crud_urls("premises", "premises", "Premises"),
    *crud_urls("licence", "licences", "Licence"),
    *crud_urls("user", "users", "User", delete=False),
    *object_urls("auditentry", "audit", list=views.AuditEntryListView),
]
