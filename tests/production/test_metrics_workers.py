"""/metrics sums every gunicorn worker (prometheus_client multiprocess mode): one worker is
held by an unfinished request while the other answers the rest; the scrape counts both."""
from __future__ import annotations

import re
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import requests
from prometheus_client import CollectorRegistry, generate_latest, multiprocess

from tests.production.conftest import instance
from tests.production.test_instances import _metric_total
from tools.production import wait_for


def _owner_of(local_port: int, pids: list[int]) -> int | None:
    """The worker that accepted our connection (from `ss`: the socket whose peer is our
    end), or None while it waits in the listen queue."""
    listing = subprocess.run(["ss", "-Htnp", "state", "established"], capture_output=True,
                             text=True, check=True).stdout
    for line in listing.splitlines():
        columns = line.split()
        if len(columns) >= 5 and columns[3] == f"127.0.0.1:{local_port}":
            owners = [int(pid) for pid in re.findall(r"pid=(\d+)", line) if int(pid) in pids]
            if owners:
                return owners[0]
    return None


def _healthz_by_pid(metrics_dir: Path) -> dict[int, float]:
    """Each worker's own count, read from its own file."""
    counts = {}
    for path in metrics_dir.glob("counter_*.db"):
        with tempfile.TemporaryDirectory() as alone:
            shutil.copy(path, alone)
            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry, path=alone)
            text = generate_latest(registry).decode()
        counts[int(path.stem.split("_")[1])] = _metric_total(
            text, "pc_http_requests_total", route="/healthz")
    return counts


def test_metrics_sum_both_workers(tmp_path, servers):
    app = servers(instance(tmp_path, {"DATABASE_URL": f"sqlite:///{tmp_path / 'm.sqlite'}",
                                      "SECRET_KEY": "metrics-test"},
                           workers=2, threads=1, worker_class="sync"))
    pids = wait_for(lambda: len(app.worker_pids()) == 2 and app.worker_pids(),
                    what="two workers")
    before = _metric_total(requests.get(app.url + "/metrics", timeout=60).text,
                           "pc_http_requests_total", route="/healthz")

    held = socket.create_connection(("127.0.0.1", app.port), timeout=120)
    try:
        held.sendall(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n")   # not finished yet
        holder = wait_for(lambda: _owner_of(held.getsockname()[1], pids),
                          what="a worker accepting the held request")
        for _ in range(10):   # a sync worker is busy with one request: the other answers
            assert requests.get(app.url + "/healthz", timeout=60).status_code == 200
        held.sendall(b"Connection: close\r\n\r\n")
        answer = b""
        while b"\r\n\r\n" not in answer:
            answer += held.recv(4096)
        assert answer.startswith(b"HTTP/1.1 200")
    finally:
        held.close()

    by_pid = wait_for(lambda: (counts := _healthz_by_pid(app.env_metrics_dir()))
                      and sum(counts.values()) == before + 11 and counts,
                      what="every request counted")
    assert set(pid for pid, n in by_pid.items() if n) == set(pids)
    assert by_pid[holder] >= 1 and by_pid[next(p for p in pids if p != holder)] >= 10
    scraped = requests.get(app.url + "/metrics", timeout=60).text
    assert _metric_total(scraped, "pc_http_requests_total", route="/healthz") == before + 11
