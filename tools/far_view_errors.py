"""Where a far-view run loses people: the error analysis behind docs/detection.md's "Where the
far views lose people". Reads what tools/evaluate.py wrote for one run (the detections of every
frame with the regions the detector looked at, and the tracks reported) and the ground truth.

    .venv/bin/python tools/far_view_errors.py --detections test-artifacts/evaluate/V.auto.detections.json
        --tracks test-artifacts/evaluate/V.auto.tracks.txt --gt gt.txt [--identities 8]

Prints, by ground-truth height: the people looked at (held whole by a region run that frame, as
evaluate.py scores detection), the share of them detected (IoU >= 0.5, score >= 0.25), those with
only an unsure box (score < 0.25) there, the people not looked at, and the share of everyone the
tracks reported cover (boxes matched greedily, best IoU first: within a few thousandths of the
evaluator's figures); then the identities missed most where looked at; then the occupancy
error per zone and frame, split into people missing and extra (a person counts in the zone that
holds the bottom centre of their box; the app's counting may use the ankles) and the share of
it on the first frames; then the people looked at by how much of their box another person's
ground-truth box covers (people partly hidden), with the share detected; last, what the false positives are: the sure boxes looked at that match
nobody, matched as tools/evaluate.py matches them (one to one, IoU >= 0.5, the best total), by
kind: a near miss (IoU 0.3-0.5 with a person left unmatched: a miss too), a second box (IoU >= 0.3
with a person another box matched), at a panel's edge (within 3 px of a zone's border or across
one: on a far view, a panel's edge is the source frame's, where people step in and out of
view), or other.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tools.eval_data import load_mot, reference_zones  # noqa: E402
from tools.eval_scoring import DETECTION_SCORE, looked_at  # noqa: E402

HEIGHT_BINS = (0, 56, 64, 72, 80, 100, 10_000)
COVER_BINS = (0.0, 0.2, 0.4, 0.6, 0.8)  # share of a person's box another person's box covers
EDGE_MARGIN = 3  # px: a box this near a zone's (panel's) border is "at a panel's edge"
NEAR_MISS_IOU = 0.3
FALSE_POSITIVE_KINDS = ("near miss", "second box", "panel edge", "other")


def iou(a, b) -> float:
    width = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    height = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = width * height
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def greedy_match(truth: list, boxes: list, threshold: float = 0.5) -> dict[int, int]:
    """Ground-truth index -> box index, best IoU first, one to one, IoU >= threshold."""
    pairs = sorted(((iou(t, b), i, j) for i, t in enumerate(truth) for j, b in enumerate(boxes)), reverse=True)
    matched, used = {}, set()
    for value, i, j in pairs:
        if value < threshold:
            break
        if i not in matched and j not in used:
            matched[i] = j
            used.add(j)
    return matched


def height_bin(height: float) -> str:
    for low, high in zip(HEIGHT_BINS, HEIGHT_BINS[1:]):
        if low <= height < high:
            return f"{low}-{high}" if high < HEIGHT_BINS[-1] else f">={low}"
    return "?"


def by_height(frames: list[dict], gt: dict, tracks: dict, width: int, height: int) -> dict:
    """Per height bin: looked, detected, unsure_only, not_looked, all, tracked."""
    rows = defaultdict(lambda: dict.fromkeys(("looked", "detected", "unsure_only", "not_looked", "all", "tracked"), 0))
    identities = defaultdict(lambda: [0, 0])
    for frame in frames:
        index, count = frame["frameIndex"], frame["count"]
        boxes = [frame["boxes"][4 * i:4 * i + 4] for i in range(count)]
        sure = [box for box, score in zip(boxes, frame["scores"]) if score >= DETECTION_SCORE]
        unsure = [box for box, score in zip(boxes, frame["scores"]) if score < DETECTION_SCORE]
        people = gt.get(index, [])
        truth = [box for _, box in people]
        detected, hinted = greedy_match(truth, sure), greedy_match(truth, unsure)
        tracked = greedy_match(truth, tracks.get(index, []))
        for i, (identity, box) in enumerate(people):
            row = rows[height_bin(box[3] - box[1])]
            row["all"] += 1
            row["tracked"] += i in tracked
            if not looked_at(box, frame.get("observed"), width, height):
                row["not_looked"] += 1
                continue
            row["looked"] += 1
            row["detected"] += i in detected
            row["unsure_only"] += i not in detected and i in hinted
            # tools/far_view.py numbers a person panel * 100000 + their id in the source sequence
            identities[identity % 100_000][0] += 1
            identities[identity % 100_000][1] += i in detected
    return {"heights": dict(rows), "identities": dict(identities)}


def covered_share(box, others) -> float:
    """The largest share of `box`'s area that one of the `others` boxes covers."""
    area = (box[2] - box[0]) * (box[3] - box[1])
    best = 0.0
    for other in others:
        width = min(box[2], other[2]) - max(box[0], other[0])
        height = min(box[3], other[3]) - max(box[1], other[1])
        if width > 0 and height > 0 and area > 0:
            best = max(best, width * height / area)
    return best


