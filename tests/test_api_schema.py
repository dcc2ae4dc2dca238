"""The API does what its committed schema (docs/openapi.yaml) says: Schemathesis, a client from
PyPI, generates requests for every operation from the schema alone and sends them to a live
server, as a county directory administrator and as a township's staff. Every answer must be
documented: no server error, a documented status and media type, a body its schema accepts.

Writes run too (bounded), so most are refused (400, 403, 404, 409); a refusal is fine when the
schema documents it. The run is bounded by examples per operation and a fixed seed."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import requests
from django.conf import settings
from django.core.management import call_command
from rest_framework.test import APIClient

from testing.api import UNSCOPED, add_api_personas, token_client
from testing.world import World

SCHEMA_FILE = Path(settings.BASE_DIR) / "docs" / "openapi.yaml"
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
)
SERVER_ERRORS = {"ST101", "ST102"}  # a 5xx, with a declared or an undeclared Content-Type
EXAMPLES_PER_OPERATION = 3
SEED = 13
PASSWORD = "demo12345"  # demo data only (DESIGN.md §3)


@pytest.fixture
def demo_county(live_server: Any) -> str:
    """The demo county (its users, premises, hazards, complaints) behind a live server."""
    call_command("demo_data", seed=1, no_progress=True, stdout=io.StringIO())
    return str(live_server.url)


def token(base_url: str, username: str) -> str:
    answer = requests.post(
        f"{base_url}/api/v1/auth/token/",
        data={"username": username, "password": PASSWORD},
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
    return str(answer.json()["token"])


def run_schemathesis(base_url: str, key: str, report: Path) -> dict[str, Any]:
    """One bounded run over every operation; the JSON report of the run."""
    command = [
        sys.executable, "-m", "schemathesis.cli", "run", str(SCHEMA_FILE),
        "--url", base_url,
        "--header", f"Authorization: Token {key}",
        "--checks", ",".join(CHECKS),
        "--phases", "examples,fuzzing",
        "--max-examples", str(EXAMPLES_PER_OPERATION),
        "--seed", str(SEED),
        "--workers", "1",
        "--no-shrink",
        "--generation-database", "none",
        "--request-timeout", "60",
        "--no-color",
        "--report", "json", "--report-json-path", str(report),
    ]  # fmt: skip
    finished = subprocess.run(
        command, capture_output=True, text=True, timeout=900, check=False, cwd=report.parent
    )
    assert report.exists(), finished.stdout[-4000:] + finished.stderr[-4000:]
    result: dict[str, Any] = json.loads(report.read_text(encoding="utf-8"))
    result["output"] = finished.stdout
    return result


def summary(username: str, result: dict[str, Any]) -> dict[str, Any]:
    failures = result["failures"]
    return {
        "user": username,
        "operations": result["operations"]["tested"],
        "requests": result["test_cases"]["generated"],
        "errored": result["test_cases"]["errored"],
        "server_errors": sum(f["count"] for f in failures if f["code"] in SERVER_ERRORS),
        "violations": sum(f["count"] for f in failures if f["code"] not in SERVER_ERRORS),
        "failing_operations": sorted({op for f in failures for op in f["operations"]}),
    }


@pytest.mark.parametrize("username", ["county_admin", "township_a"])
def test_every_operation_answers_as_its_schema_says(
    demo_county: str, username: str, tmp_path: Path
) -> None:
    # Given the demo county served live, and a token for the user
    key = token(demo_county, username)

    # When Schemathesis sends generated requests to every operation of the committed schema
    result = run_schemathesis(demo_county, key, tmp_path / "report.json")
    figures = summary(username, result)
    print(json.dumps(figures, indent=2))

    # Then it reached every operation, and every answer was documented
    assert figures["operations"] == result["operations"]["total"] > 100, figures
    assert figures["requests"] > figures["operations"], figures
    assert figures["errored"] == 0, result["output"][-8000:]
    assert (figures["server_errors"], figures["violations"]) == (0, 0), (
        json.dumps(figures, indent=2) + "\n" + result["output"][-12000:]
    )


def test_a_field_called_code_keeps_the_refusal_code_a_string(world: World) -> None:
    # Given a user who may add sectors
    add_api_personas(world)
    client = token_client(world.users[UNSCOPED])

    # When the sector's own `code` field is missing
    answer = client.post("/api/v1/sectors/", {"name": "Quarries"}, format="json")

    # Then the refusal's code is still the stable string, the field's message under detail
    assert answer.status_code == 400
    body = answer.json()
    assert body["code"] == "invalid"
    assert body["detail"]["code"], body


def test_an_api_url_no_route_matches_is_refused_in_json(db: None) -> None:
    answer = APIClient().get("/api/v1/no-such-resource/")

    assert answer.status_code == 404
    assert answer["Content-Type"] == "application/json"
    assert answer.json()["code"] == "not_found"
