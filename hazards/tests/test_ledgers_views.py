"""Ledger pages and API: upload, the job page with progress and its problem report, the
ledger downloads; each in the permission cases (no permission, unscoped, scoped in, out)."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEntry, ImportJob, User
from hazards.choices import HazardSource, HazardState
from hazards.models import Hazard
from hazards.services import ledgers
from hazards.tests.ledger_files import csv_bytes, ledger_row, ledger_rows
from testing.api import token_client
from testing.views import export_rows
from testing.world import PASSWORD

IMPORT_URL = reverse("hazards:ledger_import")
EXPORT_URL = reverse("hazards:ledger_export")


def ledger_upload(rows: list[list[object]], name: str = "台账.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, csv_bytes(rows, "utf-8-sig"), content_type="text/csv")


def drain_worker() -> None:
    call_command("run_worker", "--once", stdout=StringIO())


def detail_url(job: ImportJob) -> str:
    return reverse("hazards:importjob_detail", args=[job.pk])


@pytest.fixture
def superuser(world) -> User:
    return User.objects.create_superuser("root_ledger", password=PASSWORD, language="en")


def make_hazard(world, premises, number: str, title: str) -> Hazard:
    hazard = Hazard(
        premises=premises,
        number=number,
        source=HazardSource.AD_HOC,
        title=title,
        found_at=timezone.now() - dt.timedelta(days=2),
        found_by=world.user("township_a"),
        rectify_by=timezone.now() + dt.timedelta(days=10),
        state=HazardState.RECTIFYING,
    )
    hazard.take_place_from_premises()
    hazard.save()
    return hazard


# --- upload page ----------------------------------------------------------------------------


def test_upload_page_without_permission_is_403(client, world):
    client.force_login(world.user("no_permission"))
    assert client.get(IMPORT_URL).status_code == 403
    response = client.post(IMPORT_URL, {"file": ledger_upload([])})
    assert response.status_code == 403
    assert not ImportJob.objects.exists()


def test_upload_page_anonymous_is_sent_to_login(client, world):
    assert reverse("login") in client.get(IMPORT_URL)["Location"]


def test_uploading_queues_a_job_the_worker_runs_and_the_page_reports(
    client, world, django_capture_on_commit_callbacks
):
    officer = world.user("enterprise")
    client.force_login(officer)
    code = world.premises_a.credit_code
    rows = [*ledger_rows(4, code), ledger_row(5, code, 隐患等级="严重")]
    assert client.get(IMPORT_URL).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(IMPORT_URL, {"file": ledger_upload(rows), "valid_rows_only": "on"})

    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == detail_url(job)
    assert job.state == ImportJob.State.PENDING and job.premises == world.premises_a
    waiting = client.get(detail_url(job)).content.decode()
    assert 'hx-trigger="every 1s"' in waiting  # polls while it waits

    drain_worker()

    job.refresh_from_db()
    assert (job.state, job.imported_rows, job.failed_rows) == (ImportJob.State.DONE, 4, 1)
    hazard = Hazard.objects.earliest("pk")
    entry = AuditEntry.objects.get(content_type__model="hazard", object_id=str(hazard.pk))
    assert entry.actor == officer
    page = client.get(detail_url(job)).content.decode()
    assert "hx-trigger" not in page
    assert "隐患等级" in page and "严重" in page
    partial = client.get(detail_url(job), {"part": "progress"}, HTTP_HX_REQUEST="true")
    assert 'data-state="done"' in partial.content.decode()
    report = client.get(reverse("hazards:importjob_problems", args=[job.pk]))
    lines = b"".join(report.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[0] == "Row,Column,Problem"
    assert lines[1].startswith("6,隐患等级,")


def test_a_wrong_file_is_a_form_error_and_no_job(client, world):
    client.force_login(world.user("enterprise"))
    upload = SimpleUploadedFile("ledger.xls", b"\xd0\xcf\x11\xe0old excel")
    response = client.post(IMPORT_URL, {"file": upload})
    assert response.status_code == 400
    assert "Save it as .xlsx" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_job_page_of_another_scope_is_404(client, world):
    job = ledgers.store_import_job(
        user=world.user("township_b"), upload=ledger_upload([ledger_row(1, "x")])
    )
    client.force_login(world.user("township_a"))
    assert client.get(detail_url(job)).status_code == 404
    problems_url = reverse("hazards:importjob_problems", args=[job.pk])
    assert client.get(problems_url).status_code == 404


def test_job_page_unscoped_and_scoped_in(client, world, superuser):
    job = ledgers.store_import_job(
        user=world.user("township_a"), upload=ledger_upload([ledger_row(1, "x")])
    )
    for user in (superuser, world.user("township_a"), world.user("county")):
        client.force_login(user)
        assert client.get(detail_url(job)).status_code == 200, user
    client.force_login(world.user("no_permission"))
    assert client.get(detail_url(job)).status_code == 403


# --- exports ---------------------------------------------------------------------------------


@pytest.fixture
def two_hazards(world):
    return (
        make_hazard(world, world.premises_a, "YH-2026-900001", "配电箱未接地"),
        make_hazard(world, world.premises_b, "YH-2026-900002", "灭火器过期"),
    )


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_hazard_ledger_has_the_officials_columns_and_only_rows_in_scope(
    client, world, two_hazards, export_format
):
    client.force_login(world.user("township_a"))
    response = client.get(EXPORT_URL, {"ledger": "hazards", "export": export_format})
    assert response.status_code == 200
    header, *rows = export_rows(response)
    assert header == [
        "Premises", "Credit code", "Grid", "Number", "Title", "Grade", "Found date", "Found by",
        "Deadline", "Rectification measures", "State", "Rectified date", "Verified by",
        "Closed date",
    ]  # fmt: skip
    assert [row[3] for row in rows] == ["YH-2026-900001"]
    assert rows[0][:3] == ["甲镇中心小学", world.premises_a.credit_code, "甲村第一网格"]


def test_hazard_ledger_follows_the_list_filters(client, world, superuser, two_hazards):
    client.force_login(superuser)
    response = client.get(EXPORT_URL, {"ledger": "hazards", "export": "csv", "q": "灭火器"})
    _header, *rows = export_rows(response)
    assert [row[3] for row in rows] == ["YH-2026-900002"]


def test_an_exported_ledger_imports_back(client, world, superuser, two_hazards, tmp_path):
    client.force_login(superuser)
    response = client.get(EXPORT_URL, {"ledger": "hazards", "export": "xlsx", "q": "配电箱"})
    path = tmp_path / "exported.xlsx"
    path.write_bytes(b"".join(response.streaming_content))
    job = ledgers.import_file(str(path), user=superuser)
    assert job.state == ImportJob.State.DONE, job.message
    assert Hazard.objects.filter(title="配电箱未接地", source=HazardSource.IMPORT).exists()


def test_inspection_ledger_columns(client, world, superuser):
    client.force_login(superuser)
    response = client.get(EXPORT_URL, {"ledger": "inspections", "export": "csv"})
    assert response.status_code == 200
    header, *_rows = export_rows(response)
    assert header == [
        "Date", "Premises", "Credit code", "Checklist", "Inspector", "Score", "Items failed",
        "Hazards recorded",
    ]  # fmt: skip


def test_ledger_export_without_permission_is_403(client, world, two_hazards):
    client.force_login(world.user("no_permission"))
    assert client.get(EXPORT_URL, {"ledger": "hazards", "export": "csv"}).status_code == 403
    assert client.get(EXPORT_URL).status_code == 403


def test_ledger_export_page_shows_the_filters(client, world):
    client.force_login(world.user("township_a"))
    response = client.get(EXPORT_URL)
    assert response.status_code == 200
    assert 'name="export"' in response.content.decode()


# --- API ---------------------------------------------------------------------------------------


API_LIST = reverse("api:ledgerimport-list")


def test_api_upload_creates_a_job_and_get_shows_progress_and_problems(
    world, django_capture_on_commit_callbacks
):
    api = token_client(world.user("enterprise"))
    code = world.premises_a.credit_code
    rows = [ledger_row(1, code), ledger_row(2, code, 发现日期="昨天")]
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(API_LIST, {"file": ledger_upload(rows)}, format="multipart")
    assert response.status_code == 202, response.content
    job_id = response.json()["id"]
    assert response.json()["state"] == "pending"

    drain_worker()

    body = api.get(reverse("api:ledgerimport-detail", args=[job_id])).json()
    assert body["state"] == "rejected" and body["imported_rows"] == 0
    assert body["problems"] == [
        {"row": 3, "column": "发现日期", "message": body["problems"][0]["message"]}
    ]
    assert "is not a date" in body["problems"][0]["message"]
    paged = api.get(reverse("api:ledgerimport-problems", args=[job_id])).json()
    assert paged["count"] == 1


def test_api_bad_file_is_400_with_a_code(world):
    api = token_client(world.user("enterprise"))
    upload = SimpleUploadedFile("ledger.pdf", b"%PDF")
    response = api.post(API_LIST, {"file": upload}, format="multipart")
    assert response.status_code == 400
    assert "not an XLSX or CSV" in str(response.json())
    assert not ImportJob.objects.exists()


def test_api_permission_cases(world, superuser):
    job_a = ledgers.store_import_job(
        user=world.user("township_a"), upload=ledger_upload([ledger_row(1, "x")])
    )
    job_b = ledgers.store_import_job(
        user=world.user("township_b"), upload=ledger_upload([ledger_row(1, "x")])
    )
    entries = AuditEntry.objects.count()
    denied = token_client(world.user("no_permission"))
    assert denied.get(API_LIST).status_code == 403
    refused = denied.post(API_LIST, {"file": ledger_upload([])}, format="multipart")
    assert refused.status_code == 403
    ids = {row["id"] for row in token_client(superuser).get(API_LIST).json()["results"]}
    assert ids == {job_a.pk, job_b.pk}
    scoped = token_client(world.user("township_a"))
    assert {row["id"] for row in scoped.get(API_LIST).json()["results"]} == {job_a.pk}
    assert scoped.get(reverse("api:ledgerimport-detail", args=[job_b.pk])).status_code == 404
    assert AuditEntry.objects.count() == entries
