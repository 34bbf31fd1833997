"""A session that counted only the people in view (no line, band or zone) showed the
dashboard's crossings chart as empty axes with no word of why; it says so now, and the chart
comes back for a session with a line. Likewise the occupancy chart of a session of lines only."""
from __future__ import annotations

import uuid

import pytest

from tests.e2e.monitor_helpers import register_and_login
from tests.e2e.test_dashboard import post_json

pytestmark = pytest.mark.e2e


def session(page, samples: list[dict]) -> int:
    run = post_json(page, "/api/runs", {"client_run_id": str(uuid.uuid4()), "source_kind": "webcam",
                                        "camera_key": "north"})["body"]
    assert post_json(page, f"/api/runs/{run['id']}/batches", {
        "batch_id": str(uuid.uuid4()), "samples": samples, "events": []})["status"] == 201
    return run["id"]


def test_a_session_without_lines_or_zones_says_why_its_crossings_chart_is_empty(live_server, page):
    register_and_login(page, live_server.url, "emptychart")
    page.goto(f"{live_server.url}/dashboard")
    frame_only = session(page, [{"ts": "2026-03-01T10:00:00Z", "zone_key": "frame", "occupancy": 2,
                                 "entries": 0, "exits": 0}])
    with_line = session(page, [{"ts": "2026-03-01T10:00:00Z", "zone_key": "line-1", "occupancy": 0,
                                "entries": 3, "exits": 1}])
    page.goto(f"{live_server.url}/dashboard?run={frame_only}")
    page.wait_for_selector("[data-testid=flow-chart-empty]", state="visible")
    assert "No lines, bands or zones in this session" in page.inner_text("[data-testid=flow-chart-empty]")
    assert page.is_hidden("#flow-chart-box")
    assert page.is_visible("#occupancy-chart-box")
    page.goto(f"{live_server.url}/dashboard?run={with_line}")
    page.wait_for_selector("#flow-chart-box", state="visible")
    assert page.is_hidden("[data-testid=flow-chart-empty]")
    # lines only: no occupancy, said as the chart image says it
    page.wait_for_selector("[data-testid=occupancy-chart-empty]", state="visible")
    assert page.is_hidden("#occupancy-chart-box")
