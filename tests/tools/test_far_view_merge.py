"""tools/far_view_merge.py: merge variants of the crops' boxes (pure parts)."""
from __future__ import annotations

import numpy as np

from tools.far_view_merge import head_of, merged, score, suppress


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
