"""One meaning per figure: a session recorded with the app's own counting code (the monitor's
engine and reporter, run by node) reads the same line in / out, zone entered / left on the
live panel, the stats API, both CSVs and the chart images. And chart axes that fit the data
at any duration, with a reason on an empty chart."""
from __future__ import annotations

import csv
import io
import json
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from matplotlib.dates import num2date

from backend.db import transaction
from backend.services import analytics, charts
from tests.backend.conftest import sample

RECORDER = Path(__file__).with_name("record_session.mjs")
FIGURES = ("line_in", "line_out", "zone_entered", "zone_left")


@pytest.fixture(scope="module")
def recorded() -> dict:
    out = subprocess.run(["node", str(RECORDER)], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def csv_rows(user, url: str) -> list[dict]:
    response = user.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def chart_frame_and_keys(app, run_id: int, tz: ZoneInfo, bucket=None):
    with app.app_context(), transaction() as conn:
        frame = analytics.chart_frame(conn, [run_id], tz, bucket)
        keys = {z["zone_key"]: {"name": z["name"], "figure": z["figure"]}
                for z in analytics.zone_rows(conn, [run_id])}
    return frame, keys


def final_values(figure) -> dict[str, float]:
    return {line.get_label(): line.get_ydata()[-1] for line in figure.axes[0].get_lines()}


def test_every_screen_reads_the_same_figures_of_one_session(app, alice, recorded):
    live = recorded["live"]
    expected = {"line_in": live["lines"]["line-door"]["in"],
                "line_out": live["lines"]["line-door"]["out"],
                "zone_entered": live["zones"]["draft-shop"]["entries"],
                "zone_left": live["zones"]["draft-shop"]["exits"]}
    assert expected == {"line_in": 1, "line_out": 1, "zone_entered": 2, "zone_left": 2}
    run = alice.create_run()
    assert alice.post(f"/api/runs/{run['id']}/batches",
                      json=recorded["batch"]).status_code == 201

    stats = alice.get(f"/api/runs/{run['id']}/stats?bucket=1m").get_json()
    assert {name: stats["totals"][name] for name in FIGURES} == expected
    zones = {z["zone_key"]: z for z in stats["zones"]}
    assert (zones["line-door"]["figure"], zones["draft-shop"]["figure"],
            zones["frame"]["figure"]) == ("line", "zone", "frame")
    assert {name: sum(b[name] or 0 for b in stats["buckets"]) for name in FIGURES} == expected

    buckets = csv_rows(alice, f"/api/runs/{run['id']}/export.csv?bucket=1m")
    assert {name: sum(int(r[name] or 0) for r in buckets) for name in FIGURES} == expected

    # The events CSV: one row per crossing as it happened; a crossing back that undid an
    # earlier count says so (cancel_in), so in rows - cancel_in rows is the net line in.
    events = csv_rows(alice, f"/api/runs/{run['id']}/export.csv?kind=events")
    kinds = [r["kind"] for r in events if r["zone_key"] == "line-door"]
    assert kinds.count("cancel_in") == 1
    assert kinds.count("in") - kinds.count("cancel_in") == expected["line_in"]
    assert kinds.count("out") - kinds.count("cancel_out") == expected["line_out"]
    zone_kinds = [r["kind"] for r in events if r["zone_key"] == "draft-shop"]
    assert (zone_kinds.count("enter"), zone_kinds.count("leave")) == (2, 2)

    tz = ZoneInfo("UTC")
    frame, keys = chart_frame_and_keys(app, run["id"], tz)
    cumulative = final_values(charts.cumulative_figure(frame, keys, tz))
    assert cumulative == {"line-door in": 1, "line-door out": 1,
                          "draft-shop entered": 2, "draft-shop left": 2}
    hourly, keys = chart_frame_and_keys(app, run["id"], tz, "1h")
    bars = {container.get_label(): sum(p.get_height() for p in container.patches)
            for container in charts.hourly_figure(hourly, keys, tz).axes[0].containers}
    assert bars == {"Line in": 1, "Line out": 1, "Zone entered": 2, "Zone left": 2}


def test_a_line_has_no_occupancy_on_any_screen(alice, recorded):
    """The dashboard shows '–' for a line's now and peak; the stats API said 0 and 0, and the
    CSV per interval gave the line avg_occupancy 0.0 and max_occupancy 0 (a report read
    'nobody at the door'), from the monitor's samples of the line."""
    run = alice.create_run()
    assert alice.post(f"/api/runs/{run['id']}/batches",
                      json=recorded["batch"]).status_code == 201
    stats = alice.get(f"/api/runs/{run['id']}/stats?bucket=1m").get_json()
    zones = {z["zone_key"]: z for z in stats["zones"]}
    assert zones["line-door"]["samples"] > 0  # the monitor did sample the line
    assert (zones["line-door"]["current_occupancy"], zones["line-door"]["peak_occupancy"]) == \
        (None, None)
    assert zones["draft-shop"]["peak_occupancy"] is not None
    line_buckets = [b for b in stats["buckets"] if b["zone_key"] == "line-door"]
    assert line_buckets and all(b["avg_occupancy"] is None and b["max_occupancy"] is None
                                for b in line_buckets)
    rows = csv_rows(alice, f"/api/runs/{run['id']}/export.csv?bucket=1m")
    line_rows = [r for r in rows if r["zone_key"] == "line-door"]
    assert line_rows and all(r["avg_occupancy"] == r["max_occupancy"] == "" for r in line_rows)
    assert all(r["max_occupancy"] != "" for r in rows if r["zone_key"] == "draft-shop")


def x_span(figure) -> timedelta:
    low, high = figure.axes[0].get_xlim()
    return num2date(high) - num2date(low)


@pytest.mark.parametrize("duration", [timedelta(seconds=3), timedelta(minutes=10),
                                      timedelta(hours=5), timedelta(days=9)])
def test_chart_axes_fit_the_data_from_seconds_to_weeks(app, alice, duration):
    run = alice.create_run()
    start = datetime(2026, 3, 1, 10, tzinfo=timezone.utc)
    steps = 6
    rows = []
    for i in range(steps + 1):
        ts = (start + duration * i / steps).isoformat(timespec="milliseconds")
        rows += [sample(ts.replace("+00:00", "Z"), "zone-line", entries=1),
                 sample(ts.replace("+00:00", "Z"), "frame", occupancy=i % 3 + 1)]
    assert alice.post_batch(run["id"], rows, [
        {"ts": rows[0]["ts"], "zone_key": "zone-line", "kind": "in"}]).status_code == 201
    tz = ZoneInfo("Europe/Berlin")
    frame, keys = chart_frame_and_keys(app, run["id"], tz)
    for figure in (charts.cumulative_figure(frame, keys, tz),
                   charts.occupancy_figure(frame, keys, tz)):
        span = x_span(figure)
        # The axis covers the data and at most a little more (not years around 3 seconds).
        assert duration <= span <= duration * 1.2 + timedelta(seconds=3), (duration, span)
        assert len(figure.axes[0].get_xticks()) >= 2
    steps_drawn = charts.cumulative_figure(frame, keys, tz).axes[0].get_lines()[0].get_ydata()
    assert len(set(steps_drawn)) >= 4  # a staircase over time, not one vertical jump


def test_an_empty_chart_says_why(app, alice):
    run = alice.create_run()
    tz = ZoneInfo("UTC")
    frame, keys = chart_frame_and_keys(app, run["id"], tz)
    texts = [t.get_text() for t in charts.cumulative_figure(frame, keys, tz).axes[0].texts]
    assert texts == [charts.NO_COUNTS]
    alice.post_batch(run["id"], [sample("2026-03-01T10:00:00Z", "frame", occupancy=2)])
    frame, keys = chart_frame_and_keys(app, run["id"], tz)
    texts = [t.get_text() for t in charts.cumulative_figure(frame, keys, tz).axes[0].texts]
    assert texts == [charts.NO_FLOW]
    assert not charts.occupancy_figure(frame, keys, tz).axes[0].texts


def test_an_occupancy_chart_of_lines_only_says_why_it_is_empty(app, alice):
    """A session of lines only drew empty occupancy axes (and warned of a legend of
    nothing)."""
    import warnings

    run = alice.create_run()
    alice.post_batch(run["id"], [sample("2026-03-01T10:00:00Z", "line-1", entries=3, exits=1)])
    tz = ZoneInfo("UTC")
    frame, keys = chart_frame_and_keys(app, run["id"], tz)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        figure = charts.occupancy_figure(frame, keys, tz)
    assert [t.get_text() for t in figure.axes[0].texts] == [charts.NO_OCCUPANCY]


def test_the_cumulative_chart_of_an_ended_run_reaches_its_last_count(alice):
    run = alice.create_run()
    alice.post_batch(run["id"], [sample("2026-03-01T10:00:00Z", "zone-line", entries=1)],
                     [{"ts": "2026-03-01T10:00:09Z", "zone_key": "zone-line", "kind": "in"}])
    assert alice.patch(f"/api/runs/{run['id']}", json={"ended": True}).status_code == 200
    response = alice.get(f"/api/runs/{run['id']}/charts/cumulative.png")
    assert response.status_code == 200 and response.mimetype == "image/png"
