"""Evaluate the app's real pipeline (the detector, then the FramePipeline the monitor drives:
ByteTracker -> CountingEngine, in headless Chromium, every frame) against MOT ground truth and,
with --peer, against Ultralytics' BYTETracker + ObjectCounter fed the same detections.

    .venv/bin/python tools/evaluate.py --video V.mp4 --gt gt.txt [--line X1,Y1,X2,Y2 ...]
        [--zone X1,Y1,X2,Y2,X3,Y3,... ...] [--imgsz N] [--runtime litert|ort] [--precision fp32|int8]
        [--json OUT] [--peer] [--tracks-out T.txt]

Without --line the reference lines of the sequence's reference_counts.json are used (and, for a
set made by tools/far_view.py, its listed lines and zones). The detector looks where the app's
planner says (--regions auto, frontend/js/pipeline/region_plan.js); --compare-regions runs the
whole frame and the automatic regions one after the other and prints both columns.
Prints a table and, last, one JSON line with every figure.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tools.eval_data import load_mot, parse_line, parse_zone, reference_lines, reference_zones, write_mot  # noqa: E402
from tools.eval_report import emit_json_line, evaluate_goals, print_table  # noqa: E402
from tools.eval_regions import compare_regions, per_line_rows, print_comparison, print_per_line  # noqa: E402
from tools.eval_scoring import score_run  # noqa: E402
from tools.harness import REPO, probe_video  # noqa: E402
from tools.eval_peer import run_peer  # noqa: E402

# The detector's runtimes and precisions (frontend/js/detector/index.js: RUNTIMES, createDetector's precision).
RUNTIMES = ("litert", "ort")
PRECISIONS = ("fp32", "int8")

def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--video", required=True, type=Path)
    parser.add_argument("--gt", required=True, type=Path, help="MOT-format gt.txt (frame N = N-th decoded frame)")
    parser.add_argument("--line", action="append", default=[], metavar="X1,Y1,X2,Y2",
                        help="directed counting line A->B (repeatable); 'in' = towards (B-A)x(P-A) > 0")
    parser.add_argument("--zone", action="append", default=[], metavar="X1,Y1,X2,Y2,X3,Y3,...",
                        help="polygon zone for occupancy (repeatable)")
    parser.add_argument("--imgsz", type=int, default=None, help="model input size (default: the default model's)")
    parser.add_argument("--json", type=Path, help="write the JSON result here too")
    parser.add_argument("--peer", action="store_true", help="also run Ultralytics' BYTETracker + ObjectCounter")
    parser.add_argument("--peer-python", type=Path, default=None,
                        help="interpreter with ultralytics (default .venv-export/bin/python, else /tmp/probe-export)")
    parser.add_argument("--tracks-out", type=Path, help="MOT-format tracks (default test-artifacts/evaluate/<video>.tracks.txt)")
    parser.add_argument("--detector-threshold", type=float, default=None,
                        help="detector score threshold (default: the app's, DETECTOR_SCORE_THRESHOLD in "
                             "frontend/js/pipeline/frame_pipeline.js = the tracker's low threshold)")
    # The model the browser's detector runs (createDetector's runtime and precision).
    for flag, choices, what in (
            ("--runtime", RUNTIMES, "the detector's runtime: litert (LiteRT.js) or ort (onnxruntime-web)"),
            ("--precision", PRECISIONS, "the model's precision: fp32 or int8")):
        parser.add_argument(flag, choices=choices, default=None,
                            help=f"{what} (default: that of frontend/models/index.json's default model); with "
                                 "--runtime or --precision the run's files are named by the model, e.g. "
                                 "<video>.litert-int8.detections.json")
    parser.add_argument("--backend", default="wasm", help="onnxruntime-web backend (default wasm: deterministic)")
    parser.add_argument("--threads", type=int, default=None, help="WASM threads (default: the detector's)")
    parser.add_argument("--regions", default="auto", metavar="auto|whole|JSON",
                        help="where the detector looks: auto (the app's planner, frontend/js/pipeline/region_plan.js: "
                             "full-resolution crops where people are too small; the default), whole (the whole frame "
                             'only) or fixed crops, e.g. \'[{"x":0,"y":0,"width":640,"height":480}]\'')
    parser.add_argument("--region-plan-options", default="{}", metavar="JSON", help="RegionPlanner options")
    parser.add_argument("--compare-regions", action="store_true",
                        help="run twice in one session, whole frame then the automatic regions, and print both "
                             "columns side by side (issue 13's figures)")
    parser.add_argument("--reference-recall", type=float, default=None,
                        help="with --compare-regions: the detection recall of the same sequence at full size "
                             "(for the 'recall within 0.05' target)")
    parser.add_argument("--full-size-json", type=Path, default=None,
                        help="with --compare-regions on a far view: the --json of the same command on the full-size "
                             "sequence; its recall is the reference recall and its lines' F1 are printed beside")
    parser.add_argument("--cadence", choices=("on", "off"), default="off",
                        help="adaptive detector cadence (FramePipeline): skip the detector on frames where "
                             "nothing can change the counts (default off: the detector runs on every frame)")
    parser.add_argument("--cadence-options", default="{}", metavar="JSON", help="DetectorCadence options")
    parser.add_argument("--tracker-options", default="{}", metavar="JSON", help="ByteTracker options")
    parser.add_argument("--counting-options", default="{}", metavar="JSON",
                        help='extra CountingEngine options, e.g. \'{"staleFrames": 50}\'')
    parser.add_argument("--every", type=int, default=1, metavar="K",
                        help="run the pipeline on every K-th frame only (frame 1, 1+K, ...; their own timestamps): "
                             "a detector at video fps / K runs a second")
    parser.add_argument("--live", action="store_true",
                        help="play the video in real time: the detector takes the frames it can, as the monitor "
                             "does (figures then depend on this machine's speed); prints the detector runs/s")
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.every < 1:
        raise SystemExit("--every must be 1 or more")
    if args.live and args.every != 1:
        raise SystemExit("--live and --every exclude each other")
    if not args.video.exists():
        raise SystemExit(f"no video at {args.video}")
    if not args.gt.exists():
        raise SystemExit(f"no ground truth at {args.gt}")
    info = probe_video(args.video)
    gt = load_mot(args.gt)
    lines = [parse_line(text, i) for i, text in enumerate(args.line)] or reference_lines(args.video, info.width, info.height)
    zones = [parse_zone(text, i) for i, text in enumerate(args.zone)] or reference_zones(args.video)
    counting = {"lines": lines, "zones": zones, **json.loads(args.counting_options)}
    options = {"detector": detector_options(args), "tracker": json.loads(args.tracker_options), "counting": counting,
               "regions": parse_regions(args.regions), "regionPlan": json.loads(args.region_plan_options),
               "cadence": json.loads(args.cadence_options) if args.cadence == "on" else None}

    from tools.eval_browser import PipelineSession

    if args.compare_regions:
        if args.peer or args.live:
            raise SystemExit("--compare-regions runs without --peer and --live")
        reports = {}
        with PipelineSession() as session:
            for mode in ("whole", "auto"):
                if not args.quiet:
                    print(f"regions: {mode}", file=sys.stderr, flush=True)
                reports[mode] = run_once(args, session, {**options, "regions": mode}, info, gt, lines, zones,
                                         suffix=f".{mode}")
        full_size = json.loads(args.full_size_json.read_text()) if args.full_size_json else None
        reference_recall = args.reference_recall
        if reference_recall is None and full_size:
            reference_recall = full_size["comparison"]["auto"]["recall"]
        comparison = compare_regions(reports["whole"], reports["auto"], reference_recall)
        print_comparison(comparison, reports)
        comparison["per_line"] = per_line_rows(reports, full_size)
        print_per_line(comparison["per_line"])
        emit_json_line({"video": args.video.name, "comparison": comparison, "reports": reports}, args.json)
        return 0

    with PipelineSession() as session:
        report = run_once(args, session, options, info, gt, lines, zones)
    print_table(report)
    emit_json_line(report, args.json)
    return 0


def detector_options(args) -> dict:
    """createDetector() options from the command line (only what was asked for: the rest is the app's default)."""
    detector = {"backends": [args.backend]}
    if args.detector_threshold is not None:
        detector["scoreThreshold"] = args.detector_threshold
    if args.imgsz:
        detector["inputSize"] = args.imgsz
    if args.threads:
        detector["threads"] = args.threads
    if args.runtime:
        detector["runtime"] = args.runtime
    if args.precision:
        detector["precision"] = args.precision
    return detector


def model_tag(args, loaded: dict) -> str:
    """'' for the default model; '.<runtime>-<precision>' (the model the browser loaded) when --runtime or
    --precision chose one, so that runs of different models never overwrite each other's files."""
    if not (args.runtime or args.precision):
        return ""
    return f".{loaded.get('runtime') or args.runtime}-{loaded.get('precision') or args.precision}"


def parse_regions(text: str):
    if text in ("auto", "whole"):
        return text
    try:
        regions = json.loads(text)
    except ValueError:
        raise SystemExit(f"--regions takes auto, whole or a JSON list of crops, got {text!r}") from None
    if not isinstance(regions, list) or not regions:
        raise SystemExit("--regions JSON must be a non-empty list of {x, y, width, height}")
    return regions


def run_mode(args) -> str:
    """'' for a run of the detector on every frame, else '.live', '.every<K>' or '.cadence'."""
    if args.live:
        return ".live"
    if args.every != 1:
        return f".every{args.every}"
    return ".cadence" if args.cadence == "on" else ""


def _mean_stages(stages: list) -> dict:
    """The detector's own stage timings (grab, preprocess, inference, decode), mean ms per run frame."""
    stages = [stage for stage in stages if stage]
    keys = sorted({key for stage in stages for key in stage})
    return {key: sum(stage.get(key, 0) for stage in stages) / len(stages) for key in keys} if stages else {}


def run_once(args, session, options, info, gt, lines, zones, suffix: str = "") -> dict:
    """One run of the video through the lab with these options; the scored report."""
    counting = options["counting"]

    def progress(number, _result):
        if not args.quiet and (number % 25 == 0 or number == info.frames):
            print(f"  frame {number}/{info.frames}", file=sys.stderr, flush=True)

    loaded = session.load(options)
    if not args.quiet:
        print(f"pipeline: {loaded['backend']}, {loaded.get('runtime')} {loaded.get('precision')}, "
              f"input {loaded['inputSize']} px, {info.frames} frames",
              file=sys.stderr, flush=True)
    live_rate = None
    if args.live:
        results, seconds = session.run_live(args.video, info.fps, progress)
        live_rate = len(results) / seconds
    else:
        results = session.run_video(args.video, info.fps, progress, every=args.every)
    flushed = session.finish()
    gt_frames = [{"frameIndex": f, "timestamp": (f - 1) / info.fps,
                  "tracks": [{"id": i, "box": list(box)} for i, box in gt.get(f, [])]}
                 for f in range(1, info.frames + 1)]
    reference = session.count_tracks(gt_frames, counting)
    peer = None
    if args.peer:
        # The peer's tracker is told the rate it is fed (its lost-track buffer is in frames).
        peer = run_peer(results, lines, live_rate or info.fps / args.every, args.peer_python)
        peer_frames = [{"frameIndex": f["frameIndex"], "timestamp": (f["frameIndex"] - 1) / info.fps,
                        "tracks": f["tracks"]} for f in peer["frames"]]
        peer["counted"] = session.count_tracks(peer_frames, counting)

    # A run that did not see every frame (--every, --live, --cadence) names its files by mode:
    # <video>.detections.json is the every-frame run tools/replay_eval.py replays.
    mode = model_tag(args, loaded) + run_mode(args)
    tracks_out = (args.tracks_out.with_name(f"{args.tracks_out.stem}{suffix}{args.tracks_out.suffix}") if args.tracks_out
                  else REPO / "test-artifacts" / "evaluate" / f"{args.video.stem}{suffix}{mode}.tracks.txt")
    write_mot(tracks_out, {r["frameIndex"]: r["tracks"] for r in results})
    detections_out = tracks_out.with_name(f"{args.video.stem}{suffix}{mode}.detections.json")
    detections_out.write_text(json.dumps({"video": str(args.video), "fps": info.fps, "width": info.width,
                                          "height": info.height, "frames": [
                                              {"frameIndex": r["frameIndex"], **r["detections"], "regionRuns": r.get("regionRuns"),
                                               "regionReason": r.get("regionReason"), "observed": r.get("observed"),
                                               "surveyAfter": r.get("surveyAfter"), "planned": r.get("planned")}
                                              for r in results]}))
    report = score_run(args.video, info, gt, lines, zones, results, flushed, reference, peer)
    report["backend"] = loaded["backend"]
    report["runtime"] = loaded.get("runtime")
    report["precision"] = loaded.get("precision")
    report["input_size"] = loaded["inputSize"]
    report["detector_threshold"] = loaded["scoreThreshold"]
    report["tracks_file"] = str(tracks_out)
    report["options"] = options
    report["every"] = args.every
    report["live_detector_runs_per_second"] = live_rate
    detected = [r for r in results if r.get("detected", True)]
    report["regions"] = {
        "model_runs_per_frame": sum(r.get("regionRuns", 1) for r in detected) / max(1, len(detected)),
        "frames_with_crops": sum(1 for r in detected if r.get("regionRuns", 1) > 1),
        "last_plan": detected[-1].get("regionReason") if detected else None,
        "detector_stage_ms": _mean_stages([r["timings"].get("detector") for r in detected]),
    }
    # Why the detector ran or not, per frame (the cadence's reasons; 'every frame' without it).
    reasons: dict[str, int] = {}
    for r in results:
        reasons[r.get("cadence", "every frame")] = reasons.get(r.get("cadence", "every frame"), 0) + 1
    report["cadence"] = {"reasons": reasons,
                         "last_frame_detected": bool(results) and results[-1].get("detected", True)}
    report["goals"] = evaluate_goals(report)
    return report


if __name__ == "__main__":
    sys.exit(main())
