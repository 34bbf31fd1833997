"""Browser tests: the real app served on a free loopback port, driven by Playwright in
Debian's Chromium (/usr/bin/chromium; never a downloaded browser).

PC_E2E_SERVER=nginx serves the `live_server` of every test through the production shape
instead of the dev server: nginx (deploy/nginx.conf) in front of 2 gunicorn instances
(deploy/gunicorn.conf.py) sharing a fresh MariaDB database and a private Redis
(tools/production.py Stack). docs/production.md has the command and the last run's result."""
from __future__ import annotations

import os
from contextlib import ExitStack
from pathlib import Path

import pytest

from tools.harness import (CHROMIUM, REPO, LiveServer, assert_no_csp_violations,
                           launch_chromium, make_app, open_page)

ARTIFACTS = REPO / "test-artifacts"


E2E_SERVER = os.environ.get("PC_E2E_SERVER", "dev")


@pytest.fixture
def live_server(tmp_path):
    if E2E_SERVER == "nginx":
        from tests.dbs import fresh_database
        from tools.production import Stack

        with ExitStack() as stack:
            url = stack.enter_context(fresh_database("mysql", tmp_path))
            from backend.db import get_engine_of

            app = make_app(tmp_path / "server", database_url=url)
            stack.callback(get_engine_of(app).dispose)
            server = Stack(tmp_path / "stack", url, app=app).start()
            stack.callback(server.close)
            yield server
        return
    if E2E_SERVER != "dev":
        pytest.fail(f"PC_E2E_SERVER is dev (default) or nginx, not {E2E_SERVER!r}")
    server = LiveServer(make_app(tmp_path / "server")).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def playwright_instance():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Debian's Chromium is not at {CHROMIUM}: run `make test` (it installs it).")
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture
def browser(playwright_instance):
    browser = launch_chromium(playwright_instance)
    yield browser
    browser.close()


@pytest.fixture
def page(browser):
    context, page = open_page(browser)
    yield page
    violations = list(context.csp_violations)
    context.close()
    assert_no_csp_violations(violations)  # at teardown: fails the test


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
