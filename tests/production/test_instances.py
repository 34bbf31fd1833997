"""Several app instances behind nginx, sharing MariaDB and Redis: a login on one works on
the others, login throttling counts across them, an upload stored through one plays back
through another, a live view on one follows a batch sent to another (Redis pub/sub: the
database poll is set to 10 minutes), and nginx serves static files with the isolation
headers while balancing the API over both instances."""
from __future__ import annotations

import json
import queue
import shutil
import subprocess
import threading
import uuid
from pathlib import Path

import pytest
import requests

from tests.production.conftest import Visitor, instance, nginx_for
from tools.production import REPO

WAIT = 120


@pytest.fixture(scope="module")
def clip(tmp_path_factory) -> bytes:
    if shutil.which("ffmpeg") is None:
        pytest.fail("ffmpeg is not installed (tools/setup/system_deps.sh installs it)")
    path = tmp_path_factory.mktemp("clip") / "clip.mp4"
    subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc=size=160x120:rate=10",
                    "-t", "2", "-c:v", "mpeg4", "-pix_fmt", "yuv420p", "-y", str(path)],
                   check=True, timeout=60)
    return path.read_bytes()


def _listen(url: str, session: requests.Session, events: queue.Queue) -> None:
    """Reads server-sent events into the queue as (event, data) pairs, until the stream
    ends (the servers stop at the end of the test)."""
    try:
        with session.get(url, stream=True, timeout=(30, WAIT + 60)) as response:
            events.put(("status", response.status_code))
            name = None
            for line in response.iter_lines(decode_unicode=True):
                if line.startswith("event: "):
                    name = line[len("event: "):]
                elif line.startswith("data: "):
                    events.put((name, json.loads(line[len("data: "):])))
    except requests.RequestException as exc:
        events.put(("closed", str(exc)))


def _next_counts_with(events: queue.Queue, predicate) -> dict:
    while True:
        name, data = events.get(timeout=WAIT)
        if name == "counts" and predicate(data):
            return data


def test_instances_share_sessions_throttling_uploads_and_live_counts(tmp_path, shared_env,
                                                                     servers, clip):
    env = {**shared_env, "LOGIN_MAX_FAILURES": "3", "LIVE_POLL_SECONDS": "600",
           "LIVE_HEARTBEAT_SECONDS": "600", "LIVE_MAX_SECONDS": "900",
           "GRACEFUL_TIMEOUT": "2",   # the open live views would hold a stop for 20 s
           "LIVE_MAX_STREAMS_PER_USER": "2"}   # counted across instances (Redis, by default)
    first = servers(instance(tmp_path, env, workers=1, threads=4))
    second = servers(instance(tmp_path, env, workers=1, threads=4))
    proxy = servers(nginx_for(tmp_path, [first, second]))

    # Sessions in Redis: log in through one instance, use the session on the other.
    alice = Visitor(first.url)
    alice.register("alice")
    assert alice.login("alice").status_code == 302
    for base in (second.url, proxy.url):
        me = alice.session.get(base + "/api/me", timeout=60)
        assert me.status_code == 200 and me.json()["username"] == "alice", base

    # Throttling: failures on either instance count for the account.
    intruder = Visitor(first.url)
    for base in (first.url, second.url, first.url):
        assert intruder.at(base).login("alice", "wrong password").status_code == 401
    assert intruder.at(second.url).login("alice").status_code == 429

    # Uploads: a shared directory; stored through one instance, read through the other.
    upload = alice.api("POST", "/api/videos", files={"file": ("clip.mp4", clip, "video/mp4")})
    assert upload.status_code == 201, upload.text[:300]
    content = upload.json()["content_url"]
    for base in (second.url, proxy.url):
        part = alice.session.get(base + content, headers={"Range": "bytes=100-1099"},
                                 timeout=60)
        assert part.status_code == 206 and part.content == clip[100:1100], base

    # Live: streams on the second instance and through nginx follow a batch stored by the
    # first; the poll is 10 minutes, so only the Redis wake-up can bring it in time.
    run = alice.at(proxy.url).api("POST", "/api/runs", json={
        "client_run_id": uuid.uuid4().hex, "source_kind": "webcam", "camera_key": "door"})
    assert run.status_code == 201, run.text[:300]
    run_id = run.json()["id"]
    streams = []
    for base in (second.url, proxy.url):
        events: queue.Queue = queue.Queue()
        threading.Thread(target=_listen, args=(f"{base}/api/runs/{run_id}/live",
                                               alice.session, events), daemon=True).start()
        assert events.get(timeout=WAIT) == ("status", 200)
        _next_counts_with(events, lambda data: True)    # the state at connection time
        streams.append(events)
    # The two open views are counted in Redis (LIVE_STREAM_SLOTS defaults to redis with
    # SESSION_BACKEND=redis): a third, on the first instance, is one too many for the account
    # (counted per process, that instance would have held one at most and said yes).
    third = alice.session.get(f"{first.url}/api/runs/{run_id}/live", stream=True, timeout=60)
    with third:
        assert third.status_code == 429, third.status_code
        assert third.json()["error"] == "too_many_live_views", third.text[:300]
    batch = alice.at(first.url).api("POST", f"/api/runs/{run_id}/batches", json={
        "batch_id": uuid.uuid4().hex, "samples": [
            {"ts": "2026-03-01T10:00:00Z", "zone_key": "door", "occupancy": 2,
             "entries": 3, "exits": 1}], "events": []})
    assert batch.status_code == 201, batch.text[:300]
    for events in streams:
        counts = _next_counts_with(events, lambda data: data["zones"])
        assert [(z["zone_key"], z["entries"], z["exits"], z["occupancy"])
                for z in counts["zones"]] == [("door", 3, 1, 2)]

    # Logging out on one instance ends the session everywhere.
    out = alice.at(second.url)
    assert out.session.post(second.url + "/auth/logout", data={"csrf_token": out.csrf()},
                            allow_redirects=False, timeout=60).status_code == 302
    assert alice.session.get(first.url + "/api/me", timeout=60).status_code == 401


