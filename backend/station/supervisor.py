"""The station's supervisor: one headless Chromium (Debian's /usr/bin/chromium through
Playwright), one monitor page per always-on camera, each with its user's scoped token.

Every `poll_seconds` it reads each page's state (window.pcStation.snapshot()); a page that
crashed, closed or stopped answering is opened again on the same run (the same client run
id: counts continue in one run, batch ids keep them from being counted twice), and a
Chromium that died is launched again with all its pages. The camera list is read again
every `refresh_seconds`. Playwright's sync API is used from this one thread only."""
from __future__ import annotations

import logging
import os
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from ..db import transaction
from ..repositories import cameras as camera_repo
from . import scope

log = logging.getLogger(__name__)
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# The flags every headless Chromium of the project runs with (tools/harness.py has the same).
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
    # a station page is never visible: do not throttle its timers and frames
    "--disable-background-timer-throttling", "--disable-renderer-backgrounding",
    "--disable-backgrounding-occluded-windows",
]
PAGE_TIMEOUT_MS = 120_000


@dataclass
class CameraState:
    camera_id: int
    user_id: int
    name: str
    client_run_id: str = field(default_factory=lambda: f"station-{uuid.uuid4()}")
    page: object = None
    crashed: bool = False
    restarts: int = 0
    opened_at: float | None = None
    snapshot: dict = field(default_factory=dict)
    updated_at: float | None = None
    error: str | None = None

    def public(self) -> dict:
        snap = self.snapshot or {}
        return {
            "camera_id": self.camera_id, "name": self.name, "state": snap.get("state", "starting"),
            "camera": snap.get("camera", "offline"), "frames": snap.get("frames", 0),
            "fps": round(float(snap.get("fps") or 0), 2), "samples": snap.get("samples", 0),
            "events": snap.get("events", 0), "last_sample_at": snap.get("lastSampleAt"),
            "run_id": snap.get("runId"), "queued_batches": snap.get("queuedBatches", 0),
            "restarts": self.restarts, "error": self.error or snap.get("error"),
        }


