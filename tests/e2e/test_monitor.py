"""The monitor end to end, in Debian's Chromium with a real clip as the fake webcam and the
real model: draw a zone and a line with the mouse, count, see an alert, lose the server for a
while, get every sample into the database exactly once, reload and find the zones, and
download the CSV."""
from __future__ import annotations

import csv
import io
import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa

from tools.harness import (REPO, SHARED_DATA, assert_no_csp_violations, launch_chromium,
                           open_page)

CLIP = SHARED_DATA / "TUD-Stadtmitte" / "TUD-Stadtmitte.mp4"
FRAME = (640, 480)
PASSWORD = "quiet harbour lights 42"
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
    assert_no_csp_violations(violations)


def register_and_login(page, base_url: str, username: str = "operator") -> None:
    page.goto(f"{base_url}/auth/register")
    page.fill("#username", username)
    page.fill("#email", f"{username}@example.com")
    page.fill("#password", PASSWORD)
    page.fill("#confirm", PASSWORD)
    page.click("form[data-testid=register-form] button[type=submit]")
    page.wait_for_url("**/auth/login**")
    page.fill("#password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_selector("[data-testid=logout]")


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
    page.wait_for_function("() => document.getElementById('stage-placeholder').hidden")


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


def test_webcam_count_alert_offline_and_csv(live_server, webcam_page, artifacts):
    page = webcam_page
    register_and_login(page, live_server.url)
    open_webcam(page, live_server.url, "front-door")
    draw_zone_and_line(page)
    page.click("[data-testid=save-zones]")
    page.wait_for_function("() => document.getElementById('status-area').textContent.includes('Saved 2 zones')")
    zones = database_rows(live_server.app, "SELECT id, name, kind, camera_key FROM zones ORDER BY id")
    assert [(z.name, z.kind, z.camera_key) for z in zones] == [
        ("Pavement", "polygon", "front-door"), ("Shop door", "line", "front-door")]
    line_key = f"zone-{zones[1].id}"

    # Floor plan: four floor corners clicked on the picture, 6 m x 10 m; heatmap layer on.
    page.click("[data-testid=calibrate-floor]")
    for corner in [(60, 470), (600, 470), (470, 230), (160, 230)]:
        page.mouse.click(*frame_point(page, *corner))
    page.fill("#floor-width", "6")
    page.fill("#floor-depth", "10")
    page.click("#floor-apply")
    assert "Floor plan set: 6 m × 10 m" in page.inner_text("#status-area")
    page.click("#layers-menu summary")
    page.check("[data-testid=layer-heatmap]")
    page.click("#layers-menu summary")

    page.click("[data-testid=start]")
    # Counts update: people in view, a crossing of the line, and an alert for the low threshold.
    page.wait_for_function("() => Number(document.getElementById('kpi-people').textContent) > 0",
                           timeout=WAIT_MS)
    page.wait_for_selector("[data-testid=alert-entry]", timeout=WAIT_MS)
    assert page.is_visible("[data-testid=alert-banner]")
    assert "Pavement" in page.inner_text("[data-testid=alert-banner]")
    page.wait_for_function(
        "() => Number(document.getElementById('kpi-in').textContent)"
        " + Number(document.getElementById('kpi-out').textContent) > 0", timeout=WAIT_MS)
    page.wait_for_function("() => Number(document.querySelector('[data-testid=connection-state]')"
                           ".dataset.sentSamples) > 0", timeout=WAIT_MS)
    # Foot points land on the bird's-eye floor plan (coloured cells on the floor canvas).
    page.wait_for_function(COLOURED_FLOOR_CELLS, timeout=WAIT_MS)

    # The server goes away for a while: the page says so and keeps the batches.
    live_server.stop()
    page.wait_for_function("() => document.querySelector('[data-testid=connection-state]')"
                           ".dataset.online === 'false'", timeout=WAIT_MS)
    page.wait_for_function("() => Number(document.querySelector('[data-testid=connection-state]')"
                           ".dataset.queuedBatches) >= 2", timeout=WAIT_MS)
    assert "Offline" in page.inner_text("[data-testid=connection-state]")
    page.screenshot(path=str(artifacts / "monitor-offline.png"))
    live_server.start()
    page.wait_for_function("() => document.querySelector('[data-testid=connection-state]')"
                           ".dataset.queuedBatches === '0'", timeout=WAIT_MS)
    # A few more live batches after the outage (waited for, not slept for: a slow machine
    # makes them later, never fewer).
    sent = int(page.get_attribute("[data-testid=connection-state]", "data-sent-samples"))
    page.wait_for_function("(sent) => Number(document.querySelector('[data-testid=connection-state]')"
                           ".dataset.sentSamples) > sent", arg=sent, timeout=WAIT_MS)
    page.screenshot(path=str(artifacts / "monitor.png"))

    page.click("[data-testid=stop]")
    page.wait_for_selector("[data-testid=summary]:not([hidden])", timeout=WAIT_MS)
    page.wait_for_function("() => document.querySelector('[data-testid=connection-state]')"
                           ".dataset.queuedBatches === '0'", timeout=WAIT_MS)
    made = int(page.get_attribute("[data-testid=summary]", "data-samples"))
    run_id = int(page.get_attribute("[data-testid=summary]", "data-run-id"))
    acknowledged = int(page.get_attribute("[data-testid=connection-state]", "data-sent-samples"))

    # Every sample the page made is in the database exactly once.
    stored = database_rows(live_server.app, "SELECT COUNT(*) FROM count_samples WHERE run_id = :run",
                           run=run_id)[0][0]
    doubled = database_rows(live_server.app, "SELECT zone_key, ts, COUNT(*) FROM count_samples "
                            "WHERE run_id = :run GROUP BY zone_key, ts HAVING COUNT(*) > 1", run=run_id)
    assert made > 0
    assert stored == made == acknowledged
    assert doubled == []
    alerts = database_rows(live_server.app, "SELECT zone_key, threshold FROM alerts WHERE run_id = :run",
                           run=run_id)
    assert (f"zone-{zones[0].id}", 1) in [(a.zone_key, a.threshold) for a in alerts]
    line_in_ui = int(page.inner_text(".summary-line strong").split(" in")[0])
    line_in_db = database_rows(live_server.app, "SELECT COALESCE(SUM(entries), 0) FROM count_samples "
                               "WHERE run_id = :run AND zone_key = :key", run=run_id, key=line_key)[0][0]
    assert line_in_db == line_in_ui

    # The CSV from the session card: one row per zone per minute, entries add up.
    with page.expect_download() as download_info:
        page.click("[data-testid=csv-link]")
    rows = list(csv.DictReader(io.StringIO(Path(download_info.value.path()).read_text())))
    assert rows and {"time_utc", "time_local", "zone_key", "entries", "exits"} <= set(rows[0])
    assert all(row["time_utc"].endswith("Z") for row in rows)
    assert sum(int(row["entries"]) for row in rows if row["zone_key"] == line_key) == line_in_db
    assert {row["zone_key"] for row in rows} >= {"frame", line_key, f"zone-{zones[0].id}"}

    # Reload: the zones come back for this camera.
    page.reload()
    open_webcam(page, live_server.url, "front-door")
    page.wait_for_function("() => document.getElementById('status-area').textContent.includes('2 saved zones loaded')")
    names = page.locator("[data-testid=totals-row] td:first-child").all_inner_texts()
    assert sorted(names) == ["Pavement", "Shop door"]
    page.click("[data-testid=tool-select]")
    page.mouse.click(*frame_point(page, 300, 400))
    assert page.input_value("[data-testid=zone-name]") == "Pavement"
    assert page.input_value("[data-testid=zone-threshold]") == "1"

    page.goto(f"{live_server.url}/dashboard?run={run_id}")
    page.wait_for_selector("body[data-dashboard-ready=yes]")
    page.wait_for_selector("#zone-table tr")
    page.wait_for_function("() => [...document.querySelectorAll('#server-charts img')]"
                           ".every((image) => image.complete && image.naturalWidth > 0)")
    page.screenshot(path=str(artifacts / "dashboard.png"), full_page=True)
    assert page.inner_text("#kpi-samples") == str(made)


def test_counts_queued_offline_survive_closing_the_page(live_server, webcam_page):
    """Counting ends while the server is away; the tab is closed; the next visit sends what
    waited in IndexedDB, each batch once."""
    page = webcam_page
    register_and_login(page, live_server.url, "laptop")
    open_webcam(page, live_server.url, "entrance")
    page.click("[data-testid=start]")
    page.wait_for_function("() => Number(document.querySelector('[data-testid=connection-state]')"
                           ".dataset.sentSamples) > 0", timeout=WAIT_MS)
    live_server.stop()
    page.wait_for_function("() => Number(document.querySelector('[data-testid=connection-state]')"
                           ".dataset.queuedBatches) >= 2", timeout=WAIT_MS)
    page.click("[data-testid=stop]")
    page.wait_for_selector("[data-testid=summary]:not([hidden])", timeout=WAIT_MS)
    assert "still waiting for the server" in page.inner_text("#status-area")
    made = int(page.get_attribute("[data-testid=summary]", "data-samples"))
    context = page.context
    page.close()

    live_server.start()
    later = context.new_page()
    later.goto(f"{live_server.url}/monitor")
    later.wait_for_selector("body[data-monitor-ready=yes]")
    later.wait_for_function("() => document.querySelector('[data-testid=connection-state]')"
                            ".dataset.queuedBatches === '0'", timeout=WAIT_MS)
    runs = database_rows(live_server.app, "SELECT id FROM runs")
    assert len(runs) == 1
    stored = database_rows(live_server.app, "SELECT COUNT(*) FROM count_samples WHERE run_id = :run",
                           run=runs[0].id)[0][0]
    doubled = database_rows(live_server.app, "SELECT zone_key, ts FROM count_samples WHERE run_id = :run "
                            "GROUP BY zone_key, ts HAVING COUNT(*) > 1", run=runs[0].id)
    assert stored == made
    assert doubled == []


def test_zone_editor_with_the_mouse_and_keyboard(live_server, webcam_page):
    """Every tool, vertex dragging, flip, rename, undo and delete, saved per camera."""
    page = webcam_page
    register_and_login(page, live_server.url, "editor")
    open_webcam(page, live_server.url, "hall")

    # Polygon: clicks, closed by clicking the first corner again.
    page.click("[data-testid=tool-polygon]")
    for corner in [(100, 300), (300, 300), (300, 450), (100, 450), (101, 301)]:
        page.mouse.click(*frame_point(page, *corner))
    set_field(page, "zone-name", "Queue")
    # Drag its corner (300, 450) to (350, 460).
    drag(page, (300, 450), (350, 460))
    # Band by drag, then the width; a line by two clicks, flipped.
    page.click("[data-testid=tool-band]")
    drag(page, (400, 200), (600, 200))
    page.fill("#zone-width", "30")
    page.press("#zone-width", "Tab")
    page.click("[data-testid=tool-line]")
    page.mouse.click(*frame_point(page, 20, 100))
    page.mouse.click(*frame_point(page, 200, 100))
    page.click("[data-testid=flip]")
    # A rectangle, removed again by undo; a second line deleted with the Delete key.
    page.click("[data-testid=tool-rectangle]")
    drag(page, (500, 400), (620, 470))
    page.click("[data-testid=undo]")
    page.keyboard.press("l")
    drag(page, (20, 200), (200, 200))
    page.keyboard.press("Delete")
    rows = page.locator("[data-testid=totals-row] td:first-child").all_inner_texts()
    assert sorted(rows) == ["Band 1", "Line 1", "Queue"]
    page.click("[data-testid=save-zones]")
    page.wait_for_function("() => document.getElementById('status-area').textContent.includes('Saved 3 zones')")

    # What the server keeps, as the API gives it back.
    items = page.evaluate("fetch('/api/zones?camera_key=hall').then((r) => r.json())")["items"]
    saved = {item["name"]: (item["kind"], item["geometry"]) for item in items}
    assert set(saved) == {"Queue", "Band 1", "Line 1"}
    kind, geometry = saved["Queue"]
    assert kind == "polygon" and len(geometry["points"]) == 4
    assert [round(v / 5) * 5 for v in geometry["points"][2]] == [350, 460]
    kind, geometry = saved["Band 1"]
    assert kind == "band" and geometry["width"] == 30 and geometry["flipped"] is False
    kind, geometry = saved["Line 1"]
    assert kind == "line" and geometry["flipped"] is True
    assert [[round(v / 5) * 5 for v in point] for point in geometry["points"]] == [[20, 100], [200, 100]]
