"""Storing and serving attached files: photos, evidence, signatures, documents.

`store_attachment` is the one way a file becomes evidence: it checks the size against
`ATTACHMENT_MAX_BYTES` and the content against the accepted media types (by the file's own
first bytes, not the name or the browser's claim), computes SHA-256 and size in one streamed
pass, stores it content-addressed and writes the audit entry. `attachment_response` serves a
file only to a user who may view the record it is attached to.
"""

from __future__ import annotations

import datetime
import hashlib
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import record_change
from core.models import Attachment, User
from core.models.attachments import HASH_CHUNK, attachment_path

DEFAULT_MAX_BYTES = 10 * 1024 * 1024

# Media types we accept, recognised by their leading bytes ("magic numbers").
IMAGE_TYPES = ("image/jpeg", "image/png", "image/webp")
ACCEPTED_TYPES = (*IMAGE_TYPES, "application/pdf")
EXTENSIONS = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "application/pdf": "pdf",
}


def sniff_media_type(head: bytes) -> str | None:
    """The media type the first bytes of a file announce, or None when not one we accept."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    return None


def max_bytes() -> int:
    return int(getattr(settings, "ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def _too_large(limit: int) -> ValidationError:
    return ValidationError(
        _("The file is larger than %(limit)s MB.") % {"limit": round(limit / 1048576, 1)},
        code="file_too_large",
    )


def _read_checked(upload: Any, limit: int) -> tuple[bytes, str, int, str]:
    """Stream the upload once: content, SHA-256, size and media type; stop early when too big."""
    size_hint = getattr(upload, "size", None)
    if size_hint is not None and size_hint > limit:
        raise _too_large(limit)
    if hasattr(upload, "seek"):
        upload.seek(0)
    digest, size, parts = hashlib.sha256(), 0, []
    for chunk in upload.chunks(HASH_CHUNK):
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
        digest.update(chunk)
        parts.append(chunk)
    content = b"".join(parts)
    if size == 0:
        raise ValidationError(_("The file is empty."), code="file_empty")
    media_type = sniff_media_type(content[:16])
    if media_type is None:
        raise ValidationError(
            _("Only JPEG, PNG or WebP photos and PDF documents can be attached."),
            code="file_type",
        )
    return content, digest.hexdigest(), size, media_type


def store_attachment(
    *,
    subject: models.Model,
    upload: Any,
    kind: str,
    user: User,
    taken_at: datetime.datetime | None = None,
    note: str = "",
) -> Attachment:
    """Check, hash and store `upload` as an attachment of `subject`; audited.

    Raises ValidationError (code file_too_large, file_empty or file_type) and stores nothing
    when the file is refused.
    """
    content, sha256, size, media_type = _read_checked(upload, max_bytes())
    original = (getattr(upload, "name", "") or f"{kind}.{EXTENSIONS[media_type]}").rsplit("/")[-1]
    attachment = Attachment(
        content_type=ContentType.objects.get_for_model(subject, for_concrete_model=True),
        object_id=subject.pk,
        kind=kind,
        original_name=original[:255],
        media_type=media_type,
        size=size,
        sha256=sha256,
        taken_at=taken_at or timezone.now(),
        uploaded_by=user,
        note=note[:255],
    )
    # Content-addressed name: the same bytes are one file, whatever the upload was called.
    name = attachment_path(attachment, f"file.{EXTENSIONS[media_type]}")
    with transaction.atomic():
        if default_storage.exists(name):
            attachment.file.name = name
        else:
            attachment.file.name = default_storage.save(name, ContentFile(content))
        attachment.save()
        record_change(attachment, None)
    return attachment


def subject_visible(user: User, attachment: Attachment) -> bool:
    """Whether `user` may view the record the attachment belongs to (through restrict)."""
    model = attachment.content_type.model_class()
    manager: Any = model._default_manager if model is not None else None
    if manager is None or not hasattr(manager, "restrict"):
        return bool(getattr(user, "is_superuser", False))
    return bool(manager.restrict(user, "view").filter(pk=attachment.object_id).exists())


def attachment_response(user: User, pk: int) -> FileResponse:
    """The file of attachment `pk` for `user`; 404 when it is missing or its subject is not
    theirs to view (outside scope looks the same as absent)."""
    attachment = Attachment.objects.select_related("content_type").filter(pk=pk).first()
    if attachment is None or not subject_visible(user, attachment):
        raise Http404
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(handle, content_type=attachment.media_type)
    response["Content-Disposition"] = (
        f'inline; filename="{attachment.pk}.{EXTENSIONS.get(attachment.media_type, "bin")}"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
