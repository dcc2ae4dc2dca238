"""Generic views for every model's pages: list, detail, edit, delete and history.

Each reads rows only through `Model.objects.restrict(user, action)` (see `RestrictedView`),
so a row outside the user's scope is a 404, and writes only through `core.services`, so every
change is scope-checked inside its transaction and audited. A meta-test fails when a URL in
`core.urls` is served by a view that does not inherit these classes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import EmptyPage, Paginator
from django.db.models import Model, ProtectedError, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View

from core.accounts import signed_in_user
from core.exports import EXPORT_FORMATS, export_response
from core.filtersets import filter_errors
from core.forms import style_for_bootstrap
from core.models import AuditEntry, User
from core.scoping import permission_name
from core.services import OutOfScopeError, ServiceError, delete_in_scope, save_in_scope
from core.views.presentation import DetailRow, detail_rows, history_rows

PAGE_SIZE = 50

# What a service raises when it refuses; a page shows it as a message or a form error. A row
# outside the scope (Http404) is not among them: it stays a 404 page.
REFUSALS = (ServiceError, ValidationError, PermissionDenied)


def refusal_text(error: Exception) -> str:
    """The message a page shows for a refusal, whichever kind of refusal it is."""
    if isinstance(error, ServiceError):
        return str(error.message)
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or _("You may not take this action.")


class RestrictedView(View):
    """Base of every object view: model permission first (403), then the scoped queryset."""

    model: type[Model] = None  # type: ignore[assignment]  # each page sets it, or as_view(model=…)
    action = "view"
    template_name = ""
    # Extra joins for the page, applied on top of the restricted queryset.
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple[str, ...] = ()

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.has_perm(permission_name(self.model, self.required_action())):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def required_action(self) -> str:
        return self.action

    @property
    def user(self) -> User:
        """The signed-in user: `dispatch` has sent everyone else to the login page."""
        return signed_in_user(self.request)

    def restricted_queryset(self, action: str | None = None) -> QuerySet:
        queryset = self.model.objects.restrict(self.request.user, action or self.action)  # type: ignore[attr-defined]
        if self.select_related:
            queryset = queryset.select_related(*self.select_related)
        if self.prefetch_related:
            queryset = queryset.prefetch_related(*self.prefetch_related)
        return queryset

    def get_object(self, action: str | None = None) -> Model:
        return get_object_or_404(self.restricted_queryset(action), pk=self.kwargs["pk"])

    @property
    def url_prefix(self) -> str:
        return f"core:{self.model._meta.model_name}"

    def url_for(self, page: str, obj: Model | None = None) -> str:
        return reverse(f"{self.url_prefix}_{page}", args=[obj.pk] if obj is not None else [])

    def has_page(self, page: str) -> bool:
        """Not every model has every page (users are deactivated, never deleted)."""
        try:
            reverse(f"{self.url_prefix}_{page}", args=[] if page in ("list", "add") else [0])
        except NoReverseMatch:
            return False
        return True

    def may(self, action: str) -> bool:
        return self.request.user.has_perm(permission_name(self.model, action))

    def may_on(self, obj: Model, action: str) -> bool:
        """The user may `action` this very row: an Edit button leads nowhere else than a 404
        when the row is out of the user's reach for changes, though not for viewing."""
        return self.may(action) and self.restricted_queryset(action).filter(pk=obj.pk).exists()

    def object_actions(self, obj: Model) -> dict[str, bool]:
        return {"may_change": self.may_on(obj, "change"), "may_delete": self.may_on(obj, "delete")}

    def page_context(self, **extra: Any) -> dict[str, Any]:
        opts = self.model._meta
        return {
            "model_name": opts.verbose_name,
            "model_name_plural": opts.verbose_name_plural,
            "list_url": self.url_for("list"),
            "may_add": self.may("add"),
            "may_change": self.may("change"),
            "may_delete": self.may("delete"),
            "add_url": self.url_for("add") if self.has_page("add") else "",
            "has_edit_page": self.has_page("edit"),
            "has_delete_page": self.has_page("delete"),
            "url_prefix": self.url_prefix,
            **extra,
        }

    def return_url(self, default: str) -> str:
        """Where to go after a write: a safe local `return_url`, else the given page."""
        wanted = self.request.POST.get("return_url") or self.request.GET.get("return_url", "")
        if wanted and url_has_allowed_host_and_scheme(wanted, allowed_hosts=None):
            return wanted
        return default


class RefusalMessages:
    """Pages that post an operation: a refusal becomes an error message on the page, never an
    error page (a row outside the scope stays a 404)."""

    request: HttpRequest

    def attempt[T](self, operation: Callable[[], T]) -> T | None:
        """Run `operation`; on a refusal show why and return None (nothing was written)."""
        try:
            return operation()
        except REFUSALS as error:
            messages.error(self.request, refusal_text(error))
            return None


