"""Per-crossing diagnosis at low detector rates: which reference crossings a replay misses or
adds, and what the tracker did with that person around the crossing.

For every reference crossing of a line (the ground truth counted on every frame by the same
engine) it prints whether a counted event of ours matches it (same direction within 1 s, the
evaluator's rule), and the track ids of ours that covered that person (IoU >= 0.5 with the
ground-truth box) on the frames run within 2 s of it, with their foot x/y and side of the
line, so a miss can be told apart: the person not detected near the line, a track broken at
the line (the new one born past it), a crossing counted in the wrong direction, ...

    .venv/bin/python tools/replay_crossings.py --detections D.json --gt gt.txt --every 12 \
        [--offsets 0,...,11] [--line vertical_line] [--tracker-options JSON] ...
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from types import SimpleNamespace

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tools.eval_data import load_mot  # noqa: E402
from tools.eval_metrics import net_events  # noqa: E402
from tools.replay_eval import REPO, replay  # noqa: E402


def iou(a, b) -> float:
    x1, y1 = max(a[0], b[0]), max(a[1], b[1])
    x2, y2 = min(a[2], b[2]), min(a[3], b[3])
    inter = max(0.0, x2 - x1) * max(0.0, y2 - y1)
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def side(line, point) -> str:
    (ax, ay), (bx, by) = line["a"], line["b"]
    value = (bx - ax) * (point[1] - ay) - (by - ay) * (point[0] - ax)
    return "+" if value > 0 else "-" if value < 0 else "0"


def gt_box(gt, frame, person):
    for identity, box in gt.get(frame, []):
        if identity == person:
            return box
    return None


def optimal_pairs(ours: list[dict], truth: list[dict], fps: float) -> dict[int, int]:
    """reference index -> our event index, matched as tools/eval_metrics.match_events does."""
    from scipy.optimize import linear_sum_assignment
    import numpy as np

    if not ours or not truth:
        return {}
    cost = np.full((len(truth), len(ours)), 1e9)
    for j, reference in enumerate(truth):
        for i, event in enumerate(ours):
            seconds = abs(event["frameIndex"] - reference["frameIndex"]) / fps
            if event["type"] == reference["type"] and seconds <= 1.0:
                cost[j, i] = seconds
    rows, cols = linear_sum_assignment(cost)
    return {int(r): int(c) for r, c in zip(rows, cols) if cost[r, c] < 1e9}


def diagnose(run: dict, gt: dict, line_id: str, ours=None) -> list[str]:
    line = next(line for line in run["lines"] if line["id"] == line_id)
    fps = run["fps"]
    ours = net_events(run["events"], line_id) if ours is None else ours
    truth = net_events(run["reference"]["events"], line_id)
    pairs = optimal_pairs(ours, truth, fps)
    used = set(pairs.values())
    out = []
    for number, reference in enumerate(truth):
        match = pairs.get(number)
        person = reference["trackId"]
        trail = []
        for frame in run["frames"]:
            if abs(frame["source"] - reference["frameIndex"]) > 2 * fps:
                continue
            box = gt_box(gt, frame["source"], person)
            if box is None:
                trail.append(f"f{frame['source']}:unlabelled")
                continue
            best = max(frame["tracks"], key=lambda t: iou(t["box"], box), default=None)
            if best is None or iou(best["box"], box) < 0.5:
                trail.append(f"f{frame['source']}:unseen(gt x{(box[0] + box[2]) / 2:.0f}{side(line, [(box[0] + box[2]) / 2, box[3]])})")
            else:
                mark = "p" if best["predicted"] else ""
                trail.append(f"f{frame['source']}:#{best['id']}{mark}@x{best['foot'][0]:.0f}{side(line, best['foot'])}")
        status = f"matched by #{ours[match]['trackId']} at f{ours[match]['frameIndex']}" if match is not None else "MISSED"
        out.append(f"  ref {reference['type']:<3} person {person:<3} f{reference['frameIndex']:<4} {status:<24} "
                   + " ".join(trail))
    for index, event in enumerate(ours):
        if index not in used:
            out.append(f"  EXTRA {event['type']} by #{event['trackId']} at f{event['frameIndex']}"
                       f"{' (inferred)' if any(e.get('inferred') and e['trackId'] == event['trackId'] and e.get('zoneId') == line_id for e in run['events']) else ''}")
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--detections", required=True, type=Path)
    parser.add_argument("--gt", required=True, type=Path)
    parser.add_argument("--every", type=int, default=12)
    parser.add_argument("--offsets", default="0")
    parser.add_argument("--line", default="vertical_line")
    parser.add_argument("--live", type=float, help="a simulated live run at this many runs/s (per pass)")
    parser.add_argument("--passes", type=int, default=3)
    parser.add_argument("--jitter", type=float, default=0.5)
    parser.add_argument("--seed", type=int, default=1, help="seed of the simulated live run's random spacing")
    parser.add_argument("--modules", default=str(REPO / "frontend" / "js"))
    parser.add_argument("--tracker-options", default="{}")
    parser.add_argument("--counting-options", default="{}")
    parser.add_argument("--line-options", default="{}")
    args = parser.parse_args(argv)
    gt = load_mot(args.gt)
    options = SimpleNamespace(detections=args.detections, gt=args.gt, tracker_options=args.tracker_options,
                              counting_options=args.counting_options, line_options=args.line_options)
    if args.live:
        extra = ["--live", str(args.live), "--passes", str(args.passes), "--jitter", str(args.jitter),
                 "--seed", str(args.seed), "--frame-index", "consecutive"]
        run = replay(options, args.modules, extra)
        length = run["frameCount"]
        for number in range(args.passes):
            # The pass's runs and counted events, with frame numbers of the clip.
            frames = [frame for frame in run["frames"] if frame["pass"] == number]
            ours = []
            for event in net_events(run["events"], args.line):
                frame = int(event["timestamp"] * run["fps"]) - number * length + 1
                if 1 <= frame <= length:
                    ours.append({**event, "frameIndex": frame})
            print(f"live {args.live}/s pass {number + 1} ({len(frames)} runs) {args.line}:")
            print("\n".join(diagnose({**run, "frames": frames}, gt, args.line, ours)))
        return 0
    for offset in (int(o) for o in args.offsets.split(",")):
        run = replay(options, args.modules, ["--every", str(args.every), "--offset", str(offset)])
        print(f"K={args.every} +{offset} {args.line}:")
        print("\n".join(diagnose(run, gt, args.line)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
