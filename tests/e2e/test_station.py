"""The counting station (`flask --app backend station`) as a real process: it counts an
always-on RTSP camera in its own headless Chromium with a scoped token, reports on /metrics
and its status page, and when its Chromium is killed it starts it again and goes on counting
the same run with the same zones."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request

import pytest
import sqlalchemy as sa

from tests.backend.conftest import make_user
from tools.camera_streams import RtspServer, extract_frames, free_port
from tools.harness import REPO, LiveServer, make_app

PASSWORD = "Rt5:kw/9p"
WAIT_S = 240


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read().decode()


def wait_for(predicate, what: str, timeout: float = WAIT_S):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = predicate()
        except OSError:
            value = None
        if value:
            return value
        time.sleep(0.5)
    pytest.fail(f"timed out waiting for {what}")


def rows(app, sql: str) -> list[dict]:
    from backend.db import get_engine

    with app.app_context(), get_engine().connect() as conn:
        return [dict(row) for row in conn.execute(sa.text(sql)).mappings()]


@pytest.fixture
def station_setup(tmp_path, tmp_path_factory):
    frames = extract_frames(tmp_path_factory.mktemp("frames"))
    app = make_app(tmp_path / "server")
    server = LiveServer(app).start()
    rtsp = RtspServer(frames, user="station", password=PASSWORD).start()
    yield app, server, rtsp, tmp_path
    rtsp.stop()
    server.stop()


def test_the_station_counts_an_always_on_camera_and_recovers_from_a_killed_chromium(station_setup):
    app, server, rtsp, tmp_path = station_setup
    owner = make_user(app, "owner")
    camera = owner.post("/api/cameras", json={"name": "Door", "url": rtsp.url(),
                                              "always_on": True}).get_json()
    owner.post("/api/cameras", json={"name": "Spare", "url": rtsp.url(), "always_on": False})
    zone = owner.post("/api/zones", json={
        "name": "Door line", "kind": "line", "camera_key": camera["camera_key"],
        "frame_width": 640, "frame_height": 480, "geometry": {"points": [[511, 0], [511, 479]]}})
    assert zone.status_code == 201
    port = free_port()
    env = {**os.environ, "DATABASE_URL": app.config["DATABASE_URL"], "SECRET_KEY": "station-test",
           "PC_INSTANCE_DIR": str(tmp_path / "station"), "UPLOAD_DIR": str(tmp_path / "uploads"),
           "SESSION_DIR": str(tmp_path / "sessions")}
    log_path = tmp_path / "station.log"
    with open(log_path, "w") as log:
        station = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "backend", "station", "--server", server.url,
             "--port", str(port), "--poll-seconds", "1", "--refresh-seconds", "5"],
            cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        def counting():
            state = json.loads(fetch(f"{base}/status.json"))
            cameras = state["cameras"]
            ok = len(cameras) == 1 and cameras[0]["state"] == "counting" and \
                cameras[0]["camera"] == "online" and cameras[0]["samples"] >= 3 and cameras[0]["run_id"]
            return state if ok else None

        first = wait_for(counting, "the station to count the camera")
        assert first["cameras"][0]["name"] == "Door"  # only the always-on camera
        run_id = first["cameras"][0]["run_id"]
        metrics = fetch(f"{base}/metrics")
        assert "pc_station_cameras 1.0" in metrics
        assert 'pc_station_camera_counting{camera="Door",camera_id="%d"} 1.0' % camera["id"] in metrics
        assert "pc_station_camera_frames_per_second{" in metrics
        assert "pc_station_camera_last_sample_timestamp_seconds{" in metrics
        page = fetch(f"{base}/")
        assert "Counting station" in page and "Door" in page
        # said as on the monitor and the dashboard (tests/backend/test_station_status.py)
        assert ">Count readings</th>" in page and ">Samples<" not in page

        # kill the station's Chromium: it comes back, counting the same run
        browser_pid = first["browser_pid"]
        assert browser_pid
        os.kill(browser_pid, signal.SIGKILL)
        killed_at = time.time()

        def recovered():
            state = counting()
            return state if state and state["browser_restarts"] >= 1 and \
                state["cameras"][0]["restarts"] >= 1 and state["browser_pid"] != browser_pid else None

        again = wait_for(recovered, "the station to recover")
        assert again["cameras"][0]["run_id"] == run_id
        assert 'pc_station_browser_restarts_total 1.0' in fetch(f"{base}/metrics")
        from datetime import datetime, timezone

        def latest_sample() -> float:
            value = rows(app, f"SELECT MAX(ts) AS ts FROM count_samples WHERE run_id = {run_id} "
                              "AND zone_key <> 'frame'")[0]["ts"]
            if value is None:
                return 0.0
            return datetime.fromisoformat(str(value)).replace(tzinfo=timezone.utc).timestamp()

        # the same run goes on: line samples taken after the restart reach the server
        wait_for(lambda: latest_sample() > killed_at, "samples after the restart")
        runs = rows(app, "SELECT id, source_kind, camera_key FROM runs")
        assert runs == [{"id": run_id, "source_kind": "ipcam", "camera_key": camera["camera_key"]}]
    finally:
        station.send_signal(signal.SIGINT)
        try:
            station.wait(timeout=60)
        except subprocess.TimeoutExpired:
            station.kill()
            station.wait()
    tokens = rows(app, "SELECT revoked_at FROM station_tokens")
    assert tokens and all(token["revoked_at"] is not None for token in tokens)
    output = log_path.read_text()
    for secret in (rtsp.url(), PASSWORD, "Rt5"):
        assert secret not in output
