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
it on the first frames.
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
