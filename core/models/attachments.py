"""Files attached to any record: photos of a hazard, rectification evidence, a signature.

Each file is stored with what makes it evidence: when it was taken or received, its size and
its SHA-256, so a later copy can be checked against what was filed.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.scoping import RestrictedQuerySet, Scope

HASH_CHUNK = 1 << 16


def attachment_path(instance: Attachment, filename: str) -> str:
    # Content-addressed: the same photo uploaded twice is one file, and names cannot collide.
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"attachments/{instance.sha256[:2]}/{instance.sha256}.{suffix[:8]}"


def sha256_of(upload: Any) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks(HASH_CHUNK):
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


class AttachmentQuerySet(RestrictedQuerySet):
    def of(self, obj: models.Model, kind: str | None = None) -> AttachmentQuerySet:
        rows = self.filter(
            content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
            object_id=obj.pk,
        )
        return rows.filter(kind=kind) if kind else rows


class Attachment(models.Model):
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    kind = models.CharField(_("kind"), max_length=32)  # e.g. photo, evidence, signature
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    media_type = models.CharField(_("media type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    taken_at = models.DateTimeField(_("taken at"))
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        "core.User", verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("note"), max_length=255, blank=True)

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        indexes = [models.Index(fields=["content_type", "object_id", "kind"])]

    def __str__(self) -> str:
        return self.original_name

    @classmethod
    def scope_filter(cls, scope: Scope, action: str) -> Q:
        # An attachment is seen through its subject: callers list `of(obj)` for an object
        # they have already fetched with restrict(); nothing lists attachments on their own.
        return Q(uploaded_by__isnull=False) if scope.unlimited else Q(pk__in=[])
