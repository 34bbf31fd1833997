"""The monitor end to end, in Debian's Chromium with a real clip as the fake webcam and the
real model, as one session run step by step: draw a zone and a line with the mouse, calibrate
the floor, count, see an alert, lose the server for a while, get every sample into the database
exactly once, download the CSV, reload and find the zones, open the dashboard. Each test checks
its own steps, so one failure does not hide the others."""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from tests.e2e.monitor_helpers import (COLOURED_FLOOR_CELLS, WAIT_MS, database_rows, draw_zone_and_line,  # noqa: F401
                                       frame_point, open_webcam, register_and_login, webcam_clip)
from tools.harness import REPO, LiveServer, launch_chromium, make_app, open_page

pytestmark = pytest.mark.e2e
ARTIFACTS = REPO / "test-artifacts"
FIGURES = ("line_in", "line_out", "zone_entered", "zone_left")
# Where each screen shows the four figures (element ids).
FIGURE_ELEMENTS = {
    "live panel": {"line_in": "kpi-in", "line_out": "kpi-out", "zone_entered": "kpi-zone-entered",
                   "zone_left": "kpi-zone-left"},
    "dashboard": {name: f"kpi-{name}" for name in FIGURES},
}


CONNECTION = "document.querySelector('[data-testid=connection-state]').dataset"
# Does the camera picture change within 3 s (the preview draws the webcam's new frames)?
PICTURE_MOVES = """async () => {
    const canvas = document.getElementById('frame-canvas');
    const pixels = () => canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data.join(',');
    const before = pixels();
    for (let i = 0; i < 30; i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        if (pixels() !== before) return true;
    }
    return false;
}"""


class Scenario:
    """One monitor session run step by step. A failing step is recorded (with a screenshot)
    and the run goes on with the steps that do not need it, so one early failure does not
    hide the rest; each test below asserts on its own steps."""

    def __init__(self, page, server, artifacts: Path) -> None:
        self.page, self.server, self.artifacts = page, server, artifacts
        self.failures: dict[str, str] = {}
        self.done: set[str] = set()
        self.values: dict = {}

    def run(self, name: str, action, needs: tuple[str, ...] = ()) -> None:
        missing = [need for need in needs if need not in self.done]
        if missing:
            self.failures[name] = f"not tried: it needs {', '.join(missing)}"
            return
        try:
            action()
            self.done.add(name)
        except Exception as error:  # recorded; the test of this step reports it
            self.failures[name] = f"{type(error).__name__}: {error}"
            self.page.screenshot(path=str(self.artifacts / f"monitor-failed-{name.replace(' ', '-')}.png"))

    def require(self, *names: str) -> None:
        problems = [f"{name}: {self.failures.get(name, 'not run')}" for name in names if name not in self.done]
        assert not problems, "; ".join(problems)

    def connection(self, field: str) -> str:
        return self.page.evaluate(f"{CONNECTION}.{field}")


