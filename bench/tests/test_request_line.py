"""A real gunicorn, started as every CivicDesk server starts, admits the Open311 look-up of the
1,000 ids GeoReport v2 allows at once (about 20 kB of request line)."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

from bench.databases import manage, recreate
from bench.server import running_app
from complaints.open311.queries import MAX_IDS

# The harness starts its own processes against its own database: no pytest database here.


def test_a_lookup_of_1000_open311_ids_is_answered_not_refused_by_the_server(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'request-line.sqlite3'}"
    recreate("sqlite", url)
    manage(url, "migrate", "--noinput", "-v", "0")
    ids = ",".join(f"XF-2026-{n:07d}" for n in range(MAX_IDS))
    path = f"/open311/v2/requests.json?service_request_id={quote(ids)}"
    assert len(path) > 16_000
    with running_app(url, workers=1) as server:
        connection = server.connection()
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
        connection.close()
    assert response.status == 200, body[:200]
    assert json.loads(body) == []  # none of them exists; the look-up itself was served
