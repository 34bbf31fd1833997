"""tools/far_view_errors.py: the far-view error analysis (pure parts)."""
from __future__ import annotations

from tools.far_view_errors import by_height, greedy_match, height_bin, occupancy_errors


def frame(index, boxes, scores, observed=None):
    return {"frameIndex": index, "count": len(boxes), "boxes": [v for box in boxes for v in box], "scores": scores,
            "observed": observed}


def test_greedy_match_is_one_to_one_best_first():
    truth = [(0, 0, 10, 50), (5, 0, 15, 50)]
    assert greedy_match(truth, [(5, 0, 15, 50)]) == {1: 0}
    assert greedy_match(truth, [(100, 0, 110, 50)]) == {}


def test_heights_split_looked_at_detected_unsure_and_tracked():
    gt = {1: [(100008, (10.0, 10.0, 30.0, 60.0)), (3, (300.0, 10.0, 330.0, 100.0))]}
    # the crop run holds the first person only; a sure box on them, an unsure one on nobody
    crop = [{"x": 0, "y": 0, "width": 200, "height": 200}]
    frames = [frame(1, [(10, 10, 30, 60), (300, 10, 330, 100)], [0.9, 0.1], crop)]
    figures = by_height(frames, gt, {1: [[300, 10, 330, 100]]}, 768, 576)
    assert height_bin(50) == "0-56" and height_bin(90) == "80-100" and height_bin(150) == ">=100"
    small, big = figures["heights"]["0-56"], figures["heights"]["80-100"]
    assert (small["looked"], small["detected"], small["tracked"]) == (1, 1, 0)
    assert (big["looked"], big["not_looked"], big["tracked"]) == (0, 1, 1)
    assert figures["identities"] == {8: [1, 1]}  # panel 1's person 8 counts as the source's person 8
    # looked at the whole frame: the big person's unsure box is "unsure only"
    figures = by_height([frame(1, [(300, 10, 330, 100)], [0.1])], gt, {}, 768, 576)
    assert figures["heights"]["80-100"]["unsure_only"] == 1 and figures["heights"]["0-56"]["detected"] == 0


def test_occupancy_errors_split_missing_and_extra_and_first_frames():
    zones = [{"id": "left", "polygon": [[0, 0], [100, 0], [100, 100], [0, 100]]},
             {"id": "right", "polygon": [[100, 0], [200, 0], [200, 100], [100, 100]]}]
    gt = {1: [(1, (10.0, 10.0, 20.0, 50.0)), (2, (30.0, 10.0, 40.0, 50.0))], 2: [(1, (10.0, 10.0, 20.0, 50.0))]}
    tracks = {1: [], 2: [[10, 10, 20, 50], [150, 10, 160, 50]]}
    errors = occupancy_errors(zones, gt, tracks, [1, 2], first=1)
    assert errors["missing"] == 2 / 4 and errors["extra"] == 1 / 4 and errors["mae"] == 3 / 4
    assert errors["first_frames_share"] == 2 / 3
