"""The production stack on this machine, for the tests and tools/bench_api.py: a private
Redis, gunicorn app instances (deploy/gunicorn.conf.py) sharing one database, and nginx
(deploy/nginx.conf rendered for those instances). Every part is a real server process,
stopped by its own pid.

    python -m tools.production nginx-conf --listen 80 --upstream 10.0.0.5:8000 ... > nginx.conf
    python -m tools.production nginx --listen 127.0.0.1:8080 --upstream 127.0.0.1:8001 ...
        (renders into --prefix and runs nginx in the foreground: the compose service)
"""
from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEPLOY = REPO / "deploy"
VENV_BIN = Path(sys.executable).parent
WAIT_SECONDS = 120.0

ISOLATION_HEADERS = """            add_header Cross-Origin-Opener-Policy same-origin always;
            add_header Cross-Origin-Embedder-Policy require-corp always;
            add_header Cross-Origin-Resource-Policy same-origin always;
            add_header X-Content-Type-Options nosniff always;
            add_header Referrer-Policy same-origin always;"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, seconds: float = WAIT_SECONDS, what: str = "condition"):
    deadline = time.monotonic() + seconds
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} not reached within {seconds:.0f} s")
        time.sleep(0.1)


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status == 200
    except OSError:
        return False


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


class Server:
    """One child process (its own process group), logs in a file."""

    def __init__(self, name: str, command: list[str], workdir: Path, env: dict | None = None):
        self.name, self.command, self.workdir = name, command, workdir
        self.env = {**os.environ, **(env or {})}
        self.log_path = workdir / f"{name}.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> "Server":
        self.workdir.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "ab")  # noqa: SIM115 - kept open for the child
        self.process = subprocess.Popen(self.command, cwd=REPO, env=self.env, stdout=log,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        return self

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def log_tail(self, chars: int = 3000) -> str:
        return self.log_path.read_text(errors="replace")[-chars:] if self.log_path.exists() else ""

    def kill9(self) -> None:
        """The whole process group at once, like a machine losing power."""
        if self.alive():
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self) -> None:
        if not self.alive():
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.kill9()


def start_redis(workdir: Path) -> tuple[Server, str]:
    """A private Redis (no persistence) on a free port: the tests never touch another one."""
    port = free_port()
    server = Server(f"redis-{port}", ["redis-server", "--bind", "127.0.0.1", "--port", str(port),
                                      "--save", "", "--appendonly", "no",
                                      "--dir", str(workdir)], workdir).start()
    wait_for(lambda: port_open(port) or not server.alive(), what="Redis")
    if not server.alive():
        raise RuntimeError(f"redis-server failed:\n{server.log_tail()}")
    return server, f"redis://127.0.0.1:{port}/0"


class AppInstance(Server):
    """gunicorn with deploy/gunicorn.conf.py on its own port; env: the app's settings."""

    def __init__(self, workdir: Path, env: dict, port: int | None = None, workers: int = 2,
                 threads: int = 8, worker_class: str = "gthread") -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        instance_dir = workdir / f"instance-{self.port}"
        settings = {"BIND": f"127.0.0.1:{self.port}", "WEB_CONCURRENCY": str(workers),
                    "WORKER_THREADS": str(threads), "WORKER_CLASS": worker_class,
                    "PC_INSTANCE_DIR": str(instance_dir),
                    "PROMETHEUS_MULTIPROC_DIR": str(instance_dir / "metrics"), **env}
        super().__init__(f"app-{self.port}", [str(VENV_BIN / "gunicorn"), "-c",
                                              str(DEPLOY / "gunicorn.conf.py"),
                                              "backend:create_app()"], workdir, settings)

    def start(self) -> "AppInstance":
        super().start()
        self.wait_ready()
        return self

    def wait_ready(self) -> None:
        wait_for(lambda: answers(self.url + "/healthz") or not self.alive(),
                 what=f"app instance on {self.port}")
        if not self.alive():
            raise RuntimeError(f"gunicorn failed:\n{self.log_tail()}")

    def answers_healthz(self) -> bool:
        return answers(self.url + "/healthz")

    def env_metrics_dir(self) -> Path:
        return Path(self.env["PROMETHEUS_MULTIPROC_DIR"])

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]


def render_nginx(listen: str, upstreams: list[str], prefix: Path, frontend_dir: Path,
                 models_dir: Path, node_modules_dir: Path, max_upload_mb: int = 2048,
                 access_log: str = "off") -> str:
    """deploy/nginx.conf with its marks filled; static locations come from the same lists
    Flask serves (backend/assets.py), so the two cannot disagree."""
    from backend.assets import STATIC_DIRS, VENDOR_BARE_IMPORTS, VENDOR_PACKAGES

    def location(match: str, root: Path, cache: str) -> str:
        return (f"        location {match} {{\n            alias {root}/;\n"
                f"            add_header Cache-Control \"{cache}\" always;\n"
                f"{ISOLATION_HEADERS}\n        }}")

    # Unversioned URLs (JS, CSS, model manifests) revalidate (ETag: a 304 costs nothing);
    # model weights and pinned npm files are cached for a week.
    locations = []
    for top in STATIC_DIRS:
        if top == "models":
            continue
        locations.append(location(f"/static/{top}/", frontend_dir / top, "no-cache"))
    locations.append(
        f"        location ~ ^/static/models/(?<file>[^/]+\\.(onnx|tflite|data))$ {{\n"
        f"            alias {models_dir}/$file;\n"
        f"            add_header Cache-Control \"public, max-age=604800\" always;\n"
        f"{ISOLATION_HEADERS}\n        }}")
    locations.append(location("/static/models/", models_dir, "no-cache"))
    for url in VENDOR_BARE_IMPORTS:   # rewritten by Flask
        locations.append(f"        location = /vendor/{url} {{\n"
                         f"            proxy_pass http://app;\n"
                         f"            include {prefix}/proxy_params.conf;\n        }}")
    for package in sorted(VENDOR_PACKAGES, key=len, reverse=True):
        locations.append(location(f"/vendor/{package}/", node_modules_dir / VENDOR_PACKAGES[package],
                                  "public, max-age=86400"))
    text = (DEPLOY / "nginx.conf").read_text()
    marks = {"PREFIX": str(prefix), "LISTEN": listen, "ACCESS_LOG": access_log,
             "MAX_UPLOAD_MB": str(max_upload_mb),
             "UPSTREAMS": "\n".join(f"        server {u};" for u in upstreams),
             "STATIC_LOCATIONS": "\n".join(locations)}
    for name, value in marks.items():
        text = text.replace(f"@@{name}@@", value)
    if "@@" in text:
        raise RuntimeError("deploy/nginx.conf has a mark render_nginx does not fill")
    return text


