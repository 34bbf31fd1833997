"""Scores for tools/evaluate.py: detection precision/recall, MOT metrics (py-motmetrics),
crossing events matched in time, occupancy error."""
from __future__ import annotations

import numpy as np


def _iou_distance(gt_boxes: list, boxes: list) -> np.ndarray:
    """1 - IoU between x1,y1,x2,y2 boxes, NaN where IoU < 0.5 (motmetrics' iou_matrix with
    max_iou=0.5, written out here because motmetrics 1.4 calls np.asfarray, gone in NumPy 2)."""
    a = np.asarray(gt_boxes, dtype=float).reshape(-1, 4)
    b = np.asarray(boxes, dtype=float).reshape(-1, 4)
    if not len(a) or not len(b):
        return np.empty((len(a), len(b)))
    width = np.clip(np.minimum(a[:, None, 2], b[None, :, 2]) - np.maximum(a[:, None, 0], b[None, :, 0]), 0, None)
    height = np.clip(np.minimum(a[:, None, 3], b[None, :, 3]) - np.maximum(a[:, None, 1], b[None, :, 1]), 0, None)
    intersection = width * height
    area_a = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    area_b = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    distance = 1 - intersection / (area_a[:, None] + area_b[None, :] - intersection)
    return np.where(distance > 0.5, np.nan, distance)


def detection_precision_recall(detections: dict[int, list], gt: dict[int, list], frames: list[int]) -> dict:
    """Detections (frame -> [box]) against GT boxes, one-to-one at IoU >= 0.5."""
    import motmetrics as mm

    true_positives = predicted = actual = 0
    for frame in frames:
        boxes = detections.get(frame, [])
        gt_boxes = [box for _, box in gt.get(frame, [])]
        predicted += len(boxes)
        actual += len(gt_boxes)
        if boxes and gt_boxes:
            cost = _iou_distance(gt_boxes, boxes)
            rows, cols = mm.lap.linear_sum_assignment(np.nan_to_num(cost, nan=1e6))
            true_positives += sum(1 for r, c in zip(rows, cols) if not np.isnan(cost[r, c]))
    return {"precision": true_positives / predicted if predicted else 0.0,
            "recall": true_positives / actual if actual else 0.0,
            "true_positives": true_positives, "detections": predicted, "gt_boxes": actual}


def detection_precision_recall_where(detections: dict[int, list], gt: dict[int, list], frames: list[int],
                                     counts: dict) -> dict:
    """As detection_precision_recall, on frames where only part of the picture was looked at:
    counts[frame] = (gt_mask, detection_mask), which ground-truth boxes and detections were looked
    at (frames not in counts: all). Boxes are matched on the whole frame (one-to-one, IoU >= 0.5);
    recall is over the ground truth looked at; a detection matched to a person not looked at is
    left out of precision (neither right nor wrong), one not looked at too. A third element of
    counts[frame], when given, weighs each ground-truth box in `recall_weighted` (default 1)."""
    import motmetrics as mm

    true_positives = predicted = actual = 0
    weighted_found = weighted_actual = 0.0
    for frame in frames:
        boxes = detections.get(frame, [])
        gt_boxes = [box for _, box in gt.get(frame, [])]
        gt_mask, box_mask, *rest = counts.get(frame, ([True] * len(gt_boxes), [True] * len(boxes)))
        weights = rest[0] if rest else [1.0] * len(gt_boxes)
        matched_gt, matched_box = {}, {}
        if boxes and gt_boxes:
            cost = _iou_distance(gt_boxes, boxes)
            rows, cols = mm.lap.linear_sum_assignment(np.nan_to_num(cost, nan=1e6))
            for r, c in zip(rows, cols):
                if not np.isnan(cost[r, c]):
                    matched_gt[r], matched_box[c] = c, r
        actual += sum(gt_mask)
        true_positives += sum(1 for r in matched_gt if gt_mask[r])
        weighted_actual += sum(w for w, looked in zip(weights, gt_mask) if looked)
        weighted_found += sum(weights[r] for r in matched_gt if gt_mask[r])
        predicted += sum(1 for c in range(len(boxes)) if box_mask[c] and (c not in matched_box or gt_mask[matched_box[c]]))
    return {"precision": true_positives / predicted if predicted else 0.0,
            "recall": true_positives / actual if actual else 0.0,
            "recall_weighted": weighted_found / weighted_actual if weighted_actual else 0.0,
            "true_positives": true_positives, "detections": predicted, "gt_boxes": actual}


