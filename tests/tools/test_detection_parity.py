"""The detection comparison (tools/detection_parity.py) used by the browser parity test and the
export check: it lets through what differing kernels can change and nothing else. Planted
mismatches (a shifted box, a wrong score, a lost or invented clear person) must fail."""
from __future__ import annotations

import numpy as np
import pytest

from tools.detection_parity import (FP32_KERNELS as FP32, INT8_KERNELS as INT8, Tolerance,
                                    compare_detections, tolerance_for)
from tools.detector_reference import box_iou_matrix, non_max_suppression

# Candidates of one frame as (x1, y1, x2, y2, score): three clear people, each with a
# weaker neighbouring anchor that NMS removes, one person just over the threshold, one
# candidate just under it.
SCENE = [
    (100, 100, 160, 260, 0.90), (102, 101, 162, 262, 0.84),   # A and its neighbour
    (300, 120, 350, 250, 0.80), (299, 118, 349, 251, 0.71),   # B
    (450, 90, 500, 240, 0.60), (452, 92, 501, 240, 0.52),     # C
    (200, 300, 230, 380, 0.255),                              # D: borderline
    (560, 300, 600, 400, 0.245),                              # E: under the threshold
]


def reference_of(rows, tolerance: Tolerance) -> dict:
    """What ReferenceDetector.detect returns for these decoded candidates."""
    table = np.asarray(rows, np.float64)
    boxes, scores = table[:, :4], table[:, 4]
    eligible = np.flatnonzero(scores > tolerance.score_threshold)
    kept = eligible[non_max_suppression(boxes[eligible], scores[eligible], tolerance.nms_iou)]
    return {"boxes": boxes[kept], "scores": scores[kept],
            "candidates": {"boxes": boxes, "scores": scores, "kept": kept}}


def other_side(reference: dict, changes=None) -> dict:
    """The reference's own detections (a copy), with `changes` applied to the list of rows."""
    rows = [list(box) + [score] for box, score in zip(reference["boxes"], reference["scores"])]
    rows = changes(rows) if changes else rows
    return {"boxes": [value for row in rows for value in row[:4]], "scores": [row[4] for row in rows]}


def row_of(rows, x1):
    return next(row for row in rows if abs(row[0] - x1) < 1e-6)


@pytest.fixture
def scene():
    return reference_of(SCENE, FP32)


def test_the_scene_keeps_what_nms_keeps(scene):
    assert sorted(scene["boxes"][:, 0].tolist()) == [100, 200, 300, 450]


def test_identical_detections_agree(scene):
    assert compare_detections(scene, other_side(scene), FP32) == []


def test_movements_within_the_tolerance_agree(scene):
    def wiggle(rows):
        return [[row[0] + 0.2, row[1] - 0.2, row[2] + 0.1, row[3], row[4] + (0.008 if row[4] > 0.5 else -0.004)]
                for row in rows]
    assert compare_detections(scene, other_side(scene, wiggle), FP32) == []


def test_a_borderline_person_may_be_on_one_side_only(scene):
    without_d = other_side(scene, lambda rows: [row for row in rows if row[0] != 200])
    assert compare_detections(scene, without_d, FP32) == []
    # ... and a candidate just under the reference's threshold may be kept by the other side.
    with_e = other_side(scene, lambda rows: rows + [[560, 300, 600, 400, 0.252]])
    assert compare_detections(scene, with_e, FP32) == []


def test_a_shifted_box_is_a_mismatch(scene):
    def shift(rows):
        row_of(rows, 300)[0:4] = [306, 120, 356, 250]   # 6 px: IoU 0.79
        return rows
    problems = compare_detections(scene, other_side(scene, shift), FP32)
    assert len(problems) == 1 and "none of the reference's candidates" in problems[0]


def test_a_small_shift_beyond_the_fp32_tolerance_is_a_mismatch(scene):
    def shift(rows):
        row_of(rows, 100)[0:4] = [101.5, 100, 161.5, 260]  # 1.5 px: IoU 0.95
        return rows
    assert compare_detections(scene, other_side(scene, shift), FP32)


def test_a_wrong_score_is_a_mismatch(scene):
    def rescore(rows):
        row_of(rows, 300)[4] = 0.78
        return rows
    problems = compare_detections(scene, other_side(scene, rescore), FP32)
    assert len(problems) == 1 and "differs by 0.020" in problems[0]


def test_a_missing_clear_person_is_a_mismatch(scene):
    problems = compare_detections(scene, other_side(scene, lambda rows: [r for r in rows if r[0] != 450]), FP32)
    assert problems == ["person [450.0, 90.0, 500.0, 240.0] (score 0.600) is missing"]


def test_an_extra_clear_person_is_a_mismatch(scene):
    extra = other_side(scene, lambda rows: rows + [[560, 80, 610, 230, 0.7]])
    problems = compare_detections(scene, extra, FP32)
    assert len(problems) == 1 and "560.0" in problems[0]


