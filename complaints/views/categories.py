"""Matter categories (DESIGN.md §6): the tree, each category's routes and questions, and a box
to test where a matter of a category in a place would be routed.

Short declarations on the generic views: reads go through `restrict()`, writes through
`save_in_scope` / `delete_in_scope` (audited). Routes, questions and answer options have no
list page of their own: they are managed from their category's page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import django_filters
import django_tables2 as tables
from django.db.models import Count, Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.views import View

from complaints.choices import HotlineLimit
from complaints.forms.categories import (
    AttributeOptionForm,
    CategoryAttributeForm,
    CategoryForm,
    CategoryRouteForm,
    RoutingTestForm,
)
from complaints.models import AttributeOption, Category, CategoryAttribute, CategoryRoute
from complaints.services.routing import _codes, route_for
from core.accounts import signed_in_user
from core.filtersets import SearchFilterSet
from core.models import Department, Region
from core.tables import DirectoryTable
from core.views.generic import (
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectHistoryView,
    ObjectListView,
    RestrictedView,
)

DETAIL_FIELDS = ("code", "name", "parent", "description", "sector", "hotline_limit", "keywords",
                 "public", "published")  # fmt: skip


class ComplaintsPage(RestrictedView):
    """Pages under the complaints namespace (the generic views name `core:` by default)."""

    @property
    def url_prefix(self) -> str:
        return f"complaints:{self.model._meta.model_name}"


class CategoryChildPage(ComplaintsPage):
    """Routes, questions and options: their list is the category tree, they open on the
    category's page."""

    def url_for(self, page: str, obj: Model | None = None) -> str:
        if page == "list":
            return reverse("complaints:category_list")
        return super().url_for(page, obj)

    def success_url(self, obj: Model) -> str:
        return obj.get_absolute_url()  # type: ignore[attr-defined]


# --- the tree -------------------------------------------------------------------------------


class CategoryFilterSet(SearchFilterSet):
    search_fields = ("code", "name", "keywords")
    hotline_limit = django_filters.ChoiceFilter(
        choices=HotlineLimit.choices, label=_("12345 limit")
    )
    public = django_filters.BooleanFilter(label=_("offered to citizens"))

    class Meta:
        model = Category
        fields = ["q", "hotline_limit", "public"]


class CategoryTable(DirectoryTable):
    code = tables.Column(linkify=True)
    name = tables.Column(linkify=True)
    hotline_limit = tables.Column()
    sector = tables.Column()
    route_count = tables.Column(verbose_name=_("routes"), orderable=False)
    public = tables.BooleanColumn()

    class Meta(DirectoryTable.Meta):
        model = Category
        fields = ("code", "name", "hotline_limit", "sector", "route_count", "public")
        order_by = ("path",)

    def render_name(self, value: str, record: Category) -> str:
        # The tree, indented by depth (the rows come in path order).
        return format_html(
            '<span style="padding-left: {}rem"><a href="{}">{}</a></span>',
            record.depth * 1.5, record.get_absolute_url(), value,
        )  # fmt: skip

    def value_name(self, value: str, record: Category) -> str:
        return f"{'  ' * record.depth}{value}"


class CategoryListView(ComplaintsPage, ObjectListView):
    model = Category
    table_class = CategoryTable
    filterset_class = CategoryFilterSet
    template_name = "complaints/category_list.html"
    select_related = ("sector",)

    def restricted_queryset(self, action: str | None = None) -> QuerySet:
        return super().restricted_queryset(action).annotate(route_count=Count("routes"))

    def page_context(self, **extra: Any) -> dict[str, Any]:
        form = RoutingTestForm(user=signed_in_user(self.request))
        return super().page_context(routing_form=form, **extra)


class CategoryDetailView(ComplaintsPage, ObjectDetailView):
    model = Category
    template_name = "complaints/category_detail.html"
    detail_fields = DETAIL_FIELDS
    select_related = ("parent", "sector")

    def extra_context(self, obj: Model) -> dict[str, Any]:
        assert isinstance(obj, Category)
        user = signed_in_user(self.request)
        routes = (
            CategoryRoute.objects.restrict(user, "view")
            .filter(category=obj)
            .select_related("region", "department")
            .order_by("region__path")
        )
        questions = (
            CategoryAttribute.objects.restrict(user, "view")
            .filter(category=obj)
            .prefetch_related("options")
        )
        children = Category.objects.restrict(user, "view").filter(parent=obj)
        return {
            "routes": routes,
            "questions": questions,
            "children": children,
            "may_edit_routes": user.has_perm("complaints.add_categoryroute"),
            "may_edit_questions": user.has_perm("complaints.add_categoryattribute"),
            "may_change_questions": user.has_perm("complaints.change_categoryattribute"),
            "routing_form": RoutingTestForm(initial={"category": obj.pk}, user=user),
        }


