"""Materialized-path trees: a node's `path` is its ancestors' codes and its own, '/'-separated.

Subtree queries are one indexed prefix match (`path__startswith`), ancestors are read off the
path itself, and moving or recoding a node rewrites its descendants in one UPDATE.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext_lazy as _

from core.scoping import RestrictedQuerySet


class TreeQuerySet(RestrictedQuerySet):
    def subtree_of(self, node: TreeNode) -> TreeQuerySet:
        return self.filter(path__startswith=node.path)

    def ancestors_of(self, node: TreeNode) -> TreeQuerySet:
        return self.filter(code__in=node.path.strip("/").split("/")).exclude(pk=node.pk)


class TreeNode(models.Model):
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    path = models.CharField(max_length=255, db_index=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)

    objects = TreeQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        with transaction.atomic():
            old_path = self.path_before_save() if self.pk else None
            old_depth = self.depth
            self.path = self.computed_path()
            self.depth = self.path.count("/") - 2
            super().save(*args, **kwargs)
            if old_path and old_path != self.path:
                self._move_descendants(old_path, self.depth - old_depth)

    def computed_path(self) -> str:
        parent = self.parent
        prefix = parent.path if parent is not None else "/"
        return f"{prefix}{self.code}/"

    def clean(self) -> None:
        super().clean()
        if "/" in self.code:
            raise ValidationError({"code": _("A code cannot contain '/'.")})
        parent = self.parent
        if self.pk and parent is not None and parent.path.startswith(self.path_before_save()):
            raise ValidationError({"parent": _("A node cannot be moved under itself.")})

    def path_before_save(self) -> str:
        if not self.pk:
            return self.computed_path()
        return type(self).objects.values_list("path", flat=True).get(pk=self.pk)

    def _move_descendants(self, old_path: str, depth_change: int) -> None:
        type(self).objects.filter(path__startswith=old_path).exclude(pk=self.pk).update(
            path=Concat(Value(self.path), Substr("path", len(old_path) + 1)),
            depth=F("depth") + depth_change,
        )

    @property
    def ancestor_codes(self) -> list[str]:
        return self.path.strip("/").split("/")[:-1]