def _metric_total(text: str, name: str, **labels) -> float:
    total = 0.0
    for line in text.splitlines():
        if not line.startswith(name + "{"):
            continue
        if all(f'{key}="{value}"' in line for key, value in labels.items()):
            total += float(line.rsplit(" ", 1)[1])
    return total


def test_nginx_serves_static_files_with_isolation_headers_and_balances(tmp_path, shared_env,
                                                                       servers):
    first = servers(instance(tmp_path, shared_env, workers=1, threads=2))
    second = servers(instance(tmp_path, shared_env, workers=1, threads=2))
    proxy = servers(nginx_for(tmp_path, [first, second]))

    models = sorted((REPO / "frontend" / "models").glob("*.onnx"))
    assert models, "no exported model in frontend/models (make model)"
    weights = requests.get(f"{proxy.url}/static/models/{models[0].name}", timeout=60)
    assert weights.status_code == 200 and weights.content == models[0].read_bytes()
    assert weights.headers["Cache-Control"] == "public, max-age=604800"
    script = next(p for p in sorted((REPO / "frontend" / "js").rglob("*.js")))
    code = requests.get(f"{proxy.url}/static/js/{script.relative_to(REPO / 'frontend' / 'js')}",
                        timeout=60)
    assert code.status_code == 200 and code.headers["Cache-Control"] == "no-cache"
    assert code.headers["Content-Type"].startswith(("text/javascript", "application/javascript"))
    again = requests.get(code.url, headers={"If-None-Match": code.headers["ETag"]}, timeout=60)
    assert again.status_code == 304
    vendor = requests.get(f"{proxy.url}/vendor/onnxruntime-web/ort.min.mjs", timeout=60)
    assert vendor.status_code == 200 and vendor.headers["Content-Type"].startswith("text/javascript")
    assert requests.get(f"{proxy.url}/static/templates/base.html", timeout=60).status_code == 404
    for response in (weights, code, vendor):
        assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
        assert response.headers["Cross-Origin-Embedder-Policy"] == "require-corp"

    # Proxied pages carry the app's headers once (nginx adds none of its own there).
    page = requests.get(proxy.url + "/auth/login", timeout=60)
    assert page.status_code == 200
    assert page.raw.headers.getlist("Cross-Origin-Embedder-Policy") == ["require-corp"]
    assert "Content-Security-Policy" in page.headers

    for _ in range(8):
        assert requests.get(proxy.url + "/api/openapi.json", timeout=60).status_code == 200
    served = [_metric_total(requests.get(app.url + "/metrics", timeout=60).text,
                            "pc_http_requests_total", route="/api/openapi.json")
              for app in (first, second)]
    assert sum(served) == 8 and min(served) >= 1, served
