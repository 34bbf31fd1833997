"""How well can each reference line be counted at all? The app's CountingEngine on every frame
with perfect identities: the detector's boxes given the ground truth's ids
(tools/line_oracle.mjs), and the ground truth with its foot points moved by noise, scored like
the evaluator (crossing events, same direction within 1 s, against the ground truth counted by
the same engine). A line whose crossing F1 stays low here cannot be counted better by any
tracker: where the detector puts the feet decides it.

    .venv/bin/python tools/line_oracle.py --detections test-artifacts/evaluate/TUD-Stadtmitte.detections.json \
        --gt ../shared/data/TUD-Stadtmitte/gt.txt [--noise 1 2 4] [--seeds 5]
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tools.eval_metrics import match_events, net_events  # noqa: E402

REPO = Path(__file__).resolve().parent.parent


def line_f1(events, reference, line_id, fps) -> dict:
    ours = [{"frameIndex": e["frameIndex"], "direction": e["type"]} for e in net_events(events, line_id)]
    truth = [{"frameIndex": e["frameIndex"], "direction": e["type"]} for e in net_events(reference, line_id)]
    return match_events(ours, truth, fps)


def print_note(note) -> None:
    if note:
        dy = note["footDyPx"]
        print(f"    detector foot y minus ground truth's, px: p10 {dy['p10']:.1f}, median {dy['median']:.1f}, "
              f"p90 {dy['p90']:.1f}, mean |dy| {dy['meanAbs']:.1f}; ground-truth boxes without a detector box: "
              f"{note['gtBoxesWithoutDetection']}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--detections", required=True, help="a tools/evaluate.py recording (every frame)")
    parser.add_argument("--gt", required=True)
    parser.add_argument("--iou", type=float, default=0.5)
    parser.add_argument("--min-score", type=float, default=0.25)
    parser.add_argument("--noise", type=float, nargs="*", default=[1, 2, 4])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--per-line", action="store_true", help="print every line even when there are many")
    parser.add_argument("--modules", help="a frontend/js folder to count with (default: this tree's)")
    args = parser.parse_args(argv)
    command = ["node", str(REPO / "tools" / "line_oracle.mjs"), "--detections", args.detections, "--gt", args.gt,
               "--iou", str(args.iou), "--min-score", str(args.min_score), "--seeds", str(args.seeds)]
    if args.modules:
        command += ["--modules", args.modules]
    for sigma in args.noise:
        command += ["--noise", str(sigma)]
    result = json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)
    fps, reference = result["fps"], result["reference"]
    line_ids = [line["id"] for line in result["lines"]]
    print(f"{Path(args.gt).parent.name}: crossing F1 (1 s) with perfect identities, every frame")
    summary = {}
    groups: dict[str, list] = {}
    for variant in result["variants"]:
        groups.setdefault(variant["name"], []).append(variant)
    for name, variants in groups.items():
        figures = {}
        for line_id in line_ids:
            scores = [line_f1(v["events"], reference, line_id, fps) for v in variants]
            f1 = [s["f1"] for s in scores]
            figures[line_id] = {"f1_mean": round(sum(f1) / len(f1), 3), "f1_min": round(min(f1), 3),
                                "reference": scores[0]["reference"],
                                "predicted_mean": round(sum(s["predicted"] for s in scores) / len(scores), 2)}
        runs = f" ({len(variants)} seeds, mean [min])" if len(variants) > 1 else ""
        if len(line_ids) > 2 and not args.per_line:
            # many lines (a far view's 18): pooled over the lines, and how many reach 0.9, per seed
            pooled, at_least = [], []
            for variant in variants:
                scores = [line_f1(variant["events"], reference, line_id, fps) for line_id in line_ids]
                matched, counted, truth = (sum(s[key] for s in scores) for key in ("matched", "predicted", "reference"))
                precision = matched / counted if counted else 1.0
                recall = matched / truth if truth else 1.0
                pooled.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
                at_least.append(sum(1 for s in scores if s["f1"] >= 0.9))
            print(f"  {name}{runs}: crossing F1 pooled over {len(line_ids)} lines {sum(pooled) / len(pooled):.3f}"
                  + (f" [{min(pooled):.3f}]" if len(variants) > 1 else "")
                  + f", lines at 0.9 or more: {sum(at_least) / len(at_least):g}" + (f" [{min(at_least)}]" if len(variants) > 1 else "")
                  + f" of {len(line_ids)}")
            print_note(variants[0].get("note"))
            summary[name] = figures
            continue
        text = "  ".join(f"{line_id} F1 {figures[line_id]['f1_mean']:.3f}"
                         + (f" [{figures[line_id]['f1_min']:.3f}]" if len(variants) > 1 else "")
                         + f" ({figures[line_id]['predicted_mean']:g} counted / {figures[line_id]['reference']} reference)"
                         for line_id in line_ids)
        print(f"  {name}{runs}: {text}")
        print_note(variants[0].get("note"))
        summary[name] = figures
    print(json.dumps({"sequence": Path(args.gt).parent.name, "lines": summary}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
