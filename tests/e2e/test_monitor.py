"""The monitor in Debian's Chromium with a real clip as the fake webcam: counts queued while
offline survive closing the tab, and the zone editor works with the mouse and the keyboard.
(The whole counting session: test_monitor_session.py.)"""
from __future__ import annotations

import pytest

from tests.e2e.monitor_helpers import (WAIT_MS, add_ip_camera, database_rows, drag, frame_point, open_webcam,  # noqa: F401
                                       register_and_login, set_field, webcam_browser, webcam_clip, webcam_page)

pytestmark = pytest.mark.e2e


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


def test_zone_editor_with_the_mouse_and_keyboard(live_server, webcam_page, artifacts):
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

    # Next visit: the camera and its saved zones are offered, nothing to retype (issue 14, 7).
    page.goto(f"{live_server.url}/monitor")
    page.wait_for_selector("body[data-monitor-ready=yes]")
    options = page.locator("[data-testid=saved-camera] option").all_inner_texts()
    assert options[0].startswith("hall · 3 zones") and options[-1] == "New camera…"
    assert page.input_value("[data-testid=camera-name]") == "hall"
    assert "with its saved zones" in page.inner_text("[data-testid=camera-key-hint]")
    page.fill("[data-testid=camera-name]", "Front door")
    page.dispatch_event("[data-testid=camera-name]", "input")
    assert "saved under “front-door” (from “Front door”)" in page.inner_text("[data-testid=camera-key-hint]")
    page.select_option("[data-testid=saved-camera]", "hall")
    page.click("[data-testid=open-webcam]")
    page.wait_for_function("() => document.getElementById('status-area').textContent.includes('3 saved zones loaded')")
    page.screenshot(path=str(artifacts / "monitor-saved-camera.png"), full_page=True)


def test_the_detector_cadence_can_be_switched_off(live_server, webcam_page):
    """Skip frames unticked: the detector runs on every frame the pipeline takes; the choice
    is kept for the next visit."""
    page = webcam_page
    register_and_login(page, live_server.url, "every-frame")
    open_webcam(page, live_server.url, "lobby")
    page.uncheck("[data-testid=cadence-toggle]")
    assert "every frame" in page.inner_text("#status-area")
    page.click("[data-testid=start]")
    rates = "document.querySelector('[data-testid=pipeline-rates]').dataset"
    page.wait_for_function(f"() => Number({rates}.frames) >= 10", timeout=WAIT_MS)
    frames, runs = page.evaluate(f"() => [Number({rates}.frames), Number({rates}.detectorRuns)]")
    assert runs == frames
    page.click("[data-testid=stop]")
    page.wait_for_selector("[data-testid=summary]:not([hidden])", timeout=WAIT_MS)
    page.reload()
    page.wait_for_selector("body[data-monitor-ready=yes]")
    assert page.is_checked("[data-testid=cadence-toggle]") is False


def test_a_camera_that_cannot_be_opened_leaves_no_picture_or_zones_behind(live_server, webcam_page):
    """Opening an IP camera whose address does not resolve, after a webcam with a line drawn:
    the stage kept the webcam's picture and line under the broken camera's name, with the
    drawing tools on (and Save zones off), as if the picked camera were showing."""
    page = webcam_page
    register_and_login(page, live_server.url, "switcher")
    open_webcam(page, live_server.url, "hall")
    page.click("[data-testid=tool-line]")
    drag(page, (100, 100), (300, 400))
    set_field(page, "zone-name", "Hall door")
    assert "Hall door" in page.inner_text("[data-testid=totals]")
    assert add_ip_camera(page, "Broken cam", "http://camera.invalid/video.mjpg") == 201
    page.click("[data-testid=tab-ipcam]")
    page.wait_for_function("() => document.getElementById('open-ipcam').disabled === false")
    page.click("#open-ipcam")
    page.wait_for_function("() => /could not be resolved/.test(document.getElementById('status-area').innerText)",
                           timeout=WAIT_MS)
    state = page.evaluate("""() => ({
        placeholder: document.getElementById('stage-placeholder').hidden,
        tools: [...document.querySelectorAll('#editor-toolbar [data-tool]')].filter((b) => !b.disabled).map((b) => b.textContent),
        totals: document.querySelector('[data-testid=totals]').innerText,
        start: document.querySelector('[data-testid=start]').disabled })""")
    assert state == {"placeholder": False, "tools": [], "start": True,
                     "totals": "Draw a line or a zone on the video to count."}, state
