"""tools/far_view_scale.py: the crop grids and the scoring of crops in turn (pure parts)."""
from __future__ import annotations

import numpy as np

from tools.far_view_scale import Tally, drop_fragments, grid, merge, score_every, score_turn


def test_grid_covers_the_frame_with_square_crops_overlapping_by_the_tallest_person():
    for side, overlap in ((416 / 1.5, 99), (416 / 1.23, 99), (416 / 2.0, 125)):
        regions = grid(768, 576, side, overlap)
        assert all(r["width"] == round(side) and r["height"] == round(side) for r in regions)
        xs = sorted({r["x"] for r in regions})
        ys = sorted({r["y"] for r in regions})
        assert xs[0] == 0 and xs[-1] + round(side) == 768 and ys[0] == 0 and ys[-1] + round(side) == 576
        assert all(b - a <= round(side) - overlap for a, b in zip(xs, xs[1:]))
        assert all(b - a <= round(side) - overlap for a, b in zip(ys, ys[1:]))
    assert len(grid(768, 576, 416 / 1.5, 99)) == 12  # 4 x 3


def test_merge_drops_a_seam_fragment_and_overlapping_second_boxes():
    regions = [{"x": 0, "y": 0, "width": 100, "height": 100}, {"x": 60, "y": 0, "width": 100, "height": 100}]
    # one person at x 70-90: whole in both crops; a fragment of another cut by crop 0's right border
    parts = [(np.array([[70, 10, 90, 70], [85, 10, 100, 70]], np.float32), np.array([0.9, 0.6], np.float32), 0),
             (np.array([[71, 10, 91, 70], [86, 10, 110, 70]], np.float32), np.array([0.8, 0.7], np.float32), 1)]
    kept = merge(parts, regions, 200, 100)
    assert kept.tolist() == [[70, 10, 90, 70], [86, 10, 110, 70]]


def test_fragments_of_crops_run_now_are_dropped():
    ran = [{"x": 0, "y": 0, "width": 100, "height": 100}]
    boxes = np.array([[80, 10, 100, 70], [10, 10, 30, 70]], np.float32)
    assert drop_fragments(boxes, ran, 200, 100) == [[10, 10, 30, 70]]


def test_crops_in_turn_score_the_people_looked_at_and_weight_the_overlaps():
    plan = [{"x": 0, "y": 0, "width": 120, "height": 100}, {"x": 80, "y": 0, "width": 120, "height": 100}]
    truth = [(10, 10, 30, 70), (90, 10, 110, 70), (170, 10, 190, 70)]  # the middle one is in both crops
    every, turn = Tally(), Tally()
    score_every(every, [[10, 10, 30, 70], [90, 10, 110, 70]], truth)
    assert (every.recall(), every.precision()) == (2 / 3, 1.0)
    # crop 0 ran: the first two people looked at, both found; the middle one weighs 1/2
    score_turn(turn, [[10, 10, 30, 70], [90, 10, 110, 70]], truth, [plan[0]], plan, 200, 100)
    # crop 1 ran: the middle and the right person looked at, only the middle found
    score_turn(turn, [[90, 10, 110, 70]], truth, [plan[1]], plan, 200, 100)
    assert turn.recall() == 3 / 4
    assert abs(turn.weighted() - (1 + 0.5 + 0.5) / (1 + 0.5 + 0.5 + 1)) < 1e-9
    assert turn.precision() == 1.0