def test_a_person_found_twice_is_a_mismatch(scene):
    doubled = other_side(scene, lambda rows: rows + [list(row_of(rows, 450))])
    assert len(compare_detections(scene, doubled, FP32)) == 1


def test_a_suppressed_neighbour_kept_instead_is_a_mismatch_unless_scores_are_close(scene):
    """The weaker anchor of A (0.84 vs 0.90) cannot win NMS on the other side..."""
    def swap(rows):
        rows = [row for row in rows if row[0] != 100]
        return rows + [[102, 101, 162, 262, 0.84]]
    assert compare_detections(scene, other_side(scene, swap), FP32)
    # ... but two anchors within the score tolerance may swap places (the order flipped).
    close = reference_of([(100, 100, 160, 260, 0.900), (102, 101, 162, 262, 0.895)], FP32)
    flipped = {"boxes": [102, 101, 162, 262], "scores": [0.902]}
    assert compare_detections(close, flipped, FP32) == []


def overlapping_pair(dx: float) -> list[float]:
    return [100 + dx, 100, 200 + dx, 300]


@pytest.mark.parametrize("reference_dx, other_dx, agree", [
    (17.3, 18.0, True),    # IoU 0.705 vs 0.695 around the NMS threshold 0.7: either way
    (5.0, 5.0, False),     # IoU 0.90: a second, weaker box kept on one side only is wrong
])
def test_nms_may_decide_the_other_way_only_near_its_threshold(reference_dx, other_dx, agree):
    """Two people overlapping: the reference suppresses the weaker one."""
    first = [100, 100, 200, 300]
    reference = reference_of([first + [0.9], overlapping_pair(reference_dx) + [0.5]], FP32)
    assert len(reference["boxes"]) == 1
    other = {"boxes": first + overlapping_pair(other_dx), "scores": [0.9, 0.5]}
    assert (compare_detections(reference, other, FP32) == []) is agree
    # The other way round: the reference kept both, the other side only the stronger one.
    both = reference_of([first + [0.9], overlapping_pair(other_dx) + [0.5]], FP32)
    if agree:
        assert len(both["boxes"]) == 2
        assert compare_detections(both, {"boxes": first, "scores": [0.9]}, FP32) == []


def test_int8_tolerance_is_looser_but_still_catches_a_moved_box():
    scene = reference_of(SCENE, INT8)
    def int8_like(rows):
        return [[row[0] + 1, row[1], row[2] + 1, row[3] + 1, row[4] - 0.03] for row in rows]
    assert compare_detections(scene, other_side(scene, int8_like), INT8) == []
    def moved(rows):
        row_of(rows, 300)[0:4] = [312, 120, 362, 250]   # a quarter of its width: IoU 0.61
        return rows
    assert compare_detections(scene, other_side(scene, moved), INT8)
    def rescored(rows):
        row_of(rows, 450)[4] = 0.5   # 0.6 -> 0.5: more than int8 rounding moves a score
        return rows
    assert compare_detections(scene, other_side(scene, rescored), INT8)
    assert compare_detections(scene, other_side(scene, lambda rows: [r for r in rows if r[0] != 450]), INT8)


def test_tolerance_for_knows_the_precisions():
    assert tolerance_for("fp32") == FP32
    assert tolerance_for("int8", 0.4) == Tolerance(INT8.min_iou, INT8.max_score_gap, 0.4)
    with pytest.raises(ValueError):
        tolerance_for("fp16")


def test_empty_sides():
    empty = reference_of([(10, 10, 20, 20, 0.1)], FP32)
    assert compare_detections(empty, {"boxes": [], "scores": []}, FP32) == []
    assert compare_detections(empty, {"boxes": [10, 10, 20, 20], "scores": [0.9]}, FP32)
    full = reference_of([(10, 10, 60, 90, 0.9)], FP32)
    assert compare_detections(full, {"boxes": [], "scores": []}, FP32)


@pytest.mark.parametrize("options", [
    {"min_iou": 0.5, "max_score_gap": 0.01},       # a box could pair with two
    {"min_iou": 0.9, "max_score_gap": -0.01},
    {"min_iou": 0.9, "max_score_gap": 0.3},        # wider than the threshold itself
    {"min_iou": 0.9, "max_score_gap": 0.01, "nms_iou": 1.0},
])
def test_tolerance_refuses_meaningless_values(options):
    with pytest.raises(ValueError):
        Tolerance(**options)


def test_box_iou_of_the_planted_shift_is_what_the_comment_says():
    iou = box_iou_matrix(np.array([[300, 120, 350, 250.]]), np.array([[306, 120, 356, 250.]]))[0, 0]
    assert iou == pytest.approx(0.786, abs=0.001)
