"""The app under gunicorn (2 workers by default) on a free loopback port, for as long as a `with`
lasts. `threads` > 1 runs gthread workers (keep-alive, several requests per worker at once), which
the concurrent intake load uses (bench/complaints.py); 1 keeps gunicorn's sync workers."""

from __future__ import annotations

import http.client
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.databases import REPO, django_env

CONFIG = REPO / "gunicorn.conf.py"

HOST = "127.0.0.1"
STARTUP_SECONDS = 60


@dataclass(frozen=True)
class Server:
    port: int
    process: subprocess.Popen[bytes]

    def connection(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(HOST, self.port, timeout=30)

    def worker_peak_mb(self) -> float | None:
        """Largest peak resident memory (VmHWM) among the gunicorn workers, on Linux."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        if not children.exists():
            return None
        peaks = [peak_kb(int(pid)) for pid in children.read_text().split()]
        known = [kb for kb in peaks if kb is not None]
        return max(known) / 1024 if known else None


def peak_kb(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def wait_until_serving(server: Server) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError("gunicorn exited during start-up")
        try:
            connection = server.connection()
            connection.request("GET", "/healthz")
            connection.getresponse().read()
            connection.close()
            return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"gunicorn did not answer within {STARTUP_SECONDS} s")


@contextmanager
def running_app(database_url: str, workers: int = 2, threads: int = 1) -> Iterator[Server]:
    port = free_port()
    command = [
        sys.executable, "-m", "gunicorn", "civicdesk.wsgi", "--config", str(CONFIG),
        "--bind", f"{HOST}:{port}",
        "--workers", str(workers), "--log-level", "warning", "--graceful-timeout", "5",
    ]  # fmt: skip
    if threads > 1:
        command += ["--worker-class", "gthread", "--threads", str(threads)]
    process = subprocess.Popen(command, cwd=REPO, env=django_env(database_url))
    server = Server(port, process)
    try:
        wait_until_serving(server)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
