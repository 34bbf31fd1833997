"""Browser tests: the real app served on a free loopback port, driven by Playwright in
Debian's Chromium (/usr/bin/chromium; never a downloaded browser)."""
from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from backend import create_app
from backend.db import create_schema, get_engine

REPO = Path(__file__).resolve().parents[2]
SHARED_DATA = REPO.parent / "shared" / "data"
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]


class LiveServer:
    """The Flask app on 127.0.0.1:<free port> in a background thread; stop() and start()
    again on the same port (to test what happens while the server is away)."""

    def __init__(self, app, port: int = 0) -> None:
        self.app = app
        self._server = make_server("127.0.0.1", port, app, threaded=True)
        self.port = self._server.server_port
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread: threading.Thread | None = None

    def start(self) -> "LiveServer":
        if self._server is None:
            self._server = make_server("127.0.0.1", self.port, self.app, threaded=True)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=10)


def make_app(tmp_path: Path, database_url: str | None = None):
    app = create_app({
        "TESTING": True,
        "SECRET_KEY": "e2e-secret",
        "DATABASE_URL": database_url or f"sqlite:///{tmp_path / 'e2e.sqlite'}",
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        "SESSION_DIR": str(tmp_path / "sessions"),
    })
    with app.app_context():
        create_schema(get_engine())
    return app


@pytest.fixture
def live_server(tmp_path):
    server = LiveServer(make_app(tmp_path)).start()
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
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, headless=True,
                                                  args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 900},
                                  accept_downloads=True)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
