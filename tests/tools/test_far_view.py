"""tools/far_view.py's mapping of time, ground truth, lines and zones into the mosaic (pure parts)."""
from __future__ import annotations

import pytest

from tools.far_view import map_ground_truth, map_lines_and_zones, panel_layout, panel_offsets, pingpong_index


@pytest.mark.parametrize(("step", "frames", "expected"), [
    (0, 5, 0), (4, 5, 4), (5, 5, 3), (8, 5, 0), (9, 5, 1), (3, 1, 0),
])
def test_pingpong_plays_forwards_then_backwards(step, frames, expected):
    assert pingpong_index(step, frames) == expected


def test_layout_and_offsets():
    layout = panel_layout(640, 480, 3, 0.4)
    assert (layout["width"], layout["height"], layout["panel_width"], layout["panel_height"]) == (768, 576, 256, 192)
    assert panel_offsets(71, 9) == [round(i * 140 / 9) for i in range(9)]
    with pytest.raises(SystemExit):
        panel_layout(640, 480, 0, 0.4)


def test_ground_truth_is_scaled_offset_per_panel_and_clipped():
    layout = panel_layout(100, 100, 2, 0.5)  # 2x2 panels of 50x50
    gt = {1: [(7, (10.0, 20.0, 30.0, 80.0))], 2: [(7, (90.0, 20.0, 130.0, 80.0))]}
    mosaic = map_ground_truth(gt, 2, layout, [0, 1, 0, 1])
    frame1 = dict(mosaic[1])
    assert frame1[7] == (5.0, 10.0, 15.0, 40.0)  # panel 0: scaled by 0.5
    assert frame1[200007] == (5.0, 60.0, 15.0, 90.0)  # panel 2: row 1, column 0, same time as panel 0
    # Panels 1 and 3 start at source frame 2, where the box is 75% outside the panel: dropped.
    assert 100007 not in frame1 and 300007 not in frame1
    assert all(identity % 100_000 == 7 for identity, _ in mosaic[2])


def test_lines_and_zones_per_panel():
    layout = panel_layout(100, 100, 2, 0.5)
    lines, zones = map_lines_and_zones([{"id": "door", "a": [0, 60], "b": [100, 60]}], layout)
    assert [line["id"] for line in lines] == ["p1_door", "p2_door", "p3_door", "p4_door"]
    assert lines[3] == {"id": "p4_door", "a": [50.0, 80.0], "b": [100.0, 80.0]}
    assert zones[1]["polygon"] == [[50, 0], [100, 0], [100, 50], [50, 50]]