@pytest.fixture(scope="module")
def monitor_server(tmp_path_factory):
    server = LiveServer(make_app(tmp_path_factory.mktemp("monitor-server"))).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def scenario(playwright_instance, webcam_clip, monitor_server):
    """Register, draw a zone and a line on the fake webcam, calibrate the floor, count, lose
    the server for a while, stop, download the CSV, reload, open the dashboard."""
    ARTIFACTS.mkdir(exist_ok=True)
    browser = launch_chromium(playwright_instance, [
        "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-video-capture={webcam_clip}"])
    context, page = open_page(browser)
    run = Scenario(page, monitor_server, ARTIFACTS)
    url = monitor_server.url

    def open_camera():
        register_and_login(page, url)
        open_webcam(page, url, "front-door")

    def save_zones():
        draw_zone_and_line(page)
        page.click("[data-testid=save-zones]")
        page.wait_for_function("() => document.getElementById('status-area').textContent.includes('Saved 2 zones')")
        run.values["zones"] = database_rows(monitor_server.app, "SELECT id, name, kind, camera_key FROM zones ORDER BY id")

    def calibrate_floor():
        # Four floor corners clicked on the picture, 6 m x 10 m; heatmap layer on.
        page.click("[data-testid=calibrate-floor]")
        for corner in [(60, 470), (600, 470), (470, 230), (160, 230)]:
            page.mouse.click(*frame_point(page, *corner))
        page.fill("#floor-width", "6")
        page.fill("#floor-depth", "10")
        page.click("#floor-apply")
        run.values["floor status"] = page.inner_text("#status-area")
        page.click("#layers-menu summary")
        page.check("[data-testid=layer-heatmap]")
        page.click("#layers-menu summary")

    def start_counting():
        page.click("[data-testid=start]")
        page.wait_for_function("() => Number(document.getElementById('kpi-people').textContent) > 0", timeout=WAIT_MS)

    def see_cadence():
        # The monitor's default: the pipeline's detector cadence. Once 40 frames went through
        # the pipeline, the detector has run on fewer of them, and the page says so.
        rates = "document.querySelector('[data-testid=pipeline-rates]').dataset"
        page.wait_for_function(f"() => Number({rates}.frames) >= 40", timeout=WAIT_MS)
        run.values["cadence"] = page.evaluate(f"() => ({{ frames: Number({rates}.frames), runs: Number({rates}.detectorRuns),"
                                              f" text: document.querySelector('[data-testid=pipeline-rates]').textContent,"
                                              f" toggle: document.querySelector('[data-testid=cadence-toggle]').checked,"
                                              f" toggleDisabled: document.querySelector('[data-testid=cadence-toggle]').disabled }})")

    def see_alert():
        page.wait_for_selector("[data-testid=alert-entry]", timeout=WAIT_MS)
        run.values["alert banner"] = page.inner_text("[data-testid=alert-banner]") if page.is_visible("[data-testid=alert-banner]") else ""

    def see_crossing():
        page.wait_for_function("() => Number(document.getElementById('kpi-in').textContent)"
                               " + Number(document.getElementById('kpi-out').textContent) > 0", timeout=WAIT_MS)

    def send_samples():
        page.wait_for_function(f"() => Number({CONNECTION}.sentSamples) > 0", timeout=WAIT_MS)

    def fill_floor_heatmap():
        page.wait_for_function(COLOURED_FLOOR_CELLS, timeout=WAIT_MS)

    def go_offline():
        monitor_server.stop()
        page.wait_for_function(f"() => {CONNECTION}.online === 'false'", timeout=WAIT_MS)
        page.wait_for_function(f"() => Number({CONNECTION}.queuedBatches) >= 2", timeout=WAIT_MS)
        run.values["offline text"] = page.inner_text("[data-testid=connection-state]")
        page.screenshot(path=str(ARTIFACTS / "monitor-offline.png"))

    def come_back():
        monitor_server.start()
        page.wait_for_function(f"() => {CONNECTION}.queuedBatches === '0'", timeout=WAIT_MS)
        # A few more live batches after the outage.
        sent = int(run.connection("sentSamples"))
        page.wait_for_function(f"() => Number({CONNECTION}.sentSamples) > {sent}", timeout=WAIT_MS)
        page.screenshot(path=str(ARTIFACTS / "monitor.png"))

    def stop_counting():
        if monitor_server._server is None:  # the outage step failed half-way
            monitor_server.start()
        zone_row = page.locator("tr[data-testid=totals-row]:has([data-testid=occupancy])")
        run.values["zone left, dwell (page)"] = (int(zone_row.locator("[data-testid=zone-left]").inner_text()),
                                                  zone_row.locator("td").last.inner_text())
        page.click("[data-testid=stop]")
        page.wait_for_selector("[data-testid=summary]:not([hidden])", timeout=WAIT_MS)
        run.values["dwell after stop (page)"] = zone_row.locator("td").last.inner_text()
        run.values["alert log"] = page.locator("[data-testid=alert-entry]").evaluate_all(
            "(entries) => entries.map((entry) => entry.classList.contains('alert-start') ? 'start' : 'end')")
        page.wait_for_function(f"() => {CONNECTION}.queuedBatches === '0'", timeout=WAIT_MS)
        run.values["made"] = int(page.get_attribute("[data-testid=summary]", "data-samples"))
        run.values["run id"] = int(page.get_attribute("[data-testid=summary]", "data-run-id"))
        run.values["acknowledged"] = int(run.connection("sentSamples"))
        run.values["line in (page)"] = int(page.inner_text(".summary-line strong").split(" in")[0])
        run.values["figures (live panel)"] = {name: int(page.inner_text(f"#{element}")) for name, element in FIGURE_ELEMENTS["live panel"].items()}
        run.values["in view after stop"] = page.inner_text("[data-testid=kpi-people]")
        run.values["peak in a zone (live panel)"] = int(page.inner_text("#kpi-peak"))
        run.values["picture moves after stop"] = page.evaluate(PICTURE_MOVES)

    def download_csv():
        with page.expect_download() as download_info:
            page.click("[data-testid=csv-link]")
        run.values["csv"] = list(csv.DictReader(io.StringIO(Path(download_info.value.path()).read_text())))

    def reload_zones():
        page.reload()
        open_webcam(page, url, "front-door")
        page.wait_for_function("() => document.getElementById('status-area').textContent.includes('2 saved zones loaded')")
        run.values["listed zones"] = page.locator("[data-testid=totals-row] td:first-child").all_inner_texts()
        page.click("[data-testid=tool-select]")
        page.mouse.click(*frame_point(page, 300, 400))
        run.values["picked zone"] = (page.input_value("[data-testid=zone-name]"), page.input_value("[data-testid=zone-threshold]"))

    def open_dashboard():
        page.goto(f"{url}/dashboard?run={run.values['run id']}")
        page.wait_for_selector("body[data-dashboard-ready=yes]")
        page.wait_for_selector("#zone-table tr")
        page.wait_for_function("() => [...document.querySelectorAll('#server-charts img')]"
                               ".every((image) => image.complete && image.naturalWidth > 0)")
        page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)
        run.values["dashboard samples"] = page.inner_text("#kpi-samples")
        run.values["figures (dashboard)"] = {name: int(page.inner_text(f"#{element}")) for name, element in FIGURE_ELEMENTS["dashboard"].items()}
        run.values["live state"] = page.inner_text("[data-testid=live-state]")
        run_id = run.values["run id"]
        run.values["stats"] = page.evaluate(f"fetch('/api/runs/{run_id}/stats?bucket=1m').then((r) => r.json())")
        run.values["events csv"] = list(csv.DictReader(io.StringIO(page.evaluate(
            f"fetch('/api/runs/{run_id}/export.csv?kind=events').then((r) => r.text())"))))

    steps = [  # (name, action, the steps it needs)
        ("open", open_camera, ()), ("save zones", save_zones, ("open",)), ("floor", calibrate_floor, ("open",)),
        ("count", start_counting, ("save zones",)), ("cadence", see_cadence, ("count",)), ("alert", see_alert, ("count",)),
        ("crossing", see_crossing, ("count",)), ("samples sent", send_samples, ("count",)),
        ("floor heat", fill_floor_heatmap, ("count", "floor")), ("offline", go_offline, ("samples sent",)),
        ("back online", come_back, ("offline",)), ("stop", stop_counting, ("count",)),
        ("csv", download_csv, ("stop",)), ("reload", reload_zones, ("save zones",)),
        ("dashboard", open_dashboard, ("stop",)),
    ]
    for name, action, needs in steps:
        run.run(name, action, needs)
    yield run
    context.close()
    browser.close()


