"""My videos end to end: upload with progress, list, play, count the whole video frame by
frame on the monitor (real model), delete."""
from __future__ import annotations

import re
from pathlib import Path

from tests.e2e.monitor_helpers import WAIT_MS, database_rows, drag, register_and_login, set_field
from tools.harness import SHARED_DATA, probe_video

CLIP = SHARED_DATA / "TUD-Campus" / "TUD-Campus.mp4"


def test_upload_play_process_whole_video_and_delete(live_server, page, artifacts):
    register_and_login(page, live_server.url, "uploader")
    model_answers = []  # (status, bytes) of every model weights request
    page.on("response", lambda response: model_answers.append(response.status) if "/static/models/" in response.url
            and response.url.endswith((".onnx", ".tflite")) else None)
    page.goto(f"{live_server.url}/videos")
    page.wait_for_selector("text=No videos yet.")

    page.set_input_files("[data-testid=upload-file]", str(CLIP))
    page.wait_for_function("() => document.querySelector('[data-testid=video-row]')"
                           " || document.getElementById('status-area').dataset.kind === 'error'",
                           timeout=WAIT_MS)
    assert "Uploaded “TUD-Campus.mp4”" in page.inner_text("#status-area")
    row = page.locator("[data-testid=video-row]")
    assert "TUD-Campus.mp4" in row.inner_text()
    assert "640×480" in row.inner_text()
    page.screenshot(path=str(artifacts / "videos.png"))

    # Play: the dialog opens and the browser decodes the uploaded file (HTTP Range).
    row.get_by_role("button", name="Play").click()
    page.wait_for_function("() => document.getElementById('player').readyState >= 2", timeout=WAIT_MS)
    assert page.is_visible("#player-dialog")
    page.click("#player-close")

    # Count it: the monitor opens the video; every frame is processed.
    row.get_by_role("link", name="Count").click()
    page.wait_for_url("**/monitor**", timeout=WAIT_MS)  # the predicate below reads the new page
    page.wait_for_function("() => document.getElementById('stage-placeholder')?.hidden === true", timeout=WAIT_MS)
    page.wait_for_selector("[data-testid=process-whole]:not([disabled])", timeout=WAIT_MS)
    # Counting can start only once the detector is ready (issue 14, item 9).
    assert page.inner_text("[data-testid=detector-info]").startswith("Detector ready")
    assert page.is_hidden("[data-testid=model-progress]")
    page.click("[data-testid=process-whole]")
    # While it runs: elapsed, the time left and the speed once measured, never "0.0 frames/s".
    page.wait_for_function("() => document.getElementById('progress-label').textContent.includes('frames/s')",
                           timeout=WAIT_MS)
    assert re.search(r"\d+ % · \d+:\d\d elapsed · about \d+:\d\d left · \d+\.\d frames/s",
                     page.inner_text("#progress-label"))
    page.screenshot(path=str(artifacts / "monitor-whole-video-running.png"))
    page.wait_for_selector("[data-testid=summary]:not([hidden])", timeout=WAIT_MS)
    assert page.evaluate("document.getElementById('progress-bar').value") == 1
    frames_tile = page.inner_text("[data-stat=frames]")
    frames = probe_video(CLIP).frames
    assert int(re.search(r"\d+", frames_tile).group()) == frames
    assert "Whole video · finished" in page.inner_text("#summary-meta")
    # The pipeline's speed sits beside the detector line (issue 18), never "0.0 frames/s".
    rates = page.inner_text("[data-testid=pipeline-rates]")
    assert re.search(r"\d+\.\d frames/s", rates) and "0.0 frames/s" not in rates, rates
    # A finished run says so (not "Stopped"), and nobody is "in view" any more.
    status = page.inner_text("#status-area")
    assert f"Finished: every one of the {frames} frames counted" in status and "Stopped" not in status
    assert page.inner_text("[data-testid=run-state]") == "Finished"
    assert page.inner_text("[data-testid=kpi-people]") == "–"
    page.screenshot(path=str(artifacts / "monitor-whole-video-finished.png"), full_page=True)

    # The next visit takes the model from the browser: one conditional request, answered 304.
    assert model_answers == [200]
    page.reload()
    page.wait_for_function("() => document.getElementById('stage-placeholder')?.hidden === true", timeout=WAIT_MS)
    page.wait_for_selector("[data-testid=process-whole]:not([disabled])", timeout=WAIT_MS)
    assert model_answers == [200, 304]

    # Delete (asks once more), then the list is empty and the file is gone.
    page.goto(f"{live_server.url}/videos")
    upload_dir = Path(live_server.app.config["UPLOAD_DIR"])
    stored = list(upload_dir.rglob("*"))
    assert any(path.is_file() for path in stored)
    page.click("[data-testid=delete-video]")
    page.click("[data-testid=delete-video]:has-text('Really delete?')")
    page.wait_for_selector("text=No videos yet.")
    assert not any(path.is_file() for path in upload_dir.rglob("*"))


def test_local_file_is_counted_in_the_browser_and_never_uploaded(live_server, page):
    register_and_login(page, live_server.url, "localfiles")
    page.goto(f"{live_server.url}/monitor")
    page.wait_for_selector("body[data-monitor-ready=yes]")
    page.click("[data-source-tab=file]")
    page.set_input_files("[data-testid=file-input]", str(CLIP))
    page.wait_for_function("() => document.getElementById('stage-placeholder')?.hidden === true", timeout=WAIT_MS)
    # A zone on a file from this computer is never saved; its name still reaches the server.
    page.click("[data-testid=tool-rectangle]")
    drag(page, (40, 220), (600, 470))
    set_field(page, "zone-name", "Pavement")
    # The smallest exported model, picked by the operator, is the one that runs.
    page.select_option("[data-testid=model-select]", "320")
    page.wait_for_function("() => document.querySelector('[data-testid=detector-info]').textContent.includes('320 px')",
                           timeout=WAIT_MS)
    page.wait_for_selector("[data-testid=process-whole]:not([disabled])")
    page.click("[data-testid=process-whole]")
    page.wait_for_selector("[data-testid=summary]:not([hidden])", timeout=WAIT_MS)
    # The frame rate was measured from the file itself: every one of its frames was counted.
    assert int(re.search(r"\d+", page.inner_text("[data-stat=frames]")).group()) == probe_video(CLIP).frames
    page.wait_for_function("() => document.querySelector('[data-testid=connection-state]')"
                           ".dataset.queuedBatches === '0'", timeout=WAIT_MS)
    # Played at normal speed: counted until the video ends by itself.
    page.click("[data-testid=start]")
    page.wait_for_function("() => document.getElementById('summary-meta').textContent.startsWith('Live · finished')",
                           timeout=WAIT_MS)
    page.wait_for_function("() => document.querySelector('[data-testid=connection-state]')"
                           ".dataset.queuedBatches === '0'", timeout=WAIT_MS)

    assert database_rows(live_server.app, "SELECT COUNT(*) FROM videos")[0][0] == 0
    runs = database_rows(live_server.app, "SELECT source_kind, label FROM runs")
    assert [(run.source_kind, run.label) for run in runs] == [("file", "TUD-Campus.mp4")] * 2
    # The dashboard, CSV and charts name the unsaved zone as the monitor did, not "draft-1".
    run_id = database_rows(live_server.app, "SELECT MAX(id) FROM runs")[0][0]
    zones = page.request.get(f"{live_server.url}/api/runs/{run_id}/stats").json()["zones"]
    assert [(zone["name"], zone["kind"]) for zone in zones if zone["zone_key"].startswith("draft-")] == \
        [("Pavement", "polygon")]
