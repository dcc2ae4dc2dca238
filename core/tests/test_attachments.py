"""Attachments: what is stored as evidence (hash, size, time), what is refused, who may see it."""

from __future__ import annotations

import datetime
import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from core.attachments import attachment_response, store_attachment
from core.models import Attachment, AuditEntry, Premises
from testing.world import World

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
JPEG = b"\xff\xd8\xff\xe0" + b"photo" * 100
PDF = b"%PDF-1.7\n" + b"x" * 100


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def upload(content: bytes, name: str = "photo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def test_a_photo_is_stored_with_its_hash_size_and_time(world: World) -> None:
    taken = datetime.datetime(2026, 5, 1, 9, 30, tzinfo=datetime.UTC)
    attachment = store_attachment(
        subject=world.premises_a,
        upload=upload(JPEG, "IMG_001.jpg"),
        kind="photo",
        user=world.user("township_a"),
        taken_at=taken,
    )
    assert attachment.sha256 == hashlib.sha256(JPEG).hexdigest()
    assert attachment.size == len(JPEG)
    assert attachment.media_type == "image/jpeg"
    assert attachment.taken_at == taken
    assert attachment.original_name == "IMG_001.jpg"
    with attachment.file.open("rb") as stored:
        assert stored.read() == JPEG


def test_taken_at_defaults_to_now_and_the_upload_is_audited(world: World) -> None:
    attachment = store_attachment(
        subject=world.premises_a, upload=upload(PDF, "plan.pdf"), kind="document",
        user=world.user("township_a"),
    )  # fmt: skip
    assert attachment.taken_at is not None
    assert attachment.media_type == "application/pdf"
    entry = AuditEntry.objects.filter(
        content_type__model="attachment", object_id=str(attachment.pk)
    ).get()
    assert entry.changes["sha256"][1] == attachment.sha256


def test_the_type_is_read_from_the_content_not_the_name(world: World) -> None:
    attachment = store_attachment(
        subject=world.premises_a, upload=upload(PNG, "looks.jpg"), kind="photo",
        user=world.user("township_a"),
    )  # fmt: skip
    assert attachment.media_type == "image/png"
    with pytest.raises(ValidationError) as refused:
        store_attachment(
            subject=world.premises_a, upload=upload(b"MZ\x90\x00 program", "photo.png"),
            kind="photo", user=world.user("township_a"),
        )  # fmt: skip
    assert refused.value.code == "file_type"


def test_a_file_over_the_limit_is_refused_and_nothing_is_stored(world: World, settings) -> None:
    settings.ATTACHMENT_MAX_BYTES = 100
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as refused:
        store_attachment(
            subject=world.premises_a, upload=upload(PNG), kind="photo",
            user=world.user("township_a"),
        )  # fmt: skip
    assert refused.value.code == "file_too_large"
    assert AuditEntry.objects.count() == before

    assert not Attachment.objects.exists()


def test_an_empty_file_is_refused(world: World) -> None:
    with pytest.raises(ValidationError) as refused:
        store_attachment(
            subject=world.premises_a, upload=upload(b""), kind="photo",
            user=world.user("township_a"),
        )  # fmt: skip
    assert refused.value.code == "file_empty"


def test_the_file_is_served_only_to_users_who_may_see_its_subject(world: World) -> None:
    attachment = store_attachment(
        subject=world.premises_a, upload=upload(PNG), kind="photo",
        user=world.user("township_a"),
    )  # fmt: skip
    assert Premises.objects.restrict(world.user("township_a"), "view").filter(
        pk=world.premises_a.pk
    )
    response = attachment_response(world.user("township_a"), attachment.pk)
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == PNG  # type: ignore[arg-type]
    with pytest.raises(Http404):
        attachment_response(world.user("township_b"), attachment.pk)
    with pytest.raises(Http404):
        attachment_response(world.user("township_a"), attachment.pk + 1000)
