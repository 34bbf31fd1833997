"""Charts of a run as PNG images: cumulative counts, occupancy, entries by hour."""
from __future__ import annotations

import pytest

from tests.backend.conftest import post_demo_counts

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("chart", ["cumulative", "occupancy", "hourly"])
def test_charts_are_png_with_and_without_data(alice, bob, chart):
    run = alice.create_run()
    url = f"/api/runs/{run['id']}/charts/{chart}.png"
    empty = alice.get(url)
    assert empty.status_code == 200 and empty.mimetype == "image/png"
    assert empty.data.startswith(PNG_MAGIC)
    post_demo_counts(alice, run["id"])
    full = alice.get(url + "?tz=Europe/Berlin")
    assert full.status_code == 200 and full.data.startswith(PNG_MAGIC)
    assert full.data != empty.data
    assert alice.get(url + "?bucket=1d").data.startswith(PNG_MAGIC)
    assert bob.get(url).status_code == 404