def mot_metrics(tracks: dict[int, list[dict]], gt: dict[int, list], frames: list[int]) -> dict:
    """MOTA, IDF1, ID switches (IoU 0.5) with py-motmetrics."""
    import motmetrics as mm

    accumulator = mm.MOTAccumulator(auto_id=False)
    for frame in frames:
        gt_rows = gt.get(frame, [])
        track_rows = tracks.get(frame, [])
        cost = _iou_distance([box for _, box in gt_rows], [t["box"] for t in track_rows])
        accumulator.update([i for i, _ in gt_rows], [t["id"] for t in track_rows], cost, frameid=frame)
    host = mm.metrics.create()
    summary = host.compute(accumulator, metrics=["mota", "motp", "idf1", "num_switches", "precision",
                                                 "recall", "num_false_positives", "num_misses",
                                                 "num_unique_objects", "mostly_tracked"], name="run")
    row = summary.loc["run"]
    return {"mota": float(row["mota"]), "idf1": float(row["idf1"]), "id_switches": int(row["num_switches"]),
            "precision": float(row["precision"]), "recall": float(row["recall"]),
            "false_positives": int(row["num_false_positives"]), "misses": int(row["num_misses"]),
            "mostly_tracked": int(row["mostly_tracked"]), "gt_identities": int(row["num_unique_objects"])}


def net_events(events: list[dict], line_id) -> list[dict]:
    """The counted in/out events of one line that were not cancelled later. A cancellation
    undoes the latest count of its track; a track id may count again after the engine
    restarted it (the jump rule: a new person, e.g. when a looped clip starts over), so
    counts are kept per count, not one per track id."""
    kept: dict = {}
    for event in events:
        if event.get("zoneId") != line_id or event.get("type") not in ("in", "out"):
            continue
        counts = kept.setdefault(event["trackId"], [])
        if event.get("cancelled"):
            if counts:
                counts.pop()
        else:
            counts.append(event)
    return sorted((e for counts in kept.values() for e in counts), key=lambda e: e["frameIndex"])


def match_events(predicted: list[dict], reference: list[dict], fps: float, tolerance_s: float = 1.0) -> dict:
    """One-to-one matching of crossing events with the same direction within tolerance_s;
    each event is {"frameIndex", "direction"}. Returns precision, recall, F1."""
    from scipy.optimize import linear_sum_assignment

    matched = 0
    if predicted and reference:
        big = 1e9
        cost = np.full((len(predicted), len(reference)), big)
        for i, p in enumerate(predicted):
            for j, r in enumerate(reference):
                seconds = abs(p["frameIndex"] - r["frameIndex"]) / fps
                if p["direction"] == r["direction"] and seconds <= tolerance_s:
                    cost[i, j] = seconds
        rows, cols = linear_sum_assignment(cost)
        matched = int(sum(cost[r, c] < big for r, c in zip(rows, cols)))
    precision = matched / len(predicted) if predicted else (1.0 if not reference else 0.0)
    recall = matched / len(reference) if reference else (1.0 if not predicted else 0.0)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "matched": matched,
            "predicted": len(predicted), "reference": len(reference)}


def mean_absolute_error(predicted: list[float], reference: list[float]) -> float:
    if len(predicted) != len(reference):
        raise ValueError("occupancy series differ in length")
    return float(np.mean(np.abs(np.asarray(predicted, float) - np.asarray(reference, float)))) if predicted else 0.0
