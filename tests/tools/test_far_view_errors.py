"""tools/far_view_errors.py: the far-view error analysis (pure parts)."""
from __future__ import annotations

from tools.far_view_errors import by_cover, by_height, covered_share, false_positives, greedy_match, height_bin, occupancy_errors, optimal_match


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


def test_false_positives_by_kind_as_the_evaluator_counts_them():
    zones = [{"id": "left", "polygon": [[0, 0], [100, 0], [100, 200], [0, 200]]},
             {"id": "right", "polygon": [[100, 0], [200, 0], [200, 200], [100, 200]]}]
    gt = {1: [(1, (10.0, 10.0, 30.0, 70.0)), (2, (40.0, 10.0, 60.0, 70.0)), (3, (150.0, 100.0, 170.0, 160.0))]}
    boxes = [(10, 10, 30, 70),     # person 1: right
             (12, 12, 32, 72),     # a second box on person 1
             (40, 35, 60, 95),     # person 2 at IoU 0.41: a near miss (person 2 is missed too)
             (95, 20, 104, 80),    # across the border of the two zones, nobody there
             (60, 120, 80, 180),   # nobody, in the open
             (150, 100, 170, 160)]  # person 3, not looked at: left out
    crop = [{"x": 0, "y": 0, "width": 120, "height": 200}]
    figures = false_positives([frame(1, boxes, [0.9] * 6, crop)], gt, 200, 200, zones)
    assert figures["kinds"] == {"near miss": 1, "second box": 1, "panel edge": 1, "other": 1}
    assert (figures["false"], figures["counted"]) == (4, 5)
    # unsure boxes (under 0.25) are not counted; without zones, only the frame's edges are edges
    figures = false_positives([frame(1, boxes, [0.9, 0.9, 0.9, 0.9, 0.1, 0.9], None)], gt, 200, 200, [])
    assert figures["kinds"] == {"near miss": 1, "second box": 1, "panel edge": 0, "other": 1}
    assert (figures["false"], figures["counted"]) == (3, 5)


def test_optimal_match_takes_the_best_total_not_the_best_pair():
    truth = [(0, 0, 10, 40), (4, 0, 14, 40)]
    boxes = [(3, 0, 13, 40), (6, 0, 16, 40)]
    # box 0's best is person 1 (IoU 0.82), which leaves box 1 (0.67 with person 1) nobody
    assert greedy_match(truth, boxes) == {1: 0}
    assert optimal_match(truth, boxes) == {0: 0, 1: 1}
    assert optimal_match(truth, []) == {}


def test_people_looked_at_by_how_much_another_person_covers_them():
    gt = {1: [(1, (0.0, 0.0, 20.0, 60.0)), (2, (10.0, 0.0, 30.0, 60.0)), (3, (100.0, 0.0, 120.0, 60.0)),
              (4, (300.0, 0.0, 320.0, 60.0))]}
    assert covered_share((0, 0, 20, 60), [(10, 0, 30, 60), (100, 0, 120, 60)]) == 0.5
    assert covered_share((0, 0, 20, 60), []) == 0.0
    # person 1 found, person 2 (half behind person 1) missed, person 3 alone found, person 4 not looked at
    crop = [{"x": 0, "y": 0, "width": 200, "height": 200}]
    rows = by_cover([frame(1, [(0, 0, 20, 60), (100, 0, 120, 60), (300, 0, 320, 60)], [0.9, 0.9, 0.9], crop)], gt, 768, 576)
    assert rows[0.0] == [1, 1] and rows[0.4] == [2, 1] and rows[0.2] == [0, 0] and rows[0.8] == [0, 0]
