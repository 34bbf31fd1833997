"""The counting station's status page (backend/station/status.py) with a station's state
made by hand: it says "count readings", as the monitor's badge and the dashboard do (an
operator does not know what a "sample" is). The real station process is driven in
tests/e2e/test_station.py."""
from __future__ import annotations

import re
import time

from backend.station.status import create_status_app


class FakeStation:
    def __init__(self) -> None:
        self.started_at = time.time() - 60

    def public(self) -> dict:
        return {"server": "http://127.0.0.1:5000", "started_at": self.started_at,
                "browser_restarts": 0, "browser_pid": None, "cameras": [{
                    "camera_id": 7, "name": "Door", "state": "counting", "camera": "online",
                    "frames": 1234, "fps": 4.5, "samples": 321, "events": 2,
                    "last_sample_at": (time.time() - 2) * 1000, "run_id": 42,
                    "queued_batches": 0, "restarts": 1, "error": None}]}


def test_the_status_page_says_count_readings_not_samples():
    page = create_status_app(FakeStation()).test_client().get("/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    headers = re.findall(r"<th[^>]*>([^<]*)</th>", html)
    assert "Count readings" in headers and "Last count reading" in headers, headers
    assert not re.search(r"\bsamples?\b", re.sub(r"<[^>]+>", " ", html), re.IGNORECASE), \
        "the page still says 'sample' to the operator"
    assert re.search(r'data-testid="count-readings">321<', html)


def test_the_metrics_help_says_count_reading():
    metrics = create_status_app(FakeStation()).test_client().get("/metrics").get_data(as_text=True)
    # the metric's name is kept (dashboards and alerts use it), its help is in plain words
    assert "# HELP pc_station_camera_last_sample_timestamp_seconds Unix time of the last " \
        "count reading taken" in metrics