def test_zones_drawn_with_the_mouse_are_saved_for_the_camera(scenario):
    scenario.require("save zones")
    zones = scenario.values["zones"]
    assert [(z.name, z.kind, z.camera_key) for z in zones] == [
        ("Pavement", "polygon", "front-door"), ("Shop door", "line", "front-door")]


def test_counting_shows_people_a_crossing_and_an_alert(scenario):
    scenario.require("count", "alert", "crossing")
    assert "Pavement" in scenario.values["alert banner"]


def test_the_monitor_skips_the_detector_where_the_tracker_follows_people(scenario):
    scenario.require("count", "cadence")
    cadence = scenario.values["cadence"]
    assert cadence["toggle"] is True, "the cadence is on by default"
    assert cadence["toggleDisabled"] is True, "it cannot be switched while counting"
    assert 0 < cadence["runs"] < cadence["frames"], cadence
    assert "frames/s" in cadence["text"] and "runs/s" in cadence["text"], cadence["text"]


def test_floor_plan_fills_with_foot_points(scenario):
    scenario.require("floor", "floor heat")
    assert "Floor plan set: 6 m × 10 m" in scenario.values["floor status"]


def test_batches_wait_while_the_server_is_away_and_go_when_it_is_back(scenario):
    scenario.require("offline", "back online")
    assert "Offline" in scenario.values["offline text"]


def test_every_sample_the_page_made_is_stored_exactly_once(scenario):
    scenario.require("stop")
    app, run_id, made = scenario.server.app, scenario.values["run id"], scenario.values["made"]
    stored = database_rows(app, "SELECT COUNT(*) FROM count_samples WHERE run_id = :run", run=run_id)[0][0]
    doubled = database_rows(app, "SELECT zone_key, ts, COUNT(*) FROM count_samples "
                            "WHERE run_id = :run GROUP BY zone_key, ts HAVING COUNT(*) > 1", run=run_id)
    assert made > 0
    assert stored == made == scenario.values["acknowledged"]
    assert doubled == []


