"""The one read path: `Model.objects.restrict(user, action)`.

A user's scope is a set of regions (each with its whole subtree), a set of departments
and, for enterprise officers, a set of premises. Each scoped model says how its rows relate
to those three through `scope_filter(scope, action)`; `restrict` adds the model permission.
Outside scope is 404 in views and APIs because they only ever look rows up through here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property, reduce
from operator import or_
from typing import TYPE_CHECKING, Any, Self

from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.db.models import Q
from django.http import Http404

if TYPE_CHECKING:
    from core.models import User

ACTIONS = ("view", "add", "change", "delete")


@dataclass(frozen=True)
class Scope:
    unlimited: bool = False
    region_paths: tuple[str, ...] = ()
    department_ids: frozenset[int] = field(default_factory=frozenset)
    premises_ids: frozenset[int] = field(default_factory=frozenset)
    # Whose scope it is: rules about a person (a named respondent, a recusal) need it.
    user_id: int | None = None

    @classmethod
    def for_user(cls, user: User) -> Scope:
        if user.is_superuser or user.unlimited_scope:
            return cls(unlimited=True, user_id=user.pk)
        return cls(
            user_id=user.pk,
            region_paths=tuple(user.regions.values_list("path", flat=True)),
            department_ids=frozenset(user.departments.values_list("pk", flat=True)),
            premises_ids=frozenset(user.premises.values_list("pk", flat=True)),
        )

    @cached_property
    def region_ids(self) -> list[int]:
        """Ids of the scope's regions and everything under them, read once per scope."""
        from core.models import Region  # core.models imports this module: a cycle

        if not self.region_paths:
            return []
        return list(
            Region.objects.filter(within_paths("path", self.region_paths)).values_list(
                "pk", flat=True
            )
        )

    def ancestor_codes(self) -> set[str]:
        """Codes of every region above (and at) the scope regions: their paths spell them out."""
        return {code for path in self.region_paths for code in path.strip("/").split("/")}


def within_paths(lookup: str, paths: tuple[str, ...]) -> Q:
    """Rows whose `lookup` path lies in one of the subtrees; an empty tuple matches nothing."""
    if not paths:
        return Q(pk__in=[])
    return reduce(or_, (Q(**{f"{lookup}__startswith": path}) for path in paths))


def permission_name(model: type[models.Model], action: str) -> str:
    opts = model._meta
    return f"{opts.app_label}.{action}_{opts.model_name}"


def scope_of(user: User) -> Scope:
    """The user's scope, read once per user object (a request keeps the same object)."""
    return user.scope


class RestrictedQuerySet(models.QuerySet):
    def restrict(self, user: User | AnonymousUser | None, action: str = "view") -> Self:
        if action not in ACTIONS:
            raise ValueError(f"unknown action {action!r}; use one of {ACTIONS}")
        if user is None or isinstance(user, AnonymousUser) or not user.is_active:
            return self.none()
        if not user.has_perm(permission_name(self.model, action)):
            return self.none()
        scope = scope_of(user)
        rows = self if scope.unlimited else self.filter(self.model.scope_filter(scope, action))  # type: ignore[attr-defined]
        # A model may refuse some users whatever their reach (a complainant's identity is never
        # shown to the unit complained about, Letters and Visits Regs Art. 46).
        protection = getattr(self.model, "protection_filter", None)
        return rows.filter(protection(scope)) if protection is not None else rows


class NotFound(Http404):
    """Outside the user's scope: indistinguishable from a record that does not exist."""

    code = "not_found"
    status = 404


def get_restricted[M: models.Model](
    rows: type[M] | models.QuerySet[M],
    user: User | AnonymousUser,
    action: str,
    pk: Any,
    *,
    lock: bool = False,
) -> M:
    """The row `pk` as `restrict(user, action)` lets the user reach it, else NotFound (404).

    The one guard for "is this row in the user's scope?": services, views and the engine all
    ask it, so a row outside the scope answers exactly like one that does not exist.
    """
    queryset = rows if isinstance(rows, models.QuerySet) else rows._default_manager.all()
    restricted = queryset.restrict(user, action)  # type: ignore[attr-defined]
    if lock:
        restricted = restricted.select_for_update()
    found = restricted.filter(pk=getattr(pk, "pk", pk)).first()
    if found is None:
        raise NotFound(f"No {queryset.model._meta.verbose_name} matches the given query.")
    return found


class RestrictedManager(models.Manager.from_queryset(RestrictedQuerySet)):  # type: ignore[misc]
    pass
