"""Browser tests: the real app served on a free loopback port, driven by Playwright in
Debian's Chromium (/usr/bin/chromium; never a downloaded browser)."""
from __future__ import annotations

from pathlib import Path

import pytest

from tools.harness import (CHROMIUM, REPO, LiveServer, assert_no_csp_violations,
                           launch_chromium, make_app, open_page)

ARTIFACTS = REPO / "test-artifacts"


@pytest.fixture
def live_server(tmp_path):
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
