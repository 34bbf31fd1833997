"""tools/eval_regions.py: the per-line crossing table of --compare-regions, far view vs full size."""
from tools.eval_regions import _source_line, per_line_rows


def _report(lines: dict) -> dict:
    return {"ours": {"lines": {line_id: {"events": {"f1": f1, "matched": 1, "predicted": 2, "reference": 1}}
                               for line_id, f1 in lines.items()}}}


def test_far_view_lines_take_the_full_size_line_of_their_panel():
    assert _source_line("p3_horizontal_line") == "horizontal_line"
    assert _source_line("p12_x") == "x"
    assert _source_line("horizontal_line") == "horizontal_line"  # not a far-view id
    assert _source_line("panel_1") == "panel_1"
    reports = {"whole": _report({"p1_a": 0.0, "p2_a": 0.5}), "auto": _report({"p1_a": 1.0, "p2_a": 0.8})}
    full = {"reports": {"auto": _report({"a": 0.25})}}
    rows = per_line_rows(reports, full)
    assert [(r["line"], r["whole_f1"], r["auto_f1"], r["full_size_f1"], r["auto_events"]) for r in rows] == [
        ("p1_a", 0.0, 1.0, 0.25, "1/2/1"), ("p2_a", 0.5, 0.8, 0.25, "1/2/1")]
    assert all(r["full_size_f1"] is None for r in per_line_rows(reports))


def test_looked_at_mirrors_the_trackers_observed_regions():
    from tools.eval_scoring import looked_at

    left = {"x": 0, "y": 0, "width": 434, "height": 576}
    whole = {"x": 0, "y": 0, "width": 768, "height": 576, "minHeight": 100}
    cases = [
        # (box, observed, looked at?) in a 768x576 frame, as tests/js/tracker_observed.test.js
        ([300, 200, 324, 260], [left], True),
        ([420, 200, 444, 260], [left], False),   # cut by the crop's right border (434)
        ([-3, 200, 21, 260], [left], True),      # over the frame's edge: still seen
        ([600, 200, 624, 260], [left], False),   # outside the crop
        ([600, 200, 624, 260], [whole], False),  # too small for the whole-frame run
        ([600, 100, 660, 260], [whole], True),
        ([600, 200, 624, 260], None, True),      # the whole frame was looked at
    ]
    for box, observed, expected in cases:
        assert looked_at(box, observed, 768, 576, margin=0) is expected, (box, observed)
    # With the tracker's margin (0.1 x 60 px), a box 4 px from the inner border is left out.
    assert looked_at([406, 200, 430, 260], [left], 768, 576, margin=0) is True
    assert looked_at([406, 200, 430, 260], [left], 768, 576) is False


def test_detection_scored_where_looked_at():
    from tools.eval_metrics import detection_precision_recall_where

    a, b, c = [0, 0, 10, 20], [100, 0, 110, 20], [200, 0, 210, 20]
    gt = {1: [(1, a), (2, b)], 2: [(1, a), (2, b)]}
    detections = {1: [a, c], 2: [b]}
    # frame 1: everything looked at; frame 2: only person 1 (and no detection of person 2 counts)
    counts = {2: ([True, False], [True])}
    scores = detection_precision_recall_where(detections, gt, [1, 2], counts)
    # frame 1: a found, b missed, c a false positive; frame 2: person 1 missed, the box of person 2 left out
    assert (scores["true_positives"], scores["gt_boxes"], scores["detections"]) == (1, 3, 2)
    assert scores["recall"] == 1 / 3 and scores["precision"] == 1 / 2


def test_recall_weighted_as_at_full_size_counts_each_person_once_per_plan():
    from tools.eval_metrics import detection_precision_recall_where
    from tools.eval_scoring import plan_weight

    # Two crops in a 768x576 frame overlapping at x 334-434; crops in turn run one a frame.
    left = {"x": 0, "y": 0, "width": 434, "height": 576}
    right = {"x": 334, "y": 0, "width": 434, "height": 576}
    alone, shared = [100, 200, 124, 260], [370, 200, 394, 260]
    assert plan_weight(alone, [left, right], [left], 768, 576) == 1.0
    assert plan_weight(shared, [left, right], [left], 768, 576) == 0.5  # held whole by both crops
    assert plan_weight(shared, None, None, 768, 576) == 1.0  # the whole frame: no plan
    # A plan with a whole-frame run (every frame) for the big people: someone it looked at counts once.
    whole = {"x": 0, "y": 0, "width": 768, "height": 576}
    big = [360, 100, 420, 260]
    assert plan_weight(big, [whole, left, right], [{**whole, "minHeight": 120}, left], 768, 576) == 1.0
    assert plan_weight(shared, [whole, left, right], [{**whole, "minHeight": 120}, left], 768, 576) == 0.5
    # Frame 1 runs the left crop, frame 2 the right: the person alone (found both times they are
    # looked at) is looked at once, the shared person (never found) twice.
    gt = {1: [(1, alone), (2, shared)], 2: [(1, alone), (2, shared)]}
    detections = {1: [alone], 2: []}
    counts = {1: ([True, True], [True], [1.0, 0.5]), 2: ([False, True], [], [1.0, 0.5])}
    scores = detection_precision_recall_where(detections, gt, [1, 2], counts)
    assert scores["recall"] == 1 / 3  # the shared person counted twice
    assert scores["recall_weighted"] == 1 / 2  # each person once, as with both crops every frame
    # Without weights the weighted recall is the recall.
    plain = detection_precision_recall_where(detections, gt, [1, 2], {k: v[:2] for k, v in counts.items()})
    assert plain["recall_weighted"] == plain["recall"] == 1 / 3
