"""The production shape, for real: gunicorn instances (deploy/gunicorn.conf.py) sharing a
MariaDB database and a private Redis, nginx (deploy/nginx.conf) in front. Servers are
started by tools/production.py and stopped by their own pids."""
from __future__ import annotations

import re
import shutil
import uuid
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa

from tests.dbs import fresh_database
from tools.production import AppInstance, Nginx, start_redis

PASSWORD = "correct horse battery"
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


@pytest.fixture
def mariadb_url(tmp_path):
    with fresh_database("mysql", tmp_path) as url:
        from backend.db import create_schema

        engine = sa.create_engine(url)
        create_schema(engine)
        engine.dispose()
        yield url


@pytest.fixture
def redis_url(tmp_path):
    if shutil.which("redis-server") is None:
        pytest.fail("redis-server is not installed (tools/setup/system_deps.sh installs it)")
    server, url = start_redis(tmp_path)
    yield url
    server.stop()


@pytest.fixture
def servers():
    """Everything started through it is stopped at the end, even when the test fails."""
    started = []

    def start(server):
        started.append(server)
        return server.start()

    yield start
    for server in reversed(started):
        server.stop()


@pytest.fixture
def shared_env(tmp_path, mariadb_url, redis_url) -> dict:
    """The settings every instance shares: database, Redis, secret, uploads directory."""
    return {"DATABASE_URL": mariadb_url, "SESSION_BACKEND": "redis", "REDIS_URL": redis_url,
            "SECRET_KEY": "production-test-" + uuid.uuid4().hex,
            "UPLOAD_DIR": str(tmp_path / "shared-uploads"), "TRUSTED_PROXIES": "1"}


def instance(tmp_path, env: dict, **options) -> AppInstance:
    return AppInstance(tmp_path, env, **options)


def nginx_for(tmp_path, instances: list[AppInstance]) -> Nginx:
    if not Path("/usr/sbin/nginx").exists():
        pytest.fail("nginx is not installed (tools/setup/system_deps.sh installs it)")
    return Nginx(tmp_path, [f"127.0.0.1:{app.port}" for app in instances])


class Visitor:
    """A browser-like client (cookies, CSRF token from the page) on one base URL; `at`
    gives the same cookies on another instance."""

    def __init__(self, base: str, session: requests.Session | None = None) -> None:
        self.base = base
        self.session = session or requests.Session()

    def at(self, base: str) -> "Visitor":
        return Visitor(base, self.session)

    def csrf(self, path: str = "/") -> str:
        page = self.session.get(self.base + path, timeout=60)
        match = CSRF_META.search(page.text)
        assert match, f"no CSRF token on {path}: {page.status_code}"
        return match.group(1)

    def register(self, username: str) -> None:
        response = self.session.post(self.base + "/auth/register", data={
            "username": username, "email": f"{username}@example.com", "password": PASSWORD,
            "confirm": PASSWORD, "csrf_token": self.csrf("/auth/register")}, timeout=60)
        assert response.status_code in (200, 302), response.text[:500]

    def login(self, username: str, password: str = PASSWORD) -> requests.Response:
        return self.session.post(self.base + "/auth/login", data={
            "username": username, "password": password,
            "csrf_token": self.csrf("/auth/login")}, allow_redirects=False, timeout=60)

    def api(self, method: str, path: str, **kwargs) -> requests.Response:
        headers = {"X-CSRF-Token": self.csrf(), **kwargs.pop("headers", {})}
        return self.session.request(method, self.base + path, headers=headers, timeout=60,
                                    **kwargs)