class Station:
    def __init__(self, app, server_url: str, *, poll_seconds: float = 2.0,
                 refresh_seconds: float = 30.0, launch=None) -> None:
        self.app = app
        self.server_url = server_url.rstrip("/")
        self.poll_seconds = poll_seconds
        self.refresh_seconds = refresh_seconds
        self.cameras: dict[int, CameraState] = {}
        self.tokens: dict[int, tuple[str, str]] = {}  # user id -> (secret, hash)
        self.browser_restarts = 0
        self.started_at = time.time()
        self.browser = None
        self.browser_dead = False
        self.playwright = None
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.launch = launch

    # ----- what the status page reads (another thread) -----
    def public(self) -> dict:
        with self.lock:
            cameras = [state.public() for state in self.cameras.values()]
        return {"server": self.server_url, "started_at": self.started_at,
                "browser_restarts": self.browser_restarts, "browser_pid": self.browser_pid(),
                "cameras": cameras}

    def browser_pid(self) -> int | None:
        """The Chromium browser process (a descendant of this process without --type=)."""
        return find_browser_pid(os.getpid())

    # ----- tokens -----
    def token_for(self, user_id: int) -> str:
        if user_id not in self.tokens:
            secret, token_hash = scope.new_token()
            with self.app.app_context(), transaction() as conn:
                camera_repo.create_station_token(
                    conn, user_id, f"station {os.uname().nodename} pid {os.getpid()}", token_hash)
            self.tokens[user_id] = (secret, token_hash)
        return self.tokens[user_id][0]

    def revoke_tokens(self) -> None:
        with self.app.app_context(), transaction() as conn:
            for _, token_hash in self.tokens.values():
                camera_repo.revoke_station_token(conn, token_hash)
        self.tokens.clear()

    # ----- cameras -----
    def refresh_cameras(self) -> None:
        with self.app.app_context(), transaction() as conn:
            wanted = {row["id"]: row for row in camera_repo.always_on(conn)}
        with self.lock:
            for camera_id in list(self.cameras):
                if camera_id not in wanted:
                    self._close_page(self.cameras.pop(camera_id))
            for camera_id, row in wanted.items():
                if camera_id not in self.cameras:
                    self.cameras[camera_id] = CameraState(camera_id, row["user_id"], row["name"])
                else:
                    self.cameras[camera_id].name = row["name"]

    # ----- browser and pages -----
    def _launch_browser(self) -> None:
        if self.playwright is None:
            try:
                from playwright.sync_api import sync_playwright
            except ImportError:
                raise SystemExit("The station drives Chromium through Playwright: "
                                 "pip install -e '.[station]' (or run make station).") from None

            self.playwright = sync_playwright().start()
        if not Path(CHROMIUM).exists():
            raise SystemExit(f"Debian's Chromium is not at {CHROMIUM} (apt-get install chromium).")
        self.browser = self.playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                                       args=CHROMIUM_ARGS)
        self.browser_dead = False
        self.browser.on("disconnected", lambda *_: setattr(self, "browser_dead", True))

    def _open_page(self, state: CameraState) -> None:
        context = self.browser.new_context(viewport={"width": 1280, "height": 800},
                                           extra_http_headers={
                                               "Authorization": f"Bearer {self.token_for(state.user_id)}"})
        context.set_default_timeout(PAGE_TIMEOUT_MS)
        page = context.new_page()
        state.crashed = False
        page.on("crash", lambda *_: setattr(state, "crashed", True))
        page.goto(f"{self.server_url}/station/monitor?station=1&camera={state.camera_id}"
                  f"&run={state.client_run_id}")
        state.page = page
        state.opened_at = time.monotonic()
        state.error = None

    def _close_page(self, state: CameraState) -> None:
        page, state.page = state.page, None
        if page is None:
            return
        try:
            page.context.close()
        except Exception:  # noqa: BLE001 - a dead browser cannot close anything
            pass

    def _poll(self, state: CameraState) -> None:
        """Reads the page's state; restarts the page when it is gone."""
        if state.page is not None and not state.crashed:
            try:
                snap = state.page.evaluate("() => window.pcStation ? window.pcStation.snapshot() : null")
                if snap is not None:
                    with self.lock:
                        state.snapshot = snap
                        state.updated_at = time.time()
                return
            except Exception as exc:  # noqa: BLE001 - the page died under us
                state.error = f"page stopped answering: {type(exc).__name__}"
                if self.browser_dead or not self.browser.is_connected():
                    return  # Chromium itself died: step() starts it again with every page
        if state.page is not None or state.crashed:
            state.restarts += 1
            log.warning("camera %s: restarting its page (restart %s)", state.camera_id,
                        state.restarts)
        self._close_page(state)
        try:
            self._open_page(state)
        except Exception as exc:  # noqa: BLE001
            state.error = f"the page could not be opened: {type(exc).__name__}"
            self._close_page(state)

    def step(self) -> None:
        if self.browser is None or self.browser_dead or not self.browser.is_connected():
            if self.browser is not None:
                self.browser_restarts += 1
                log.warning("Chromium died: starting it again (restart %s)", self.browser_restarts)
                for state in self.cameras.values():
                    state.page = None
                    state.restarts += 1
                try:
                    self.browser.close()
                except Exception:  # noqa: BLE001
                    pass
            self._launch_browser()
        for state in list(self.cameras.values()):
            self._poll(state)

    def run(self) -> None:
        last_refresh = None
        while not self.stopping.is_set():
            if last_refresh is None or time.monotonic() - last_refresh >= self.refresh_seconds:
                self.refresh_cameras()
                last_refresh = time.monotonic()
            self.step()
            self.stopping.wait(self.poll_seconds)

    def close(self) -> None:
        self.stopping.set()
        for state in list(self.cameras.values()):
            self._close_page(state)
        try:
            if self.browser is not None:
                self.browser.close()
            if self.playwright is not None:
                self.playwright.stop()
        except Exception:  # noqa: BLE001
            pass
        self.revoke_tokens()


def find_browser_pid(root_pid: int) -> int | None:
    """The Chromium browser process among root_pid's descendants (from /proc)."""
    children: dict[int, list[int]] = {}
    commands: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            commands[int(entry.name)] = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(
                "utf-8", "replace")
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(parent, []).append(int(entry.name))
    queue = list(children.get(root_pid, []))
    while queue:
        pid = queue.pop(0)
        command = commands.get(pid, "")
        if "chromium" in command.split(" ", 1)[0] and "--type=" not in command:
            return pid
        queue.extend(children.get(pid, []))
    return None
