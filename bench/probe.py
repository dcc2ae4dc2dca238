"""Inside a Django process on one scale database: choose the measured query, capture the SQL
the API runs for it, and time that SQL typed directly into the database.

Run as `python -m bench.probe USERNAME REQUESTS` with DATABASE_URL set; prints one JSON object.
"""

from __future__ import annotations

import json
import os
import re
import statistics
import sys
import time
from typing import Any
from urllib.parse import urlencode

import django


def measured_region(username: str) -> Any:
    """The first grid of the user's first scope region: filtered, scoped and sizeable."""
    from core.choices import RegionLevel
    from core.models import Region, User

    scope = User.objects.get(username=username).regions.order_by("path").first()
    return (
        Region.objects.filter(path__startswith=scope.path, level=RegionLevel.GRID)
        .order_by("path")
        .first()
    )


def list_query(region_id: int, limit: int = 50) -> str:
    return urlencode(
        {"region": region_id, "status": "operating", "ordering": "name", "limit": limit}
    )


def html_query(region_id: int) -> str:
    return urlencode({"region": region_id, "status": "operating", "sort": "name"})


def captured_queries(client: Any, path: str, token: str) -> tuple[list[tuple[str, Any]], Any]:
    """Every (sql, params) the API runs for one request, and the response."""
    from django.db import connection

    statements: list[tuple[str, Any]] = []

    def capture(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        statements.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(capture):
        response = client.get(path, HTTP_AUTHORIZATION=f"Token {token}")
    if response.status_code != 200:
        raise RuntimeError(f"{path}: HTTP {response.status_code} {response.content[:300]!r}")
    return statements, response


def premises_statements(statements: list[tuple[str, Any]]) -> tuple[tuple, tuple]:
    """The count and the page query: the two statements that read the premises table."""
    reading = [
        (sql, params) for sql, params in statements if re.search(r'FROM "core_premises"', sql)
    ]
    count = next(s for s in reading if "COUNT(" in s[0].upper())
    page = next(s for s in reading if "LIMIT" in s[0].upper() and s is not count)
    return count, page


def raw_runner(vendor: str, raw: Any) -> Any:
    """Run a statement straight on the DB-API connection, fetching every row."""

    def run(sql: str, params: Any) -> None:
        if vendor == "sqlite":
            raw.execute(sql.replace("%s", "?").replace("%%", "%"), params).fetchall()
        else:
            with raw.cursor() as cursor:
                cursor.execute(sql, params)
                cursor.fetchall()

    return run


def time_raw_sql(count: tuple, page: tuple, requests: int) -> float:
    from django.db import connection

    connection.ensure_connection()
    run = raw_runner(connection.vendor, connection.connection)
    timings = []
    for n in range(requests + 10):
        started = time.perf_counter()
        run(*count)
        run(*page)
        if n >= 10:  # the first ten warm the caches
            timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def probe(username: str, requests: int) -> dict[str, Any]:
    from django.conf import settings
    from django.test import Client
    from rest_framework.authtoken.models import Token

    from core.models import User

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    region = measured_region(username)
    token, _ = Token.objects.get_or_create(user=User.objects.get(username=username))
    client = Client()
    statements, response = captured_queries(
        client, f"/api/v1/premises/?{list_query(region.pk)}", token.key
    )
    small_page, _ = captured_queries(
        client, f"/api/v1/premises/?{list_query(region.pk, 25)}", token.key
    )
    count, page = premises_statements(statements)
    return {
        "region_id": region.pk,
        "region_name": region.name,
        "api_query": list_query(region.pk),
        "html_query": html_query(region.pk),
        "matching_rows": response.json()["count"],
        "queries_per_page": {"25": len(small_page), "50": len(statements)},
        "count_sql": count[0],
        "count_params": list(count[1] or ()),
        "page_sql": page[0],
        "page_params": list(page[1] or ()),
        "raw_sql_ms": time_raw_sql(count, page, requests),
    }


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicdesk.settings")
    django.setup()
    username, requests = sys.argv[1], int(sys.argv[2])
    print(json.dumps(probe(username, requests), ensure_ascii=False))


if __name__ == "__main__":
    main()