def by_cover(frames: list[dict], gt: dict, width: int, height: int) -> dict:
    """The people looked at by covered_share() (lower bound of COVER_BINS) -> [looked, detected]."""
    rows = {low: [0, 0] for low in COVER_BINS}
    for frame in frames:
        count = frame["count"]
        sure = [frame["boxes"][4 * i:4 * i + 4] for i in range(count) if frame["scores"][i] >= DETECTION_SCORE]
        truth = [box for _, box in gt.get(frame["frameIndex"], [])]
        detected = greedy_match(truth, sure)
        for i, box in enumerate(truth):
            if not looked_at(box, frame.get("observed"), width, height):
                continue
            share = covered_share(box, truth[:i] + truth[i + 1:])
            low = max(bound for bound in COVER_BINS if share >= bound)
            rows[low][0] += 1
            rows[low][1] += i in detected
    return rows


def inside(point, polygon) -> bool:
    x, y = point
    result = False
    for (x1, y1), (x2, y2) in zip(polygon, polygon[1:] + polygon[:1]):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            result = not result
    return result


def occupancy_errors(zones: list[dict], gt: dict, tracks: dict, frames: list[int], first: int = 3) -> dict:
    """Mean per zone and frame of people missing and extra, and the share of the error on the first frames."""
    missing = extra = early = 0
    for number, index in enumerate(frames):
        for zone in zones:
            def count(boxes):
                return sum(inside(((b[0] + b[2]) / 2, b[3]), zone["polygon"]) for b in boxes)
            difference = count(tracks.get(index, [])) - count([box for _, box in gt.get(index, [])])
            missing += max(0, -difference)
            extra += max(0, difference)
            early += abs(difference) if number < first else 0
    cells = max(1, len(zones) * len(frames))
    return {"mae": (missing + extra) / cells, "missing": missing / cells, "extra": extra / cells,
            "first_frames_share": early / max(1, missing + extra), "first_frames": first}


def optimal_match(truth: list, boxes: list) -> dict[int, int]:
    """Ground-truth index -> box index as tools/evaluate.py's detection precision matches them:
    one to one, IoU >= 0.5, the assignment of least total 1 - IoU (tools/eval_metrics.py)."""
    import motmetrics as mm
    import numpy as np

    from tools.eval_metrics import _iou_distance

    if not truth or not boxes:
        return {}
    cost = _iou_distance(truth, boxes)
    rows, cols = mm.lap.linear_sum_assignment(np.nan_to_num(cost, nan=1e6))
    return {int(r): int(c) for r, c in zip(rows, cols) if not np.isnan(cost[r, c])}


def at_zone_edge(box, zones: list[dict], width: float, height: float, margin: float = EDGE_MARGIN) -> bool:
    """Within `margin` px of a border of the frame or of a zone's bounding rectangle, or across one."""
    x1, y1, x2, y2 = box
    xs, ys = {0.0, float(width)}, {0.0, float(height)}
    for zone in zones:
        xs.update(float(x) for x, _ in zone["polygon"])
        ys.update(float(y) for _, y in zone["polygon"])
    return (any(x1 - margin <= x <= x2 + margin for x in xs if x1 <= x + margin and x - margin <= x2)
            or any(y1 - margin <= y <= y2 + margin for y in ys if y1 <= y + margin and y - margin <= y2))


