"""The images of deploy/Dockerfile, built with podman on a debootstrap base (reused when it
exists; cached layers make a rebuild quick): the app image runs as an instance behind nginx
with MariaDB and Redis, and deploy/compose.yaml (MariaDB, Redis, 2 app instances, nginx, all
in containers) is brought up with podman-compose: log in and post a batch through nginx.
The models are made inside the build (MODELS_FROM=export: the models-export stage with torch
CPU exports them offline; the runtime stage copies them and has no torch, which is checked);
docs/production.md has the cold and warm build times."""
from __future__ import annotations

import os
import shutil
import subprocess
import time
import uuid

import pytest

from tests.production.conftest import Visitor, nginx_for
from tools import container, export_model
from tools.production import answers, free_port, wait_for


@pytest.fixture(scope="module")
def stack_images():
    if shutil.which("podman") is None or shutil.which("debootstrap") is None:
        pytest.fail("podman, runc and debootstrap are needed (tools/setup/system_deps.sh)")
    image_id, build_seconds = container.build_stack(models="export")
    print(f"\nimages built in {build_seconds:.0f} s (app image {image_id[:12]})")
    return image_id


def post_a_batch(user: Visitor) -> None:
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


def test_image_builds_runs_and_takes_a_batch_through_nginx(tmp_path, shared_env, servers,
                                                           stack_images):
    started = time.monotonic()
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
        post_a_batch(user)
        torch = container.podman("run", "--rm", "--network", "host", container.APP_IMAGE,
                                 "python", "-c", "import importlib.util as u; "
                                 "print(u.find_spec('torch') is None)", capture=True)
        assert torch.stdout.strip() == "True"   # the runtime image has no torch
        models = container.podman("run", "--rm", "--network", "host", container.APP_IMAGE,
                                  "python", "-c", "import json; index = json.load(open("
                                  "'/app/frontend/models/index.json')); print(index['default'], "
                                  "len(index['models']))", capture=True)
        default_model, count = models.stdout.split()   # the models the build exported
        sizes = len(export_model.DEFAULT_SIZES)   # each as ONNX fp32 and int8, LiteRT fp32 and int8
        assert default_model.startswith("yolo11n-pose") and int(count) == 4 * sizes
    finally:
        logs = container.podman("logs", name, check=False, capture=True)
        container.podman("rm", "-f", name, check=False, capture=True)
        print(f"container test: {time.monotonic() - started:.0f} s; app log tail:\n"
              f"{(logs.stdout + logs.stderr)[-1500:]}")


def test_compose_stack_takes_a_batch_through_nginx(tmp_path, stack_images):
    """deploy/compose.yaml with podman-compose: its own MariaDB and Redis on free ports (the
    machine's own at 3306 and 6379 are left alone), two app instances, nginx in front."""
    if shutil.which("podman-compose") is None:
        pytest.fail("podman-compose is needed (tools/setup/system_deps.sh)")
    started = time.monotonic()
    ports = {name: free_port() for name in ("PC_MARIADB_PORT", "PC_REDIS_PORT", "PC_APP1_PORT",
                                            "PC_APP2_PORT", "PC_HTTP_PORT")}
    env = {**os.environ, "CONTAINERS_CONF": str(container.CONTAINERS_CONF),
           "PC_SECRET_KEY": uuid.uuid4().hex, "PC_DB_PASSWORD": uuid.uuid4().hex,
           **{name: str(port) for name, port in ports.items()}}
    compose = container.compose_command(f"pc-test-{uuid.uuid4().hex[:8]}")

    def run(*args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run([*compose, *args], env=env, check=check, text=True,
                              capture_output=True)

    run("up", "-d", "--no-build")
    try:
        base = f"http://127.0.0.1:{ports['PC_HTTP_PORT']}"
        for port in (ports["PC_APP1_PORT"], ports["PC_APP2_PORT"], ports["PC_HTTP_PORT"]):
            wait_for(lambda: answers(f"http://127.0.0.1:{port}/healthz"), seconds=240,
                     what=f"the stack's port {port}")
        user = Visitor(base)
        user.register("dora")
        assert user.login("dora").status_code == 302
        post_a_batch(user)
        for port in (ports["PC_APP1_PORT"], ports["PC_APP2_PORT"]):   # one session, shared
            page = user.at(f"http://127.0.0.1:{port}").session.get(
                f"http://127.0.0.1:{port}/api/runs", timeout=60)
            assert page.status_code == 200, page.text[:300]
    finally:
        logs = run("logs", check=False)
        run("down", "-v", check=False)
        print(f"compose test: {time.monotonic() - started:.0f} s; log tail:\n"
              f"{(logs.stdout + logs.stderr)[-2000:]}")