class Nginx(Server):
    """Debian's nginx with the rendered config, in the foreground under our prefix."""

    def __init__(self, workdir: Path, upstreams: list[str], port: int | None = None,
                 models_dir: Path | None = None) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        prefix = workdir / f"nginx-{self.port}"
        prefix.mkdir(parents=True, exist_ok=True)
        shutil.copy(DEPLOY / "proxy_params.conf", prefix / "proxy_params.conf")
        conf = prefix / "nginx.conf"
        conf.write_text(render_nginx(f"127.0.0.1:{self.port}", upstreams, prefix,
                                     REPO / "frontend", models_dir or REPO / "frontend" / "models",
                                     REPO / "node_modules"))
        super().__init__(f"nginx-{self.port}", ["/usr/sbin/nginx", "-p", str(prefix), "-c",
                                                str(conf), "-g", "daemon off;"], workdir)

    def start(self) -> "Nginx":
        super().start()
        wait_for(lambda: port_open(self.port) or not self.alive(), what="nginx")
        if not self.alive():
            raise RuntimeError(f"nginx failed:\n{self.log_tail()}")
        return self


class Stack:
    """nginx in front of `instances` gunicorn instances sharing one database and a private
    Redis: what the e2e harness serves with PC_E2E_SERVER=nginx (tests/e2e/conftest.py).
    Like the dev LiveServer, stop() makes the site unreachable (nginx stops; the instances
    keep running) and start() brings it back on the same port; close() stops everything.
    `app` is a Flask app on the same database and uploads folder, for the tests' queries."""

    def __init__(self, workdir: Path, database_url: str, instances: int = 2,
                 workers: int = 2, threads: int = 8, app=None) -> None:
        self.workdir, self.database_url = workdir, database_url
        self.count, self.workers, self.threads = instances, workers, threads
        self.app = app
        self.instances: list[AppInstance] = []
        self.redis: Server | None = None
        self.nginx: Nginx | None = None
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"

    def env(self, redis_url: str) -> dict:
        config = self.app.config if self.app is not None else {}
        return {"DATABASE_URL": self.database_url, "SESSION_BACKEND": "redis",
                "REDIS_URL": redis_url, "TRUSTED_PROXIES": "1",
                "SECRET_KEY": config.get("SECRET_KEY") or "production-stack",
                "UPLOAD_DIR": str(config.get("UPLOAD_DIR") or self.workdir / "uploads")}

    def start(self) -> "Stack":
        try:
            if self.redis is None:
                self.redis, redis_url = start_redis(self.workdir)
                for _ in range(self.count):
                    self.instances.append(AppInstance(
                        self.workdir, self.env(redis_url), workers=self.workers,
                        threads=self.threads).start())
            self.nginx = Nginx(self.workdir, [f"127.0.0.1:{a.port}" for a in self.instances],
                               port=self.port).start()
        except Exception:
            self.close()
            raise
        return self

    def stop(self) -> None:
        if self.nginx is not None:
            self.nginx.stop()
            self.nginx = None

    def close(self) -> None:
        self.stop()
        for part in [*reversed(self.instances), self.redis]:
            if part is not None:
                part.stop()
        self.instances, self.redis = [], None

    def __enter__(self) -> "Stack":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    conf = sub.add_parser("nginx-conf", help="print deploy/nginx.conf rendered")
    conf.add_argument("--listen", default="80")
    conf.add_argument("--upstream", action="append", required=True, help="host:port, repeat")
    conf.add_argument("--prefix", default="/var/lib/people-counter/nginx")
    conf.add_argument("--frontend", default=str(REPO / "frontend"))
    conf.add_argument("--models", default=str(REPO / "frontend" / "models"))
    conf.add_argument("--node-modules", default=str(REPO / "node_modules"))
    conf.add_argument("--max-upload-mb", type=int, default=2048)
    run = sub.add_parser("nginx", parents=[], help="render into --prefix and exec nginx")
    for action in conf._actions[1:]:   # the same options as nginx-conf
        run._add_action(action)
    args = parser.parse_args(argv)
    text = render_nginx(args.listen, args.upstream, Path(args.prefix), Path(args.frontend),
                        Path(args.models), Path(args.node_modules), args.max_upload_mb)
    if args.command == "nginx-conf":
        print(text)
        return 0
    prefix = Path(args.prefix)
    prefix.mkdir(parents=True, exist_ok=True)
    shutil.copy(DEPLOY / "proxy_params.conf", prefix / "proxy_params.conf")
    (prefix / "nginx.conf").write_text(text)
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    os.execv(nginx, [nginx, "-p", str(prefix), "-c", str(prefix / "nginx.conf"),
                     "-g", "daemon off;"])


if __name__ == "__main__":
    sys.exit(main())