class CategoryEditView(ComplaintsPage, ObjectEditView):
    model = Category
    form_class = CategoryForm


class CategoryDeleteView(ComplaintsPage, ObjectDeleteView):
    model = Category


class CategoryHistoryView(ComplaintsPage, ObjectHistoryView):
    model = Category


class RouteEditView(CategoryChildPage, ObjectEditView):
    model = CategoryRoute
    form_class = CategoryRouteForm


class RouteDeleteView(CategoryChildPage, ObjectDeleteView):
    model = CategoryRoute


class AttributeEditView(CategoryChildPage, ObjectEditView):
    model = CategoryAttribute
    form_class = CategoryAttributeForm
    template_name = "complaints/category_attribute_edit.html"

    def render_form(self, form: Any) -> HttpResponse:
        # An existing question lists its answer options below the form.
        self.answer_options = (
            AttributeOption.objects.restrict(self.request.user, "view").filter(
                attribute=form.instance
            )
            if form.instance.pk
            else AttributeOption.objects.none()
        )
        return super().render_form(form)

    def page_context(self, **extra: Any) -> dict[str, Any]:
        options = getattr(self, "answer_options", AttributeOption.objects.none())
        may = self.request.user.has_perm("complaints.add_attributeoption")
        return super().page_context(options=options, may_edit_options=may, **extra)


class AttributeDeleteView(CategoryChildPage, ObjectDeleteView):
    model = CategoryAttribute


class OptionEditView(CategoryChildPage, ObjectEditView):
    model = AttributeOption
    form_class = AttributeOptionForm


class OptionDeleteView(CategoryChildPage, ObjectDeleteView):
    model = AttributeOption


# --- which unit gets it? --------------------------------------------------------------------


@dataclass(frozen=True)
class RoutingAnswer:
    """What `route_for` decides, and why: an explicit route, the sector's regulator, or the
    desk (no unit found)."""

    department: Department | None
    route: CategoryRoute | None
    by_sector: bool


def explain_route(category: Category, region: Region) -> RoutingAnswer:
    department = route_for(category, region)
    routes = CategoryRoute.objects.filter(
        category__code__in=_codes(category.path), region__code__in=_codes(region.path)
    ).select_related("category", "region", "department")
    route = max(routes, key=lambda r: (r.category.depth, r.region.depth), default=None)
    by_sector = department is not None and (route is None or route.department != department)
    return RoutingAnswer(department, route if not by_sector else None, by_sector)


class RoutingTestView(ComplaintsPage):
    """GET category + region → the unit `route_for` picks (nothing is written)."""

    model = Category
    template_name = "complaints/category_route_test.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = RoutingTestForm(request.GET or None, user=signed_in_user(request))
        answer = None
        if form.is_valid():
            answer = explain_route(form.cleaned_data["category"], form.cleaned_data["region"])
        context = self.page_context(form=form, answer=answer)
        return render(request, self.template_name, context)


def child_pages(prefix: str, url: str, edit: type[View], delete: type[View]) -> list[URLPattern]:
    return [
        path(f"{url}/add/", edit.as_view(), name=f"{prefix}_add"),
        path(f"{url}/<int:pk>/edit/", edit.as_view(), name=f"{prefix}_edit"),
        path(f"{url}/<int:pk>/delete/", delete.as_view(), name=f"{prefix}_delete"),
    ]


urlpatterns: list[URLPattern] = [
    path("categories/", CategoryListView.as_view(), name="category_list"),
    path("categories/add/", CategoryEditView.as_view(), name="category_add"),
    path("categories/route-test/", RoutingTestView.as_view(), name="category_route_test"),
    path("categories/<int:pk>/", CategoryDetailView.as_view(), name="category_detail"),
    path("categories/<int:pk>/edit/", CategoryEditView.as_view(), name="category_edit"),
    path("categories/<int:pk>/delete/", CategoryDeleteView.as_view(), name="category_delete"),
    path("categories/<int:pk>/history/", CategoryHistoryView.as_view(), name="category_history"),
    *child_pages("categoryroute", "category-routes", RouteEditView, RouteDeleteView),
    *child_pages("categoryattribute", "category-questions", AttributeEditView,
                 AttributeDeleteView),
    *child_pages("attributeoption", "answer-options", OptionEditView, OptionDeleteView),
]  # fmt: skip
