"""List downloads in constant memory.

The XLSX download is written to a temporary file and streamed from it; the file is deleted
once the download is sent or abandoned. Either format holds exactly the filtered list's rows
in the list's order, never a row outside the user's scope, and reads its rows in a fixed
number of queries however many rows there are.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.http import FileResponse, HttpResponseBase
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.exports import XLSX_TYPE
from core.models import Premises, User
from hazards.models import Hazard
from hazards.tests.hazard_rows import write_hazards
from testing.views import export_rows
from testing.world import World, make_user

pytestmark = pytest.mark.django_db
LIST_URL = reverse("hazards:hazard_list")
LEDGER_URL = reverse("hazards:ledger_export")
each_format = pytest.mark.parametrize("export_format", ["csv", "xlsx"])


@pytest.fixture
def county_staff(world: World) -> User:
    return make_user("county_staff", "township_staff", regions=[world.county])


@pytest.fixture
def spool_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Temporary files (the export's and openpyxl's) go to a folder of this test's own."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    return tmp_path


def numbers_at(premises: Premises, **filters: Any) -> list[str]:
    """Hazard numbers as the list orders them (newest found first)."""
    hazards = Hazard.objects.filter(premises=premises, **filters).order_by("-found_at")
    return list(hazards.values_list("number", flat=True))


def downloaded(client: Client, url: str, **params: Any) -> tuple[HttpResponseBase, list[list]]:
    response = client.get(url, params)
    assert response.status_code == 200
    return response, export_rows(response)


def test_xlsx_export_streams_the_filtered_list_from_a_file(client, world, county_staff):
    write_hazards(world.premises_a, county_staff, 30, "A")
    write_hazards(world.premises_b, county_staff, 30, "B")
    client.force_login(county_staff)
    filters = {"premises": world.premises_a.pk, "q": "配电箱", "export": "xlsx"}
    response = client.get(LIST_URL, filters)
    assert isinstance(response, FileResponse) and response.streaming
    assert response["Content-Type"] == XLSX_TYPE
    assert re.fullmatch(
        r'attachment; filename="hazard-\d{8}-\d{4}\.xlsx"', response["Content-Disposition"]
    )
    size = int(response["Content-Length"])
    header, *rows = export_rows(response)
    assert header[:3] == ["Number", "Title", "Premises"]
    expected = numbers_at(world.premises_a, title__contains="配电箱")
    assert len(expected) == 6 and [row[0] for row in rows] == expected
    assert rows[0][1].startswith("配电箱未接地（") and rows[0][2] == "甲镇中心小学"
    assert size > 0


@each_format
def test_an_export_leaves_out_the_rows_the_user_may_not_see(client, world, export_format):
    township_a = world.user("township_a")
    write_hazards(world.premises_a, township_a, 12, "A")
    write_hazards(world.premises_b, township_a, 12, "B")
    client.force_login(township_a)
    _response, (_header, *rows) = downloaded(client, LIST_URL, export=export_format)
    assert sorted(row[0] for row in rows) == sorted(numbers_at(world.premises_a))
    assert not any(row[0].startswith("EXP-B-") for row in rows)


def test_the_temporary_file_is_deleted_once_the_download_is_sent(
    client, world, county_staff, spool_dir
):
    write_hazards(world.premises_a, county_staff, 25, "A")
    client.force_login(county_staff)
    response = client.get(LIST_URL, {"export": "xlsx"})
    assert isinstance(response, FileResponse)
    # Only the finished workbook is left while it is sent: openpyxl's row spool is gone.
    (spooled,) = spool_dir.iterdir()
    assert re.fullmatch(r"civicdesk-export-.+\.xlsx", spooled.name)
    _header, *rows = export_rows(response)  # reads to the end, then closes, as a server does
    assert len(rows) == 25
    assert list(spool_dir.iterdir()) == []


def test_a_download_cut_short_still_deletes_its_file(client, world, county_staff, spool_dir):
    write_hazards(world.premises_a, county_staff, 25, "A")
    client.force_login(county_staff)
    response = client.get(LIST_URL, {"export": "xlsx"})
    assert isinstance(response, FileResponse)
    blocks = response.streaming_content
    assert isinstance(blocks, Iterator)  # served to a WSGI server, not an async one
    next(blocks)  # the client went away after the first block
    assert list(spool_dir.iterdir()) != []
    response.close()
    assert list(spool_dir.iterdir()) == []


def test_xlsx_cells_that_look_like_formulas_stay_text(client, world, county_staff):
    write_hazards(world.premises_a, county_staff, 1, "A")
    Hazard.objects.filter(premises=world.premises_a).update(title="=HYPERLINK(1)")
    client.force_login(county_staff)
    _response, (_header, row) = downloaded(client, LIST_URL, export="xlsx")
    assert row[1] == "'=HYPERLINK(1)"


def counted_download(client: Client, url: str, params: dict[str, Any]) -> tuple[int, int]:
    """Queries and rows of one download, read to its last byte (a CSV queries as it streams)."""
    with CaptureQueriesContext(connection) as queries:
        _response, (_header, *rows) = downloaded(client, url, **params)
    return len(queries), len(rows)


@each_format
@pytest.mark.parametrize(
    ("url", "params"),
    [(LIST_URL, {}), (LEDGER_URL, {"ledger": "hazards"})],
    ids=["hazard_list", "hazard_ledger"],
)
def test_export_queries_do_not_grow_with_the_rows(client, world, url, params, export_format):
    township_a = world.user("township_a")
    client.force_login(township_a)
    params = {**params, "export": export_format}
    write_hazards(world.premises_a, township_a, 10, "A")
    counted_download(client, url, params)  # warm per-process caches (content types, roles)
    queries_for_ten, ten = counted_download(client, url, params)
    write_hazards(world.premises_a, township_a, 90, "B")
    queries_for_a_hundred, hundred = counted_download(client, url, params)
    assert (ten, hundred) == (10, 100)
    assert queries_for_a_hundred == queries_for_ten