def false_positives(frames: list[dict], gt: dict, width: int, height: int, zones: list[dict]) -> dict:
    """The sure detections looked at that tools/evaluate.py counts as false (matched to nobody), by
    kind (FALSE_POSITIVE_KINDS, the first that applies), and all it counts in precision (a box
    matched to a person not looked at is left out, as there)."""
    kinds = dict.fromkeys(FALSE_POSITIVE_KINDS, 0)
    counted = 0
    for frame in frames:
        observed = frame.get("observed")
        boxes = [frame["boxes"][4 * i:4 * i + 4] for i in range(frame["count"]) if frame["scores"][i] >= DETECTION_SCORE]
        truth = [box for _, box in gt.get(frame["frameIndex"], [])]
        truth_looked = [looked_at(box, observed, width, height) for box in truth]
        matched = optimal_match(truth, boxes)
        box_to_truth = {box: person for person, box in matched.items()}
        for index, box in enumerate(boxes):
            if not looked_at(box, observed, width, height, margin=0):
                continue
            if index in box_to_truth:
                counted += truth_looked[box_to_truth[index]]
                continue
            counted += 1
            overlaps = [(iou(box, person), p) for p, person in enumerate(truth)]
            if any(value >= NEAR_MISS_IOU and p not in matched and truth_looked[p] for value, p in overlaps):
                kinds["near miss"] += 1
            elif any(value >= NEAR_MISS_IOU and p in matched for value, p in overlaps):
                kinds["second box"] += 1
            elif at_zone_edge(box, zones, width, height):
                kinds["panel edge"] += 1
            else:
                kinds["other"] += 1
    return {"kinds": kinds, "false": sum(kinds.values()), "counted": counted}


def load_tracks(path: Path) -> dict[int, list]:
    return {frame: [list(box) for _, box in rows] for frame, rows in load_mot(path).items()}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--detections", required=True, type=Path, help="<video>.auto.detections.json of tools/evaluate.py")
    parser.add_argument("--tracks", required=True, type=Path, help="<video>.auto.tracks.txt of tools/evaluate.py")
    parser.add_argument("--gt", required=True, type=Path)
    parser.add_argument("--identities", type=int, default=8, help="how many of the most missed identities to list")
    args = parser.parse_args(argv)
    recorded = json.loads(args.detections.read_text())
    gt, tracks = load_mot(args.gt), load_tracks(args.tracks)
    figures = by_height(recorded["frames"], gt, tracks, recorded["width"], recorded["height"])
    print("| gt height px | looked at | detected | unsure box only | not looked at | tracks reported cover |")
    print("| --- | --- | --- | --- | --- | --- |")
    total = dict.fromkeys(("looked", "detected", "unsure_only", "not_looked", "all", "tracked"), 0)
    for name in [height_bin(low) for low in HEIGHT_BINS[:-1]]:
        row = figures["heights"].get(name)
        if not row:
            continue
        total = {key: total[key] + row[key] for key in total}
        print(f"| {name} | {row['looked']} | {row['detected'] / max(1, row['looked']):.3f} | {row['unsure_only']} "
              f"| {row['not_looked']} | {row['tracked'] / max(1, row['all']):.3f} |")
    print(f"| all | {total['looked']} | {total['detected'] / max(1, total['looked']):.3f} | {total['unsure_only']} "
          f"| {total['not_looked']} | {total['tracked'] / max(1, total['all']):.3f} |")
    worst = sorted(figures["identities"].items(), key=lambda item: item[1][1] - item[1][0])[:args.identities]
    print("most missed where looked at (source sequence's id, all panels: missed of looked): "
          + ", ".join(f"{identity}: {looked - found}/{looked}" for identity, (looked, found) in worst))
    zones = reference_zones(Path(recorded["video"]))
    if zones:
        occupancy = occupancy_errors(zones, gt, tracks, [frame["frameIndex"] for frame in recorded["frames"]])
        print(f"occupancy per zone and frame (bottom centres): MAE {occupancy['mae']:.3f} = missing "
              f"{occupancy['missing']:.3f} + extra {occupancy['extra']:.3f}; first {occupancy['first_frames']} "
              f"frames: {occupancy['first_frames_share']:.0%} of the error")
    cover = by_cover(recorded["frames"], gt, recorded["width"], recorded["height"])
    print("people looked at by the share of their box another person covers: "
          + ", ".join(f"{low:.1f}-{low + 0.2:.1f} {looked} (detected {found / max(1, looked):.3f})"
                      for low, (looked, found) in cover.items()))
    wrong = false_positives(recorded["frames"], gt, recorded["width"], recorded["height"], zones or [])
    print(f"false positives (sure boxes looked at matching nobody): {wrong['false']} of {wrong['counted']} "
          f"(precision {1 - wrong['false'] / max(1, wrong['counted']):.3f}): "
          + ", ".join(f"{kind} {count}" for kind, count in wrong["kinds"].items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
