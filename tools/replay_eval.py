"""Score tracker + counting on recorded detections at lower detector rates, in seconds.

tools/evaluate.py runs the detector in the browser once and saves its detections
(test-artifacts/evaluate/<video>.detections.json); this replays them through the tracker and
counting engine in Node (tools/replay_tracks.mjs) at every K-th frame, or as a simulated live
run on the looped clip, and scores the result with the evaluator's own metrics (IDF1 on the
frames processed; crossing events matched within 1 s to the ground truth counted by the
same engine).

    .venv/bin/python tools/replay_eval.py --detections D.json --gt gt.txt [--every 1,3,6,12]
        [--offsets 0,1,...] [--modules DIR ...] [--peer] [--live RATE --passes N]
        [--tracker-options JSON] [--counting-options JSON] [--line-options JSON] [--json OUT]
        [--cadence JSON ...]   (every frame through the FramePipeline with that DetectorCadence, the
                                recorded detections only where it runs the detector; 'null' = every
                                frame; prints detector runs per frame next to IDF1 over every frame,
                                crossing F1 per line and the whole-frame occupancy MAE; with
                                --offsets, once per first frame (the clip trimmed at the start), the
                                means over offsets, and each cadence minus 'null' per offset:
                                mean [min, max])
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
from tools.eval_peer import run_peer  # noqa: E402

REPO = Path(__file__).resolve().parent.parent


def replay(args, modules: str, extra: list[str]) -> dict:
    with tempfile.TemporaryDirectory(prefix="replay-") as folder:
        out = Path(folder) / "replay.json"
        command = ["node", str(REPO / "tools" / "replay_tracks.mjs"), "--detections", str(args.detections),
                   "--gt", str(args.gt), "--modules", modules, "--tracker-options", args.tracker_options,
                   "--counting-options", args.counting_options, "--line-options", args.line_options,
                   "--out", str(out), *extra]
        subprocess.run(command, check=True)
        return json.loads(out.read_text())


def score(run: dict, gt: dict) -> dict:
    """IDF1 on the processed frames (offline runs) and per-line crossing figures."""
    figures = {"runs": run["runs"], "ms": run["milliseconds"], "lines": {}}
    if "every" in run["mode"]:
        tracks = {frame["source"]: frame["tracks"] for frame in run["frames"]}
        figures["mot"] = mot_metrics(tracks, gt, sorted(tracks))
    passes = run["mode"].get("passes", 1)
    for line in run["lines"]:
        line_id = line["id"]
        ours = [{"frameIndex": e["frameIndex"], "direction": e["type"]} for e in net_events(run["events"], line_id)]
        truth = [{"frameIndex": e["frameIndex"], "direction": e["type"]}
                 for e in net_events(run["reference"]["events"], line_id)]
        final, reference = run["final"][line_id], run["reference"]["final"][line_id]
        entry = {"in": final["in"], "out": final["out"], "reference_in": reference["in"] * passes,
                 "reference_out": reference["out"] * passes}
        if "every" in run["mode"]:
            entry["events"] = match_events(ours, truth, run["fps"])
            # The reference counts every frame from frame 1: a crossing before the run's first
            # frame (or after its last) cannot be seen by any tracker fed these frames. Scored
            # apart, the headline figure stays the one over every reference crossing.
            first, last = min(f["source"] for f in run["frames"]), max(f["source"] for f in run["frames"])
            entry["events_in_span"] = match_in_span(ours, truth, first, last, run["fps"])
        else:
            entry["per_pass"] = _per_pass(run, line_id, passes)
        figures["lines"][line_id] = entry
    return figures


def match_in_span(ours: list[dict], truth: list[dict], first: int, last: int, fps: float) -> dict:
    """Crossing F1 where only the reference crossings inside frames first..last can be missed:
    recall over those; precision over every reference crossing (a counted crossing that really
    happened, e.g. inferred by the entry rule for someone who crossed just before the run's
    first frame, is not a false count)."""
    inside = match_events(ours, [e for e in truth if first <= e["frameIndex"] <= last], fps)
    every = match_events(ours, truth, fps)
    precision = every["precision"]
    recall = inside["recall"]
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "matched": inside["matched"],
            "predicted": len(ours), "reference": inside["reference"]}


def _per_pass(run: dict, line_id: str, passes: int) -> list[list[int]]:
    """Net in/out of the counted events grouped by the pass of the clip they fall in."""
    counts = [[0, 0] for _ in range(passes + 1)]
    for event in net_events(run["events"], line_id):
        seconds = event["timestamp"]
        index = min(passes, int(seconds * run["fps"] // run["frameCount"]))
        counts[index][0 if event["type"] == "in" else 1] += 1
    return counts[:passes]


def score_peer(args, every: int, offset: int, gt: dict, reference: dict) -> dict:
    """Ultralytics' BYTETracker + ObjectCounter (tools/peer_ultralytics.py) on the same
    detections at every K-th frame; its frame rate is the rate it is fed (fps / K)."""
    recorded = json.loads(Path(args.detections).read_text())
    frames = [f for f in recorded["frames"] if (f["frameIndex"] - 1 - offset) % every == 0 and f["frameIndex"] > offset]
    results = [{"frameIndex": f["frameIndex"], "detections": f} for f in frames]
    peer = run_peer(results, reference["lines"], recorded["fps"] / every)
    tracks = {f["frameIndex"]: f["tracks"] for f in peer["frames"]}
    figures = {"mot": mot_metrics(tracks, gt, sorted(tracks)), "lines": {}}
    for line in reference["lines"]:
        predicted = [{"frameIndex": e["frameIndex"], "direction": e["direction"]} for e in peer["lines"][line["id"]]["events"]]
        truth = [{"frameIndex": e["frameIndex"], "direction": e["type"]}
                 for e in net_events(reference["reference"]["events"], line["id"])]
        figures["lines"][line["id"]] = {"in": peer["lines"][line["id"]]["in"], "out": peer["lines"][line["id"]]["out"],
                                        "events": match_events(predicted, truth, recorded["fps"])}
    return figures


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--detections", required=True, type=Path)
    parser.add_argument("--gt", required=True, type=Path)
    parser.add_argument("--every", default="1,3,6,12", help="comma-separated K values (default %(default)s)")
    parser.add_argument("--offsets", default="0", help="comma-separated first frames (0-based) to average over")
    parser.add_argument("--modules", action="append", default=[], help="frontend/js folder(s) to compare")
    parser.add_argument("--live", type=float, help="simulate a live run at this many detector runs/s instead")
    parser.add_argument("--passes", type=int, default=7)
    parser.add_argument("--jitter", type=float, default=0.5)
    parser.add_argument("--seed", type=int, default=1, help="seed of the simulated live run's random spacing")
    parser.add_argument("--frame-index", default="video", choices=["video", "consecutive"])
    parser.add_argument("--tracker-options", default="{}")
    parser.add_argument("--counting-options", default="{}")
    parser.add_argument("--line-options", default="{}", help="options added to every reference line")
    parser.add_argument("--peer", action="store_true", help="also score Ultralytics' tracker at each K (.venv-export)")
    parser.add_argument("--cadence", action="append", default=[], metavar="JSON",
                        help="DetectorCadence options (repeatable; 'null': the detector on every frame)")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    gt = load_mot(args.gt)
    modules = args.modules or [str(REPO / "frontend" / "js")]
    results = []
    if args.cadence:
        for cadence in args.cadence:
            for offset in _offsets(args):
                results.append(replay_cadence(args, modules[-1], cadence, offset, gt))
        print_means(results)
        print_cadence_differences(results)
        if args.json:
            args.json.write_text(json.dumps(results) + "\n")
        return 0
    for module in modules:
        if args.live:
            extra = ["--live", str(args.live), "--passes", str(args.passes), "--jitter", str(args.jitter), "--seed", str(args.seed),
                     "--frame-index", args.frame_index]
            figures = score(replay(args, module, extra), gt)
            results.append({"modules": module, "live": args.live, **figures})
            per_line = "; ".join(f"{lid}: {f['in']}/{f['out']} (ref {f['reference_in']}/{f['reference_out']}) "
                                 f"per pass {f['per_pass']}" for lid, f in figures["lines"].items())
            print(f"{module} live {args.live}/s x{args.passes}: {per_line}")
            continue
        for every in (int(k) for k in args.every.split(",")):
            for offset in _offsets(args, every):
                run = replay(args, module, ["--every", str(every), "--offset", str(offset)])
                figures = score(run, gt)
                if args.peer and module == modules[-1]:
                    figures["peer"] = score_peer(args, every, offset, gt, run)
                results.append({"modules": module, "every": every, "offset": offset, **figures})
                lines = "  ".join(f"{lid} {f['in']}/{f['out']} (ref {f['reference_in']}/{f['reference_out']}) "
                                  f"F1 {f['events']['f1']:.3f}" for lid, f in figures["lines"].items())
                mot = figures["mot"]
                print(f"K={every:<2} +{offset:<2} IDF1 {mot['idf1']:.3f} MOTA {mot['mota']:.3f} "
                      f"sw {mot['id_switches']:<2} {lines}  [{Path(module).parent.parent.name}]", flush=True)
                if "peer" in figures:
                    peer = figures["peer"]
                    lines = "  ".join(f"{lid} {f['in']}/{f['out']} F1 {f['events']['f1']:.3f}" for lid, f in peer["lines"].items())
                    print(f"K={every:<2} +{offset:<2} IDF1 {peer['mot']['idf1']:.3f} MOTA {peer['mot']['mota']:.3f} "
                          f"sw {peer['mot']['id_switches']:<2} {lines}  [peer]", flush=True)
    if not args.live:
        print_means(results)
    if args.json:
        args.json.write_text(json.dumps(results) + "\n")
    return 0


def _offsets(args, every: int | None = None) -> list[int]:
    """The first frames (0-based) to run from; with K, only those below K (the others repeat a phase)."""
    return [offset for offset in (int(o) for o in args.offsets.split(",")) if every is None or offset < every]


def replay_cadence(args, module: str, cadence: str, offset: int, gt: dict) -> dict:
    """One cadence over every frame from the (offset+1)-th: runs per frame, IDF1 on those frames,
    F1 per line, occupancy MAE."""
    extra = ["--cadence", cadence] if json.loads(cadence) is not None else ["--every", "1"]
    run = replay(args, module, [*extra, "--offset", str(offset)])
    figures = score(run, gt)
    frames = [frame["source"] for frame in run["frames"]]
    counts = [len(frame["tracks"]) for frame in run["frames"]]
    figures["occupancy_mae"] = mean_absolute_error(counts, [len(gt.get(f, [])) for f in frames])
    figures["frames"] = len(frames)
    figures["runs_per_frame"] = run["runs"] / len(frames)
    figures["reasons"] = run["mode"].get("reasons", {})
    lines = "  ".join(f"{lid} {f['in']}/{f['out']} (ref {f['reference_in']}/{f['reference_out']}) F1 {f['events']['f1']:.3f}"
                      for lid, f in figures["lines"].items())
    mot = figures["mot"]
    print(f"+{offset:<2} runs/frame {figures['runs_per_frame']:.3f} IDF1 {mot['idf1']:.3f} sw {mot['id_switches']:<2} "
          f"occ {figures['occupancy_mae']:.3f} {lines}  {cadence} {figures['reasons']}", flush=True)
    return {"modules": module, "cadence": json.loads(cadence), "offset": offset, **figures}


def _span_mean(runs: list[dict], line_id: str) -> str:
    """' (in span 0.xxx)': the mean F1 where only the reference crossings inside the frames each run
    saw can be missed (match_in_span)."""
    spans = [r["lines"][line_id].get("events_in_span") for r in runs]
    if not all(spans):
        return ""
    return f" (in span {sum(s['f1'] for s in spans) / len(spans):.3f})"


def _label(result: dict) -> str:
    return f"cadence {json.dumps(result['cadence'])}" if "cadence" in result else f"K={result['every']}"


def print_means(results: list[dict]) -> None:
    """Mean IDF1 and crossing F1 per (modules, K or cadence) over the offsets run; with a cadence
    also the occupancy MAE and detector runs per frame."""
    groups: dict = {}
    for result in results:
        groups.setdefault((result["modules"], _label(result)), []).append(result)
    for (module, label), runs in groups.items():
        if len(runs) < 2:
            continue
        for name, pick in (("", lambda r: r), (" [peer]", lambda r: r.get("peer"))):
            chosen = [pick(r) for r in runs if pick(r)]
            if not chosen:
                continue
            idf1 = sum(r["mot"]["idf1"] for r in chosen) / len(chosen)
            lines = "  ".join(f"{lid} F1 {sum(r['lines'][lid]['events']['f1'] for r in chosen) / len(chosen):.3f}"
                              + _span_mean(chosen, lid) for lid in chosen[0]["lines"])
            extra = "".join(f"  {key} {sum(r[key] for r in chosen) / len(chosen):.3f}"
                            for key in ("occupancy_mae", "runs_per_frame") if key in chosen[0])
            print(f"mean over {len(chosen)} offsets, {label}: IDF1 {idf1:.3f}  {lines}{extra}  "
                  f"[{Path(module).parent.parent.name}]{name}")


def print_cadence_differences(results: list[dict]) -> None:
    """Each cadence minus the detector on every frame ('null') at the same offset: the mean of
    those paired differences over the offsets and their [min, max]."""
    every_frame = {(r["modules"], r["offset"]): r for r in results if r["cadence"] is None}
    groups: dict = {}
    for result in results:
        baseline = every_frame.get((result["modules"], result["offset"]))
        if result["cadence"] is not None and baseline:
            groups.setdefault((result["modules"], _label(result)), []).append((result, baseline))
    for (module, label), pairs in groups.items():
        figures = {"IDF1": lambda r: r["mot"]["idf1"], "occupancy_mae": lambda r: r["occupancy_mae"],
                   "runs_per_frame": lambda r: r["runs_per_frame"]}
        for line_id in pairs[0][0]["lines"]:
            figures[f"{line_id} F1"] = lambda r, line_id=line_id: r["lines"][line_id]["events"]["f1"]
        parts = []
        for name, value in figures.items():
            differences = [value(on) - value(off) for on, off in pairs]
            parts.append(f"{name} {sum(differences) / len(differences):+.3f} "
                         f"[{min(differences):+.3f}, {max(differences):+.3f}]")
        print(f"{label} minus null over {len(pairs)} offsets: {'  '.join(parts)}  [{Path(module).parent.parent.name}]")


if __name__ == "__main__":
    sys.exit(main())
