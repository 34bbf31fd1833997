"""The app image (deploy/Dockerfile), built with podman on a debootstrap base (reused when it
exists), runs as an instance behind nginx with MariaDB and Redis: log in and post a batch
through nginx. The build's wall time is printed (cached layers make a rebuild quick)."""
from __future__ import annotations

import shutil
import subprocess
import time
import uuid

import pytest

from tests.production.conftest import Visitor, nginx_for
from tools import container
from tools.production import answers, free_port, wait_for


def test_image_builds_runs_and_takes_a_batch_through_nginx(tmp_path, shared_env, servers):
    if shutil.which("podman") is None or shutil.which("debootstrap") is None:
        pytest.fail("podman, runc and debootstrap are needed (tools/setup/system_deps.sh)")
    started = time.monotonic()
    image_id, build_seconds = container.build()
    print(f"\nimage {image_id[:12]} built in {build_seconds:.0f} s")
    port = free_port()
    name = f"pc-test-{uuid.uuid4().hex[:8]}"
    env = {**shared_env, "BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "1",
           "UPLOAD_DIR": "/data/uploads"}
    run = ["run", "-d", "--rm", "--name", name, "--network", "host"]
    for key, value in env.items():
        run += ["-e", f"{key}={value}"]
    container.podman(*run, container.APP_IMAGE)
    try:
        class InContainer:   # what nginx_for needs of an instance
            pass

        app = InContainer()
        app.port = port
        wait_for(lambda: answers(f"http://127.0.0.1:{port}/healthz"), what="the container")
        proxy = servers(nginx_for(tmp_path, [app]))
        user = Visitor(proxy.url)
        user.register("carol")
        assert user.login("carol").status_code == 302
        run_row = user.api("POST", "/api/runs", json={
            "client_run_id": uuid.uuid4().hex, "source_kind": "webcam", "camera_key": "door"})
        assert run_row.status_code == 201, run_row.text[:300]
        batch = user.api("POST", f"/api/runs/{run_row.json()['id']}/batches", json={
            "batch_id": uuid.uuid4().hex, "events": [], "samples": [
                {"ts": "2026-03-01T10:00:00Z", "zone_key": "door", "occupancy": 1,
                 "entries": 2, "exits": 1}]})
        assert batch.status_code == 201, batch.text[:300]
        stats = user.api("GET", f"/api/runs/{run_row.json()['id']}/stats").json()
        assert (stats["totals"]["zone_entered"], stats["totals"]["zone_left"]) == (2, 1)
        torch = container.podman("run", "--rm", "--network", "host", container.APP_IMAGE,
                                 "python", "-c", "import importlib.util as u; "
                                 "print(u.find_spec('torch') is None)", capture=True)
        assert torch.stdout.strip() == "True"   # the runtime image has no torch
    finally:
        logs = container.podman("logs", name, check=False, capture=True)
        container.podman("rm", "-f", name, check=False, capture=True)
        print(f"container test: {time.monotonic() - started:.0f} s; app log tail:\n"
              f"{(logs.stdout + logs.stderr)[-1500:]}")
