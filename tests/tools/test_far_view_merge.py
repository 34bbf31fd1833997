"""tools/far_view_merge.py: merge variants of the crops' boxes (pure parts)."""
from __future__ import annotations

import numpy as np

from tools.far_view_merge import drop_fragments, head_of, merged, score, suppress


def keypoints(head_x, head_y, confidence=0.9):
    points = np.zeros((17, 3), np.float32)
    points[:5] = (head_x, head_y, confidence)
    return points.reshape(-1)


def test_head_is_the_weighted_face_keypoints():
    centre, confidence = head_of(keypoints(10, 20))
    assert np.allclose(centre, (10, 20)) and confidence > 0.8
    assert head_of(np.zeros(51)) is None


def test_suppress_keeps_an_overlapping_box_only_when_heads_are_apart():
    boxes = [(0, 0, 20, 60), (2, 0, 22, 60), (40, 0, 60, 60)]
    scores = [0.9, 0.8, 0.7]
    assert suppress(boxes, scores, 0.5).tolist() == [0, 2]
    # the same heads: one person, the second box goes; heads 14 px apart in boxes 60 px tall: two people
    same = np.stack([keypoints(10, 5), keypoints(12, 5), keypoints(50, 5)])
    apart = np.stack([keypoints(5, 5), keypoints(19, 5), keypoints(50, 5)])
    assert suppress(boxes, scores, 0.5, same, heads_apart=0.2).tolist() == [0, 2]
    assert suppress(boxes, scores, 0.5, apart, heads_apart=0.2).tolist() == [0, 1, 2]


def test_variants_scored_where_looked_at():
    crop = {"x": 0, "y": 0, "width": 100, "height": 100}
    frame = {"frameIndex": 1, "regions": [crop],
             "boxes": np.array([(0, 0, 20, 60), (2, 0, 22, 60), (200, 0, 220, 60)], np.float32),
             "scores": np.array([0.9, 0.8, 0.9], np.float32), "runs": np.zeros(3, np.int64),
             "keypoints": np.stack([keypoints(10, 5), keypoints(12, 5), keypoints(210, 5)])}
    gt = {1: [(1, (0.0, 0.0, 20.0, 60.0)), (2, (3.0, 0.0, 23.0, 60.0)), (3, (200.0, 0.0, 220.0, 60.0))]}
    assert len(merged(frame, 300, 100)) == 2 and len(merged(frame, 300, 100, merge=False)) == 3
    # people 1 and 2 are looked at (person 3 is outside the crop): NMS leaves one box for the two of them
    assert score([frame], gt, 300, 100) == (0.5, 1.0)
    # no merge: both found; the box on person 3 (not looked at) counts neither way
    assert score([frame], gt, 300, 100, merge=False) == (1.0, 1.0)


def test_nested_and_heads_together_drop_a_second_box_on_one_person():
    # a small low-scoring box inside a person's box (IoU 0.33, under NMS's 0.5) and a person beside them
    boxes = [(0, 0, 30, 90), (5, 10, 25, 70), (60, 0, 90, 90)]
    scores = [0.9, 0.3, 0.8]
    assert suppress(boxes, scores, 0.5).tolist() == [0, 2, 1]
    assert suppress(boxes, scores, 0.5, nested=0.9).tolist() == [0, 2]
    # only boxes scoring under nested_below go
    assert suppress(boxes, scores, 0.5, nested=0.9, nested_below=0.25).tolist() == [0, 2, 1]
    # heads together: the same head in both boxes, one person; heads a third of a height apart: two
    same = np.stack([keypoints(15, 5), keypoints(16, 12), keypoints(75, 5)])
    apart = np.stack([keypoints(5, 5), keypoints(20, 30), keypoints(75, 5)])
    overlapping = [(0, 0, 30, 90), (3, 5, 30, 80), (60, 0, 90, 90)]  # IoU 0.7 > 0.5: NMS drops it anyway
    assert suppress(overlapping, scores, 0.5).tolist() == [0, 2]
    half = [(0, 0, 30, 90), (10, 0, 40, 90), (60, 0, 90, 90)]  # IoU 0.5: kept by NMS at 0.5
    assert suppress(half, scores, 0.5).tolist() == [0, 2, 1]
    assert suppress(half, scores, 0.5, same, heads_together=0.15).tolist() == [0, 2]
    assert suppress(half, scores, 0.5, apart, heads_together=0.15).tolist() == [0, 2, 1]


def test_fragments_the_pipeline_drops_are_dropped():
    # two crops side by side (300 px frame); a box cut by the left crop's inner border (x = 150), in it
    left, right = {"x": 0, "y": 0, "width": 150, "height": 100}, {"x": 150, "y": 0, "width": 150, "height": 100}
    boxes = [(120, 0, 150, 60), (20, 0, 50, 60), (140, 0, 170, 60)]
    assert drop_fragments(boxes, [left], 300, 100) == [False, True, True]
    # the right crop ran too: the first box is not inside it (x1 < 150), so only the left crop, which cuts it, holds it
    assert drop_fragments(boxes, [left, right], 300, 100) == [False, True, True]
    # a crop covering the whole frame (the whole-frame run) cuts nobody
    assert drop_fragments(boxes, [{"x": 0, "y": 0, "width": 300, "height": 100}], 300, 100) == [True, True, True]


def test_thin_boxes_and_low_scores_dropped_by_their_variants():
    crop = {"x": 0, "y": 0, "width": 300, "height": 100}
    frame = {"frameIndex": 1, "regions": [crop],
             "boxes": np.array([(0, 0, 30, 90), (100, 0, 110, 90), (200, 0, 230, 90)], np.float32),
             "scores": np.array([0.9, 0.8, 0.35], np.float32), "runs": np.zeros(3, np.int64),
             "keypoints": np.stack([keypoints(15, 5), keypoints(105, 5), keypoints(215, 5)])}
    assert len(merged(frame, 300, 100)) == 3
    assert [box[0] for box in merged(frame, 300, 100, min_aspect=0.15)] == [0, 200]
    assert [box[0] for box in merged(frame, 300, 100, min_score=0.4)] == [0, 100]
