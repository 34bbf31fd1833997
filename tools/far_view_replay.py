"""Score a far view's automatic-regions run replayed in Node (tools/far_view_replay.mjs: the
recorded detections and looked-at regions through the tracker and counting) as tools/evaluate.py
scores the browser run: tracks' precision / recall, IDF1, ID switches, occupancy MAE per zone
(mean, worst) and of the whole frame, crossing F1 pooled over the lines and lines >= 0.9.

    .venv/bin/python tools/far_view_replay.py --detections test-artifacts/evaluate/V.auto.detections.json
        --gt test-artifacts/far_view/V/gt.txt [--modules DIR ...] [--tracker-options JSON ...]

Each --modules (a frontend/js folder) and each --tracker-options is replayed and printed on one
line (every combination). Replaying the code that made the recording gives the browser's
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


def replay(detections: Path, gt: Path, modules: str, tracker_options: str) -> dict:
    with tempfile.TemporaryDirectory(prefix="far-replay-") as folder:
        out = Path(folder) / "replay.json"
        subprocess.run(["node", str(REPO / "tools" / "far_view_replay.mjs"), "--detections", str(detections),
                        "--gt", str(gt), "--modules", modules, "--tracker-options", tracker_options, "--out", str(out)],
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


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--detections", required=True, type=Path)
    parser.add_argument("--gt", required=True, type=Path)
    parser.add_argument("--modules", action="append", default=[])
    parser.add_argument("--tracker-options", action="append", default=[])
    parser.add_argument("--account", action="store_true", help="also print who is missing and why (account())")
    args = parser.parse_args(argv)
    gt = load_mot(args.gt)
    for modules in args.modules or [str(REPO / "frontend" / "js")]:
        for options in args.tracker_options or ["{}"]:
            run = replay(args.detections, args.gt, modules, options)
            f = score(run, gt)
            print(f"tracks P/R {f['track_precision']:.3f}/{f['track_recall']:.3f} IDF1 {f['idf1']:.3f} sw {f['id_switches']} "
                  f"occupancy per zone {f['occupancy_zone_mean']:.3f} (worst {f['occupancy_zone_max']:.3f}) "
                  f"frame {f['occupancy_frame']:.3f} crossing F1 {f['crossing_f1_pooled']:.3f} "
                  f"lines >= 0.9: {f['lines_at_least_0.9']}/{f['lines']} crops differing from the recording on {run['differing']} frames  [{modules} {options}]", flush=True)
            if args.account:
                for (span, cause), count in sorted(account(run, gt).items()):
                    print(f"  {span}: {cause}: {count}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
