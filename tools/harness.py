"""Shared by tools/ and tests/: the real app on a loopback port, Debian's Chromium through
Playwright, and video frames decoded by ffmpeg (so Python and the browser see the same pixels)."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import numpy as np
from werkzeug.serving import make_server

REPO = Path(__file__).resolve().parent.parent
# ../shared/data beside the repository (as in CI), or PC_SHARED_DATA (e.g. from a git worktree)
SHARED_DATA = Path(os.environ.get("PC_SHARED_DATA") or REPO.parent / "shared" / "data")
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
WAIT_DEFAULT_MS = 120_000
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]


def make_app(workdir: Path, database_url: str | None = None, **overrides):
    """The real app with its own SQLite file (or the given URL), schema created."""
    from backend import create_app
    from backend.db import create_schema, get_engine

    workdir.mkdir(parents=True, exist_ok=True)
    config = {
        "TESTING": True,
        "SECRET_KEY": "harness-secret",
        "DATABASE_URL": database_url or f"sqlite:///{workdir / 'harness.sqlite'}",
        "UPLOAD_DIR": str(workdir / "uploads"),
        "SESSION_DIR": str(workdir / "sessions"),
    }
    config.update(overrides)
    app = create_app(config)
    with app.app_context():
        create_schema(get_engine())
    return app


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
            self._thread = None

    def __enter__(self) -> "LiveServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def launch_chromium(playwright, extra_args: list[str] | None = None):
    """Debian's Chromium, headless; never a downloaded browser."""
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"Debian's Chromium is not at {CHROMIUM}: `apt-get install chromium` "
                         "(make test does it).")
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                      args=CHROMIUM_ARGS + list(extra_args or []))


# Every page of a harness context reports Content-Security-Policy violations to the console
# (Chromium also logs its own "Refused to ..." line), where watch_csp collects them.
CSP_REPORTER = """
document.addEventListener('securitypolicyviolation', (event) => {
  console.error(`CSP violation: ${event.violatedDirective} blocked `
    + `${event.blockedURI || 'inline code'} in ${event.sourceFile || event.documentURI}`);
});
"""


def watch_csp(context) -> list[str]:
    """A list that fills with the CSP violations of every page of the context."""
    violations: list[str] = []
    context.add_init_script(CSP_REPORTER)

    def on_console(message) -> None:
        text = message.text
        if "CSP violation" in text or "Content Security Policy" in text:
            violations.append(text)

    context.on("console", on_console)
    return violations


def open_page(browser):
    """A page in a fresh context (own cookies and storage), laptop-sized, downloads on.
    context.csp_violations lists the page's Content-Security-Policy violations."""
    context = browser.new_context(viewport={"width": 1366, "height": 900},
                                  accept_downloads=True)
    # Waits end as soon as their condition holds; the bound only has to outlast a busy
    # 2-core machine (Playwright's 30 s default does not always).
    context.set_default_timeout(WAIT_DEFAULT_MS)
    context.csp_violations = watch_csp(context)
    return context, context.new_page()


def assert_no_csp_violations(violations: list[str]) -> None:
    """Fails the test when a page broke the Content-Security-Policy."""
    assert not violations, "Content-Security-Policy violations:\n" + "\n".join(violations)


BROWSER_PASSWORD = "quiet harbour lights 42"


def register_and_login(page, base_url: str, username: str = "operator",
                       password: str = BROWSER_PASSWORD) -> None:
    """A new account through the real register and login pages (tests and browser benchmarks)."""
    page.goto(f"{base_url}/auth/register")
    page.fill("#username", username)
    page.fill("#email", f"{username}@example.com")
    page.fill("#password", password)
    page.fill("#confirm", password)
    page.click("form[data-testid=register-form] button[type=submit]")
    page.wait_for_url("**/auth/login**")
    page.fill("#password", password)
    page.click("main form button[type=submit]")
    page.wait_for_selector("[data-testid=logout]")


@dataclass(frozen=True)
class VideoInfo:
    width: int
    height: int
    fps: float
    frames: int


def probe_video(path: Path) -> VideoInfo:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", "v:0", "-count_frames",
         "-show_entries", "stream=width,height,r_frame_rate,nb_read_frames", "-of", "json",
         str(path)], check=True, capture_output=True, text=True).stdout
    stream = json.loads(out)["streams"][0]
    num, den = stream["r_frame_rate"].split("/")
    return VideoInfo(int(stream["width"]), int(stream["height"]), float(num) / float(den),
                     int(stream["nb_read_frames"]))


def decode_frames(path: Path, limit: int | None = None) -> Iterator[np.ndarray]:
    """Every decoded frame in order as an RGBA uint8 array (H, W, 4); frame 1 comes first."""
    if shutil.which("ffmpeg") is None:
        raise SystemExit("ffmpeg is missing: `apt-get install ffmpeg` (make test does it).")
    info = probe_video(path)
    frame_bytes = info.width * info.height * 4
    command = ["ffmpeg", "-v", "error", "-i", str(path), "-map", "0:v:0", "-vsync", "passthrough",
               "-f", "rawvideo", "-pix_fmt", "rgba", "-"]
    with subprocess.Popen(command, stdout=subprocess.PIPE) as process:
        count = 0
        try:
            while limit is None or count < limit:
                buffer = process.stdout.read(frame_bytes)
                if len(buffer) < frame_bytes:
                    break
                count += 1
                yield np.frombuffer(buffer, np.uint8).reshape(info.height, info.width, 4)
        finally:
            process.kill()
