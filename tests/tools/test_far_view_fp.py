"""tools/far_view_fp.py: what a far view's false positives are (pure parts, made-up frames)."""
from __future__ import annotations

import pytest

from tools.far_view_fp import carried_on, classify, containment, counted, to_mosaic

WIDTH, HEIGHT = 200, 100
# one panel at scale 1 (the mosaic is the source frame), 10 frames played forwards from frame 1
META = {"grid": 1, "scale": 1.0, "panel_offsets": [0], "frames": 10}


def test_containment_is_the_share_of_the_smaller_box_inside():
    assert containment((0, 0, 10, 10), (0, 0, 20, 20)) == pytest.approx(1.0)
    assert containment((0, 0, 10, 10), (5, 0, 25, 10)) == pytest.approx(0.5)
    assert containment((0, 0, 10, 10), (50, 50, 60, 60)) == 0.0


def test_a_track_ending_at_the_frame_edge_is_carried_on_one_ending_inside_is_not():
    gt = {1: [(1, (160.0, 10.0, 190.0, 90.0)), (2, (50.0, 10.0, 80.0, 90.0))],
          2: [(1, (170.0, 10.0, 200.0, 90.0)), (2, (55.0, 10.0, 85.0, 90.0))],
          3: [(1, (180.0, 10.0, 210.0, 90.0)), (2, (60.0, 10.0, 90.0, 90.0))]}
    guessed = carried_on(gt, WIDTH, frames=10)
    # person 1 walks out to the right at 10 px a frame: frame 4 at 190-220, frame 5 at 200 (out of view: stops)
    assert guessed[4] == [(1, pytest.approx((190.0, 10.0, 220.0, 90.0)))]
    assert 5 not in guessed
    # person 2's track ends in the middle of the picture (hidden, say): never carried on
    assert all(identity == 1 for rows in guessed.values() for identity, _ in rows)
    mosaic = to_mosaic(guessed, META, WIDTH, HEIGHT, frames=10)
    [(identity, box, share)] = mosaic[4]
    assert identity == 1 and box == pytest.approx((190.0, 10.0, 200.0, 90.0)) and share == pytest.approx(1 / 3)


def frame_of(boxes, scores):
    return {"frameIndex": 1, "count": len(boxes), "boxes": [v for box in boxes for v in box], "scores": scores,
            "observed": None}


def test_false_positives_by_kind_and_the_precision_leaving_out_people_the_ground_truth_does_not_label():
    gt = {1: [(1, (20.0, 10.0, 50.0, 90.0)), (2, (100.0, 10.0, 130.0, 90.0))]}
    person_at_edge = {1: [(3, (185.0, 10.0, 200.0, 90.0), 0.4)]}  # carried on, to_mosaic's rows
    boxes = [(20, 10, 50, 90),      # person 1
             (25, 12, 40, 80),      # inside person 1's box: a second box
             (100, 10, 130, 90),    # person 2
             (186, 12, 200, 88),    # the person the ground truth stopped labelling at the edge
             (60, 10, 90, 90)]      # nobody
    frames = [frame_of(boxes, [0.9, 0.3, 0.8, 0.6, 0.5])]
    rows = classify(frames, gt, {}, WIDTH, HEIGHT, [], person_at_edge)
    assert [(row["box"][0], row["class"]) for row in rows] == [
        (25, "second box"), (186, "unlabelled at the frame's edge"), (60, "other")]
    assert counted(frames, gt, WIDTH, HEIGHT) == (2, 5)
    # the box on the unlabelled person is neither right nor wrong; the others still count
    assert counted(frames, gt, WIDTH, HEIGHT, person_at_edge) == (2, 4)
    # unsure boxes (under 0.25) are not counted at all, as in tools/evaluate.py
    assert counted([frame_of(boxes, [0.9, 0.1, 0.8, 0.1, 0.1])], gt, WIDTH, HEIGHT) == (2, 2)