class ObjectListView(RestrictedView):
    """Filter, search (`q`), sort and paginate; `?export=csv|xlsx` downloads the filtered list."""

    table_class: type
    filterset_class: type
    template_name = "generic/object_list.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        filterset = self.filterset_class(
            request.GET or None, queryset=self.restricted_queryset(), request=request
        )
        errors = self.unreadable_filters(filterset)
        # An unreadable filter shows nothing rather than rows the user did not ask for.
        table = self.table_class(filterset.qs.none() if errors else filterset.qs, request=request)
        sort = request.GET.getlist(table.prefixed_order_by_field)
        if sort:
            table.order_by = sort
        export_format = self.requested_export()
        if export_format in EXPORT_FORMATS:
            return self.export(export_format, table)
        self.paginate(table)
        style_for_bootstrap(filterset.form)
        context = self.page_context(table=table, filter_form=filterset.form)
        return render(request, self.template_name, context, status=400 if errors else 200)

    def unreadable_filters(self, filterset: Any) -> dict[str, list[str]]:
        """The filters whose values cannot be read, each told as a message on the page."""
        errors = filter_errors(filterset) if filterset.is_bound else {}
        for name, problems in errors.items():
            messages.error(self.request, _("Filter %(name)s: %(problems)s") % {
                "name": name, "problems": " ".join(problems)})  # fmt: skip
        return errors

    def requested_export(self) -> str | None:
        return self.request.GET.get("export")

    def paginate(self, table: Any) -> None:
        # A fixed page size: a `per_page` in the URL must not turn a page into an export.
        page = self.request.GET.get(table.prefixed_page_field, "1")
        try:
            table.paginate(page=int(page) if page.isdigit() else 1, per_page=PAGE_SIZE)
        except EmptyPage:
            table.paginate(page=table.paginator.num_pages, per_page=PAGE_SIZE)

    def export(self, export_format: str, table: Any) -> HttpResponseBase:
        opts = self.model._meta
        # table.data.data is the filtered queryset in the order the user sorted it by.
        stem, title = str(opts.model_name), str(opts.verbose_name_plural)
        return export_response(export_format, table, table.data.data, stem, title)


class ObjectDetailView(RestrictedView):
    template_name = "generic/object_detail.html"
    detail_fields: Sequence[str] = ()
    detail_labels: dict[str, Any] = {}  # where the page calls a field differently from the model

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        obj = self.get_object()
        context = self.page_context(
            object=obj,
            rows=self.get_rows(obj),
            active_tab="details",
            **{**self.object_actions(obj), **self.extra_context(obj)},
        )
        return render(request, self.template_name, context)

    def get_rows(self, obj: Model) -> list[DetailRow]:
        return detail_rows(obj, self.detail_fields, self.user, self.detail_labels)

    def extra_context(self, obj: Model) -> dict[str, Any]:
        """Related panels a model's detail page adds (its own template shows them)."""
        return {}


class ObjectEditView(RestrictedView):
    """Create (no `pk` in the URL) or update; the save is scope-checked and audited."""

    form_class: type
    template_name = "generic/object_edit.html"

    def required_action(self) -> str:
        return "change" if "pk" in self.kwargs else "add"

    def get_instance(self) -> Model:
        if "pk" in self.kwargs:
            return self.get_object("change")
        return self.model()

    def get_form(self, instance: Model) -> Any:
        data = self.request.POST if self.request.method == "POST" else None
        initial = {key: value for key, value in self.request.GET.items() if key != "return_url"}
        return self.form_class(data, instance=instance, initial=initial, user=self.request.user)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.render_form(self.get_form(self.get_instance()))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        instance = self.get_instance()
        form = self.get_form(instance)
        if not form.is_valid():
            return self.render_form(form)
        is_new = instance.pk is None
        try:
            saved = save_in_scope(self.user, form.instance, form.save)
        except OutOfScopeError as error:
            if is_new:
                form.instance.pk = None  # the insert was rolled back
            form.add_error(None, str(error))
            return self.render_form(form)
        message = _("Created %(object)s.") if is_new else _("Saved %(object)s.")
        messages.success(request, message % {"object": saved})
        return redirect(self.return_url(saved.get_absolute_url()))

    def render_form(self, form: Any) -> HttpResponse:
        instance = form.instance if form.instance.pk else None
        context = self.page_context(
            object=instance, form=form, return_url=self.return_url(""), active_tab="details"
        )
        return render(self.request, self.template_name, context)


class ObjectDeleteView(RestrictedView):
    action = "delete"
    template_name = "generic/object_delete.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.render_confirm(self.get_object())

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        obj = self.get_object()
        name, after_delete = str(obj), self.success_url(obj)
        try:
            delete_in_scope(self.user, obj)
        except ProtectedError as error:
            return self.render_confirm(obj, protected=protected_summary(error), status=409)
        messages.success(request, _("Deleted %(object)s.") % {"object": name})
        return redirect(self.return_url(after_delete))

    def success_url(self, obj: Model) -> str:
        return self.url_for("list")

    def render_confirm(self, obj: Model, status: int = 200, **extra: Any) -> HttpResponse:
        context = self.page_context(
            object=obj, return_url=self.return_url(""), active_tab="details", **extra
        )
        return render(self.request, self.template_name, context, status=status)


def protected_summary(error: ProtectedError) -> list[str]:
    """What still refers to the object, by kind and count: the rows may be outside the scope."""
    counts: dict[str, int] = {}
    for row in error.protected_objects:
        label = str(row._meta.verbose_name_plural)
        counts[label] = counts.get(label, 0) + 1
    return [f"{label}: {count}" for label, count in sorted(counts.items())]


class ObjectHistoryView(RestrictedView):
    """The object's audit entries, newest first, for anyone who may view the object.

    Audit entries are not scoped per row (only auditors list them), so the object is looked up
    through `restrict()` first and its entries are then read directly.
    """

    template_name = "generic/object_history.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        obj = self.get_object()
        entries = (
            AuditEntry.objects.filter(
                content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
                object_id=str(obj.pk),
            )
            .select_related("actor")
            .order_by("-seq")
        )
        page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
        context = self.page_context(
            object=obj,
            page=page,
            history=history_rows(self.model, page.object_list, self.user),
            active_tab="history",
            **self.object_actions(obj),
        )
        return render(request, self.template_name, context)