def test_the_alert_and_the_line_counts_reach_the_database(scenario):
    scenario.require("save zones", "alert", "stop")
    app, run_id, zones = scenario.server.app, scenario.values["run id"], scenario.values["zones"]
    alerts = database_rows(app, "SELECT zone_key, threshold FROM alerts WHERE run_id = :run", run=run_id)
    assert (f"zone-{zones[0].id}", 1) in [(a.zone_key, a.threshold) for a in alerts]
    line_in_db = database_rows(app, "SELECT COALESCE(SUM(entries), 0) FROM count_samples "
                               "WHERE run_id = :run AND zone_key = :key", run=run_id, key=f"zone-{zones[1].id}")[0][0]
    assert line_in_db == scenario.values["line in (page)"]


def test_the_live_panel_follows_every_detector_run_dwell_and_alert_log(scenario):
    """Live with the detector cadence a run's result enters the pipeline between the frames
    shown: its events (visits ended, alerts started and ended) reach the panel all the same,
    so the average dwell is shown and the alert log lists what the database holds."""
    scenario.require("save zones", "alert", "stop")
    left, dwell = scenario.values["zone left, dwell (page)"]
    assert left > 0 and dwell.endswith(" s"), f"{left} visits ended but the dwell cell shows {dwell!r}"
    app, run_id = scenario.server.app, scenario.values["run id"]
    alerts = database_rows(app, "SELECT COUNT(*), SUM(ended_at IS NOT NULL) FROM alerts WHERE run_id = :run", run=run_id)[0]
    log = scenario.values["alert log"]
    assert (log.count("start"), log.count("end")) == (alerts[0], alerts[1]), (log, alerts)
    if "dashboard" in scenario.done:   # the server's average dwell of the zone, from the same visits
        [zone] = [z for z in scenario.values["stats"]["zones"] if z["zone_key"] == f"zone-{scenario.values['zones'][0].id}"]
        page_dwell = float(scenario.values["dwell after stop (page)"].removesuffix(" s"))
        assert abs(page_dwell - zone["avg_dwell_s"]) <= 0.051, (page_dwell, zone["avg_dwell_s"])


def test_every_screen_shows_the_same_figures_of_the_session(scenario):
    """Line in / out and zone entered / left: the monitor's live panel, the dashboard, the
    stats API, the bucket CSV and the events CSV of the one recorded session agree."""
    scenario.require("stop", "csv", "dashboard")
    live = scenario.values["figures (live panel)"]
    assert live == scenario.values["figures (dashboard)"]
    assert live == {name: scenario.values["stats"]["totals"][name] for name in FIGURES}
    buckets = scenario.values["csv"]
    assert live == {name: sum(int(row[name] or 0) for row in buckets) for name in FIGURES}
    events = scenario.values["events csv"]
    kinds = {kind: sum(1 for row in events if row["kind"] == kind)
             for kind in ("in", "out", "cancel_in", "cancel_out", "enter", "leave")}
    assert (kinds["in"] - kinds["cancel_in"], kinds["out"] - kinds["cancel_out"]) == \
        (live["line_in"], live["line_out"])
    assert (kinds["enter"], kinds["leave"]) == (live["zone_entered"], live["zone_left"])
    assert live["zone_entered"] > 0 and live["line_in"] + live["line_out"] > 0
    # Honest status: nobody "in view" after Stop, and the ended session is not "Live".
    assert scenario.values["in view after stop"] == "–"
    assert scenario.values["live state"] == "Ended"
    # The peak the panel saw on every frame is the server's, not the once-a-second samples' one.
    assert scenario.values["peak in a zone (live panel)"] == scenario.values["stats"]["totals"]["peak_occupancy"]
    # After Stop the camera picture moves again: no frozen frame still showing people "inside".
    assert scenario.values["picture moves after stop"] is True


def test_the_session_csv_has_a_row_per_zone_per_minute(scenario):
    scenario.require("save zones", "stop", "csv")
    rows, zones = scenario.values["csv"], scenario.values["zones"]
    line_key = f"zone-{zones[1].id}"
    assert rows and {"time_utc", "time_local", "zone_key", "line_in", "line_out", "zone_entered",
                     "zone_left"} <= set(rows[0])
    assert all(row["time_utc"].endswith("Z") for row in rows)
    assert sum(int(row["line_in"]) for row in rows if row["zone_key"] == line_key) == scenario.values["line in (page)"]
    assert {row["zone_key"] for row in rows} >= {"frame", line_key, f"zone-{zones[0].id}"}


def test_the_zones_come_back_after_a_reload(scenario):
    scenario.require("reload")
    assert sorted(scenario.values["listed zones"]) == ["Pavement", "Shop door"]
    assert scenario.values["picked zone"] == ("Pavement", "1")


def test_the_dashboard_shows_the_session(scenario):
    scenario.require("stop", "dashboard")
    assert scenario.values["dashboard samples"] == str(scenario.values["made"])
