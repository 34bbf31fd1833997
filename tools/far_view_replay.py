"""Score a far view's automatic-regions run replayed in Node (tools/far_view_replay.mjs: the
recorded detections and looked-at regions through the tracker and counting) as tools/evaluate.py
scores the browser run: tracks' precision / recall, IDF1, ID switches, occupancy MAE per zone
(mean, worst) and of the whole frame, crossing F1 pooled over the lines and lines >= 0.9.

    .venv/bin/python tools/far_view_replay.py --detections test-artifacts/evaluate/V.auto.detections.json
        --gt test-artifacts/far_view/V/gt.txt [--modules DIR ...] [--tracker-options JSON ...] [--region-plan-options JSON] [--account] [--panels]

Each --modules (a frontend/js folder) and each --tracker-options is replayed and printed on one
line (every combination). --account: who is missing from the tracks reported and why; --panels: what
each zone's (panel's) occupancy error is made of, unit by unit (panel_account()). Replaying the code that made the recording gives the browser's
figures; after a tracker change the crops that ran out of turn are still the recorded ones.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tools.eval_data import load_mot  # noqa: E402
from tools.eval_metrics import match_events, mean_absolute_error, mot_metrics, net_events  # noqa: E402

REPO = Path(__file__).resolve().parent.parent


def replay(detections: Path, gt: Path, modules: str, tracker_options: str, region_plan_options: str = "{}") -> dict:
    with tempfile.TemporaryDirectory(prefix="far-replay-") as folder:
        out = Path(folder) / "replay.json"
        subprocess.run(["node", str(REPO / "tools" / "far_view_replay.mjs"), "--detections", str(detections),
                        "--gt", str(gt), "--modules", modules, "--tracker-options", tracker_options,
                        "--region-plan-options", region_plan_options, "--out", str(out)],
                       check=True)
        return json.loads(out.read_text())


def score(run: dict, gt: dict) -> dict:
    frames = [frame["frameIndex"] for frame in run["frames"]]
    mot = mot_metrics({frame["frameIndex"]: frame["tracks"] for frame in run["frames"]}, gt, frames)
    zones = {}
    for zone in run["zones"]:
        zones[zone["id"]] = mean_absolute_error([frame["zones"][zone["id"]] for frame in run["frames"]],
                                                [reference[zone["id"]] for reference in run["reference"]["zones"]])
    matched = predicted = reference = 0
    lines = {}
    for line in run["lines"]:
        ours = [{"frameIndex": e["frameIndex"], "direction": e["type"]} for e in net_events(run["events"], line["id"])]
        truth = [{"frameIndex": e["frameIndex"], "direction": e["type"]}
                 for e in net_events(run["reference"]["events"], line["id"])]
        events = match_events(ours, truth, run["fps"])
        lines[line["id"]] = events
        matched, predicted, reference = matched + events["matched"], predicted + events["predicted"], reference + events["reference"]
    precision = matched / predicted if predicted else 1.0
    recall = matched / reference if reference else 1.0
    return {
        "track_precision": mot["precision"], "track_recall": mot["recall"], "idf1": mot["idf1"],
        "id_switches": mot["id_switches"],
        "occupancy_frame": mean_absolute_error([len(frame["tracks"]) for frame in run["frames"]],
                                               [len(gt.get(f, [])) for f in frames]),
        "occupancy_zone_mean": sum(zones.values()) / len(zones) if zones else None,
        "occupancy_zone_max": max(zones.values()) if zones else None,
        "crossing_f1_pooled": 2 * precision * recall / (precision + recall) if precision + recall else 0.0,
        "lines_at_least_0.9": sum(1 for events in lines.values() if events["f1"] >= 0.9),
        "lines": len(lines),
    }


def account(run: dict, gt: dict) -> dict:
    """Who is missing from the tracks reported, person by frame: a ground-truth box no reported
    track matches (IoU >= 0.5, best first) is put down to the unreported track on it (IoU >= 0.3:
    'lost' or 'unconfirmed'), else 'no track'; split into the first 3 frames and the rest, and
    by whether the detector looked at the person on that frame. Boxes reported that match nobody:
    'extra', split into predicted and detected."""
    from tools.eval_scoring import looked_at
    from tools.far_view_errors import greedy_match, iou

    counts: dict = {}
    for frame in run["frames"]:
        truth = [box for _, box in gt.get(frame["frameIndex"], [])]
        boxes = [track["box"] for track in frame["tracks"]]
        matched = greedy_match(truth, boxes)
        span = "frames 1-3" if frame["frameIndex"] <= 3 else "frames 4+"
        for index, box in enumerate(truth):
            if index in matched:
                continue
            overlaps = sorted(((iou(box, track["box"]), track["state"]) for track in frame["unreported"]), reverse=True)
            cause = overlaps[0][1] if overlaps and overlaps[0][0] >= 0.3 else "no track"
            looked = "looked at" if looked_at(box, frame["observed"], run["width"], run["height"]) else "not looked at"
            for key in ((span, cause), ("all", cause), ("all", f"{cause}, {looked}")):
                counts[key] = counts.get(key, 0) + 1
        used = set(matched.values())
        for index, track in enumerate(frame["tracks"]):
            if index not in used:
                key = ("all", "extra, predicted" if track["predicted"] else "extra, detected")
                counts[key] = counts.get(key, 0) + 1
    return counts


MISSING = ("not detected yet", "new track waiting for a second sighting", "lost track not reported",
           "hidden behind someone (>= 0.6 of the box), no track", "in the open, no track", "their track stands in another zone")
EXTRA = ("a person standing in another zone", "second track on a person, predicted", "second track on a person, detected",
         "predicted, nobody there", "detected at the zone's side edge, nobody there", "detected, nobody there")


def _inside(polygon: list, x: float, y: float) -> bool:
    """Even-odd ray casting, as containsPoint() of frontend/js/geometry/polygon.js (a rectangle holds its top and left edges)."""
    inside = False
    for i in range(len(polygon)):
        (xi, yi), (xj, yj) = polygon[i], polygon[i - 1]
        if (yi > y) != (yj > y) and x < xi + (y - yi) * (xj - xi) / (yj - yi):
            inside = not inside
    return inside


def _covered(box, other) -> float:
    width = max(0.0, min(box[2], other[2]) - max(box[0], other[0]))
    height = max(0.0, min(box[3], other[3]) - max(box[1], other[1]))
    area = (box[2] - box[0]) * (box[3] - box[1])
    return width * height / area if area > 0 else 0.0


def panel_account(run: dict, gt: dict, detections: dict | None = None, score_threshold: float = 0.25) -> dict:
    """What each zone's occupancy error is made of, person by frame. On every frame the zone's error
    (its occupancy minus the ground truth's, counted by the same engine) is put down, unit by unit, to
    the people missing from it (when short) or the tracks too many (when over), in the order of
    MISSING / EXTRA: a person in the zone (foot point: bottom centre) with no reported track on them
    (IoU >= 0.3) is "not detected yet" when no detector box (score >= score_threshold, IoU >= 0.5)
    has matched them on this frame or before, else by the unreported track on them or how much of their
    box someone else's covers; a reported track standing in the zone with nobody of the zone under it
    is put down to the person it is on elsewhere, a person another track holds, or nobody.
    Returns {zone id: {"mae", "over", "short", "causes": {cause: person-frames}}}; the causes of a zone
    add up to its over + short, and (over + short) / frames is its MAE."""
    from tools.far_view_errors import greedy_match, iou

    recorded = {frame["frameIndex"]: frame for frame in (detections or {}).get("frames", [])}
    detected_before: set = set()
    figures = {zone["id"]: {"mae": 0.0, "over": 0, "short": 0, "causes": {}} for zone in run["zones"]}
    for number, frame in enumerate(run["frames"]):
        index = frame["frameIndex"]
        truth = gt.get(index, [])
        if index in recorded:
            source = recorded[index]
            boxes = [source["boxes"][4 * i:4 * i + 4] for i in range(source["count"]) if source["scores"][i] >= score_threshold]
            detected_before |= {truth[i][0] for i in greedy_match([box for _, box in truth], boxes)}
        tracks = frame["tracks"]
        # Each person to the reported track on them (IoU >= 0.3, best first; a detected box before a predicted one).
        pairs = sorted(((iou(box, track["box"]), not track["predicted"], -j, i) for i, (_, box) in enumerate(truth)
                        for j, track in enumerate(tracks)), reverse=True)
        matched: dict = {}
        for value, _, j, i in pairs:
            if value >= 0.3 and i not in matched and -j not in matched.values():
                matched[i] = -j
        holder = {j: i for i, j in matched.items()}
        for zone in run["zones"]:
            polygon, entry = zone["polygon"], figures[zone["id"]]
            error = frame["zones"][zone["id"]] - run["reference"]["zones"][number][zone["id"]]
            causes = []
            if error < 0:
                for i, (identity, box) in enumerate(truth):
                    if not _inside(polygon, (box[0] + box[2]) / 2, box[3]):
                        continue
                    if i in matched:
                        if not _inside(polygon, *tracks[matched[i]]["foot"]):
                            causes.append(5)
                        continue
                    states = [u["state"] for u in frame.get("unreported", []) if iou(box, u["box"]) >= 0.3]
                    hidden = max([_covered(box, other) for other_id, other in truth if other_id != identity] or [0.0])
                    causes.append(0 if identity not in detected_before else 1 if "unconfirmed" in states
                                  else 2 if states else 3 if hidden >= 0.6 else 4)
                names = MISSING
            elif error > 0:
                for j, track in enumerate(tracks):
                    if not _inside(polygon, *track["foot"]):
                        continue
                    if j in holder:
                        person = truth[holder[j]][1]
                        if not _inside(polygon, (person[0] + person[2]) / 2, person[3]):
                            causes.append(0)
                        continue
                    on_someone = any(iou(box, track["box"]) >= 0.3 for _, box in truth)
                    edge = any(abs(track["box"][side] - x) <= 3 for side in (0, 2) for x, _ in polygon)
                    causes.append((1 if track["predicted"] else 2) if on_someone else 3 if track["predicted"] else 4 if edge else 5)
                names = EXTRA
            causes.sort()
            for k in range(abs(error)):
                cause = names[causes[k]] if k < len(causes) else "other (a predicted track counted in the zone it was last seen in)" if error > 0 else "other"
                entry["causes"][cause] = entry["causes"].get(cause, 0) + 1
            entry["over" if error > 0 else "short"] += abs(error)
    for entry in figures.values():
        entry["mae"] = (entry["over"] + entry["short"]) / len(run["frames"]) if run["frames"] else 0.0
    return figures


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--detections", required=True, type=Path)
    parser.add_argument("--gt", required=True, type=Path)
    parser.add_argument("--modules", action="append", default=[])
    parser.add_argument("--tracker-options", action="append", default=[])
    parser.add_argument("--region-plan-options", default="{}",
                        help="the region plan's options the recording was made with (tools/evaluate.py --region-plan-options)")
    parser.add_argument("--account", action="store_true", help="also print who is missing and why (account())")
    parser.add_argument("--panels", action="store_true", help="also print what each zone's occupancy error is made of (panel_account())")
    args = parser.parse_args(argv)
    gt = load_mot(args.gt)
    for modules in args.modules or [str(REPO / "frontend" / "js")]:
        for options in args.tracker_options or ["{}"]:
            run = replay(args.detections, args.gt, modules, options, args.region_plan_options)
            f = score(run, gt)
            print(f"tracks P/R {f['track_precision']:.3f}/{f['track_recall']:.3f} IDF1 {f['idf1']:.3f} sw {f['id_switches']} "
                  f"occupancy per zone {f['occupancy_zone_mean']:.3f} (worst {f['occupancy_zone_max']:.3f}) "
                  f"frame {f['occupancy_frame']:.3f} crossing F1 {f['crossing_f1_pooled']:.3f} "
                  f"lines >= 0.9: {f['lines_at_least_0.9']}/{f['lines']} crops differing from the recording on {run['differing']} frames  [{modules} {options}]", flush=True)
            if args.account:
                for (span, cause), count in sorted(account(run, gt).items()):
                    print(f"  {span}: {cause}: {count}")
            if args.panels:
                recording = json.loads(args.detections.read_text())
                for zone, entry in panel_account(run, gt, recording).items():
                    causes = ", ".join(f"{cause} {count}" for cause, count in sorted(entry["causes"].items(), key=lambda item: -item[1]))
                    print(f"  {zone}: occupancy MAE {entry['mae']:.3f} = (over {entry['over']} + short {entry['short']}) / "
                          f"{len(run['frames'])} frames; person-frames: {causes}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
