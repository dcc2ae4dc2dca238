"""Timed HTTP requests over one keep-alive connection, and the sign-ins they need."""

from __future__ import annotations

import http.client
import json
import re
import statistics
import time
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import urlencode

from bench.config import BenchConfig
from bench.server import Server

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@dataclass(frozen=True)
class Latency:
    p50_ms: float
    p95_ms: float
    ops_per_s: float
    requests: int


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def fetch(connection: http.client.HTTPConnection, path: str, headers: dict[str, str]) -> bytes:
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    body = response.read()
    if response.status != 200:
        raise RuntimeError(f"GET {path}: HTTP {response.status} {body[:200]!r}")
    return body


def time_requests(
    server: Server, path: str, headers: dict[str, str], config: BenchConfig
) -> Latency:
    """Warm up, then time up to `config.requests` requests or `config.max_seconds`."""
    connection = server.connection()
    for _ in range(config.warmup):
        fetch(connection, path, headers)
    timings: list[float] = []
    started = time.perf_counter()
    deadline = started + config.max_seconds
    while len(timings) < config.requests and time.perf_counter() < deadline:
        before = time.perf_counter()
        fetch(connection, path, headers)
        timings.append((time.perf_counter() - before) * 1000)
    elapsed = time.perf_counter() - started
    connection.close()
    return Latency(
        round(statistics.median(timings), 2),
        round(percentile(timings, 0.95), 2),
        round(len(timings) / elapsed, 1),
        len(timings),
    )


def api_token(server: Server, username: str, password: str) -> str:
    connection = server.connection()
    body = urlencode({"username": username, "password": password})
    connection.request("POST", "/api/v1/auth/token/", body=body, headers=FORM)
    response = connection.getresponse()
    payload = response.read()
    connection.close()
    if response.status != 200:
        raise RuntimeError(f"token for {username}: HTTP {response.status} {payload[:200]!r}")
    return json.loads(payload)["token"]


def cookies_of(response: http.client.HTTPResponse, jar: dict[str, str]) -> None:
    for header in response.headers.get_all("Set-Cookie") or []:
        jar.update({name: morsel.value for name, morsel in SimpleCookie(header).items()})


def cookie_header(jar: dict[str, str]) -> dict[str, str]:
    return {"Cookie": "; ".join(f"{name}={value}" for name, value in jar.items())}


def session_cookies(server: Server, username: str, password: str) -> dict[str, str] | None:
    """Sign in through the login page as a browser would; None when there is no such page."""
    connection, jar = server.connection(), dict[str, str]()
    connection.request("GET", "/accounts/login/")
    response = connection.getresponse()
    page = response.read().decode()
    cookies_of(response, jar)
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if response.status != 200 or csrf is None:
        return None
    body = urlencode({"username": username, "password": password,
                      "csrfmiddlewaretoken": csrf.group(1)})  # fmt: skip
    headers = {**FORM, **cookie_header(jar), "Referer": f"http://127.0.0.1:{server.port}/"}
    connection.request("POST", "/accounts/login/", body=body, headers=headers)
    response = connection.getresponse()
    response.read()
    cookies_of(response, jar)
    connection.close()
    return jar if "sessionid" in jar else None


def page_exists(server: Server, path: str, headers: dict[str, str]) -> bool:
    connection = server.connection()
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    response.read()
    connection.close()
    return response.status == 200
