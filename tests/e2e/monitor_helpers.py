"""Shared by the monitor's browser tests: the fake webcam clip, Chromium with it, logging in,
drawing on the overlay in source-frame pixels, reading the database."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa

from tools.harness import (BROWSER_PASSWORD, REPO, SHARED_DATA, assert_no_csp_violations,  # noqa: F401
                           launch_chromium, open_page, register_and_login)

CLIP = SHARED_DATA / "TUD-Stadtmitte" / "TUD-Stadtmitte.mp4"
FRAME = (640, 480)
PASSWORD = BROWSER_PASSWORD
WAIT_MS = 240_000  # generous: the model runs on a shared 2-core CPU
COLOURED_FLOOR_CELLS = """() => {
    // Heatmap cells are saturated colours; the plan itself is white, grey grid lines and a
    // teal frame (left out: only the inside, 4 px from the edges, is looked at).
    const canvas = document.querySelector('[data-testid=floor-canvas]');
    const inside = canvas.getContext('2d').getImageData(4, 4, canvas.width - 8, canvas.height - 28).data;
    let coloured = 0;
    for (let i = 0; i < inside.length; i += 4) {
        const [r, g, b] = [inside[i], inside[i + 1], inside[i + 2]];
        if (Math.max(r, g, b) - Math.min(r, g, b) > 60) coloured += 1;
    }
    return coloured > 50;
}"""


@pytest.fixture(scope="module")
def webcam_clip(tmp_path_factory) -> Path:
    """The clip as y4m, the format Chromium's fake capture device reads."""
    if not CLIP.exists():
        pytest.fail(f"{CLIP} is missing (see /work/shared/data).")
    if not (REPO / "frontend" / "models" / "index.json").exists():
        pytest.fail("No exported model in frontend/models: run `make model`.")
    target = tmp_path_factory.mktemp("webcam") / "clip.y4m"
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(CLIP), "-pix_fmt", "yuv420p",
                    str(target)], check=True)
    return target


@pytest.fixture
def webcam_browser(playwright_instance, webcam_clip):
    browser = launch_chromium(playwright_instance, [
        "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-video-capture={webcam_clip}"])
    yield browser
    browser.close()


@pytest.fixture
def webcam_page(webcam_browser):
    context, page = open_page(webcam_browser)
    yield page
    violations = list(context.csp_violations)
    context.close()
    assert_no_csp_violations(violations)  # at teardown: fails the test


def page_overflow(page) -> int:
    """How many pixels the page is wider than the window (0 or less: it fits)."""
    return page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")


def frame_point(page, x: float, y: float) -> tuple[float, float]:
    """Viewport coordinates of a source-frame pixel on the overlay canvas."""
    page.locator("#overlay-canvas").scroll_into_view_if_needed()
    box = page.locator("#overlay-canvas").bounding_box()
    return box["x"] + x / FRAME[0] * box["width"], box["y"] + y / FRAME[1] * box["height"]


def drag(page, start, end) -> None:
    page.mouse.move(*frame_point(page, *start))
    page.mouse.down()
    middle = ((start[0] + end[0]) / 2, (start[1] + end[1]) / 2)
    page.mouse.move(*frame_point(page, *middle), steps=4)
    page.mouse.move(*frame_point(page, *end), steps=4)
    page.mouse.up()


def set_field(page, testid: str, value: str) -> None:
    page.fill(f"[data-testid={testid}]", value)
    page.press(f"[data-testid={testid}]", "Tab")


def open_webcam(page, base_url: str, camera_name: str) -> None:
    page.goto(f"{base_url}/monitor")
    page.wait_for_selector("body[data-monitor-ready=yes]")
    page.fill("[data-testid=camera-name]", camera_name)
    page.click("[data-testid=open-webcam]")
    page.wait_for_function("() => document.getElementById('stage-placeholder')?.hidden === true")


def add_ip_camera(page, name: str, url: str) -> int:
    """Adds an IP camera through the API from the signed-in page; returns the HTTP status."""
    return page.evaluate("""async ([name, url]) => {
        const csrf = document.querySelector('meta[name=csrf-token]').content;
        const response = await fetch('/api/cameras', { method: 'POST',
            headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
            body: JSON.stringify({ name, url }) });
        return response.status;
    }""", [name, url])


def draw_zone_and_line(page) -> None:
    page.click("[data-testid=tool-rectangle]")
    drag(page, (40, 220), (600, 470))
    set_field(page, "zone-name", "Pavement")
    set_field(page, "zone-threshold", "1")
    set_field(page, "zone-hold", "0")
    page.click("[data-testid=tool-line]")
    drag(page, (511, 150), (511, 470))
    set_field(page, "zone-name", "Shop door")


def database_rows(app, sql: str, **params):
    from backend.db import get_engine

    with app.app_context():
        with get_engine().connect() as conn:
            return conn.execute(sa.text(sql), params).all()


def table_columns(app, table_name: str) -> set[str]:
    """The column names of a table, on SQLite and MariaDB alike."""
    from backend.db import get_engine

    with app.app_context():
        return {column["name"] for column in sa.inspect(get_engine()).get_columns(table_name)}
