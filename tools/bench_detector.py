"""Detector benchmark: the browser (onnxruntime-web and LiteRT.js in Debian's Chromium, the
app's own frontend/js/detector through /lab/detector) against native onnxruntime-Python on the
same frames, in one run, plus detection precision/recall against the MOT ground truth, and the
default runtime: the fastest at equal recall in the browser (tools/bench_runtimes.py).

    .venv/bin/python tools/bench_detector.py                    # everything (~30 min here)
    .venv/bin/python tools/bench_detector.py --sizes 416 --no-experiments --no-accuracy

Browser and native runs are interleaved in small blocks so a busy machine slows both alike.
Prints tables; the last line is one JSON object with every figure (`default_runtime` holds
`speedup_vs_ort_web` per size).
"""
from __future__ import annotations

import argparse
import base64
import json
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tools.bench_runtimes import (RUNTIME_LABELS, RUNTIMES, browser_recall,  # noqa: E402
                                  choose_default, exported_models, model_name)
from tools.detector_reference import ReferenceDetector, letterbox_rgba, load_model  # noqa: E402
from tools.harness import (SHARED_DATA, LiveServer, decode_frames, launch_chromium,  # noqa: E402
                           make_app)

SPEED_VIDEO = SHARED_DATA / "TUD-Stadtmitte" / "TUD-Stadtmitte.mp4"
BLOCK = 5          # frames per interleaved block
WARMUP = 3
BUDGET_PARTS = ("grab", "preprocess", "inference", "decode")


def median_min(values: list[float]) -> dict:
    return {"median": round(statistics.median(values), 2), "min": round(min(values), 2)}


class BrowserLab:
    """One Chromium page on /lab/detector with the frames stored in it."""

    def __init__(self, playwright, url: str, frames, extra_args=None) -> None:
        self.browser = launch_chromium(playwright, extra_args)
        self.page = self.browser.new_page()
        self.page.goto(f"{url}/lab/detector")
        self.page.wait_for_function("() => window.lab !== undefined")
        for key, frame in enumerate(frames):
            height, width = frame.shape[:2]
            self.page.evaluate("([k, w, h, p]) => lab.storeFrame(k, w, h, p)",
                               [key, width, height, base64.b64encode(frame.tobytes()).decode()])
        self.frame_count = len(frames)

    def load(self, options: dict) -> dict:
        return self.page.evaluate("(o) => lab.load(o)", options)

    def load_slot(self, options: dict, slot: str) -> dict:
        return self.page.evaluate("([o, s]) => lab.load(o, s)", [options, slot])

    def detect(self, key: int, grab: str = "bitmap", slot: str = "main") -> dict:
        return self.page.evaluate("([k, a, s]) => lab.detectStored(k, { as: a, slot: s })",
                                  [key, grab, slot])

    def close(self) -> None:
        self.browser.close()


def browser_runner(lab: BrowserLab, grab: str = "bitmap", slot: str = "main"):
    return lambda key: lab.detect(key, grab, slot)["timings"]


def native_runner(native: ReferenceDetector, tensors):
    def run(key: int) -> dict:
        began = time.perf_counter()
        native.infer(tensors[key])
        return {"inference": (time.perf_counter() - began) * 1000}
    return run


def run_interleaved(runners: dict, frame_count: int, warmup: int = WARMUP) -> dict:
    """name -> {part: [ms per frame]}: every runner takes BLOCK frames in turn, so a load
    spike on the shared machine hits all of them alike."""
    timings = {name: {} for name in runners}
    for key in range(warmup):
        for run in runners.values():
            run(key % frame_count)
    for start in range(0, frame_count, BLOCK):
        for name, run in runners.items():
            for key in range(start, min(start + BLOCK, frame_count)):
                for part, value in run(key).items():
                    timings[name].setdefault(part, []).append(value)
    return timings


def speed_configs(sizes, precisions, runtimes) -> list[tuple[str, int, str]]:
    """(runtime, size, precision) of every exported model asked for."""
    exported = exported_models()
    return [(runtime, size, precision) for size in sizes for precision in precisions
            for runtime in runtimes if model_name(size, precision, runtime) in exported]


def speed_table(lab: BrowserLab, frames, configs, threads_list) -> list[dict]:
    """Per thread count, every runtime, size and precision in the browser, and natively
    (onnxruntime-Python, the ONNX model of that size and precision), all interleaved:
    comparisons across runtimes, sizes, precisions and browser/native hold even while other
    work on the machine comes and goes."""
    rows = []
    for threads in threads_list:
        runners, backends = {}, {}
        for runtime, size, precision in configs:
            slot = f"{runtime}-{precision}-{size}"
            info = lab.load_slot({"runtime": runtime, "inputSize": size, "precision": precision,
                                  "threads": threads, "backends": ["wasm"]}, slot)
            backends[(runtime, size, precision)] = info["backend"]
            runners[("browser", runtime, size, precision)] = browser_runner(lab, slot=slot)
            if ("native", size, precision) not in runners:
                path, manifest = load_model(name=model_name(size, precision))
                tensors = [letterbox_rgba(frame, size)[0] for frame in frames]
                runners[("native", size, precision)] = native_runner(
                    ReferenceDetector(path, manifest, threads=threads), tensors)
        timings = run_interleaved(runners, len(frames))
        for runtime, size, precision in configs:
            browser = timings[("browser", runtime, size, precision)]
            native = timings[("native", size, precision)]
            row = {"runtime": runtime, "size": size, "precision": precision, "threads": threads,
                   "backend": backends[(runtime, size, precision)],
                   "browser_inference_ms": median_min(browser["inference"]),
                   "native_inference_ms": median_min(native["inference"]),
                   "budget_ms": {part: round(statistics.median(browser[part]), 2)
                                 for part in (*BUDGET_PARTS, "total")},
                   "whole_ms": median_min(browser["total"])}
            row["ratio"] = round(row["browser_inference_ms"]["median"]
                                 / row["native_inference_ms"]["median"], 2)
            # Against the fastest native here, onnxruntime fp32 (same size, same run): for an
            # int8 row `ratio` is against native onnxruntime int8 instead.
            native_fp32 = timings.get(("native", size, "fp32"))
            row["ratio_vs_native_fp32"] = (round(row["browser_inference_ms"]["median"]
                                                 / statistics.median(native_fp32["inference"]), 2)
                                           if native_fp32 else None)
            row["fps"] = round(1000 / row["whole_ms"]["median"], 1)
            row["fps_best"] = round(1000 / row["whole_ms"]["min"], 1)
            rows.append(row)
            print_speed_row(row)
        lab.page.evaluate("() => lab.dispose()")
    return rows


def print_speed_row(row: dict) -> None:
    print(f"{RUNTIME_LABELS[row['runtime']]:16} {row['precision']:5} {row['size']:4} {row['threads']:2}  "
          f"{row['browser_inference_ms']['median']:8.1f} {row['browser_inference_ms']['min']:7.1f}  "
          f"{row['native_inference_ms']['median']:8.1f} {row['native_inference_ms']['min']:7.1f}  "
          f"{row['ratio']:5.2f}  "
          + "  ".join(f"{row['budget_ms'][part]:6.1f}" for part in (*BUDGET_PARTS, "total"))
          + f"  {row['fps']:5.1f}  {row['fps_best']:5.1f}"
          + (f"  {row['ratio_vs_native_fp32']:5.2f}" if row.get("ratio_vs_native_fp32") else "     -"),
          flush=True)


def measure_option(lab: BrowserLab, frames, options: dict, baseline, grab: str = "bitmap",
                   warmup: int = WARMUP) -> dict:
    """A trial's browser timings, interleaved with the baseline detector's on the same
    frames (so `vs_baseline` holds even while the machine's load changes)."""
    try:
        info = lab.load_slot(options, "trial")
    except Exception as error:  # the browser's own message is the result here
        return {"options": options, "error": str(error).splitlines()[0][:300]}
    timings = run_interleaved({"trial": browser_runner(lab, grab, "trial"), "baseline": baseline},
                              len(frames), warmup)
    trial, reference = timings["trial"], timings["baseline"]
    inference = median_min(trial["inference"])
    baseline_inference = median_min(reference["inference"])
    return {"options": options, "grab": grab, "backend": info["backend"],
            "inference_ms": inference, "total_ms": median_min(trial["total"]),
            "grab_ms": round(statistics.median(trial["grab"]), 2),
            "baseline_inference_ms": baseline_inference,
            "vs_baseline": round(inference["median"] / baseline_inference["median"], 2)}


def experiments(playwright, url: str, lab: BrowserLab, frames, size: int) -> list[dict]:
    """What each knob of issue 3 gives, at one size, on the same frames."""
    base = {"runtime": "ort", "inputSize": size, "threads": 2, "precision": "fp32"}
    lab.load_slot({**base, "backends": ["wasm"]}, "baseline")
    baseline = browser_runner(lab, "bitmap", "baseline")
    trials = [
        ("app default list webnn-gpu,webgpu,wasm (JSEP build, falls back to wasm)", lab,
         {**base}, "bitmap"),
        ("int8 model", lab, {**base, "precision": "int8", "backends": ["wasm"]}, "bitmap"),
        ("1 thread", lab, {**base, "threads": 1, "backends": ["wasm"]}, "bitmap"),
        ("4 threads (2 cores)", lab, {**base, "threads": 4, "backends": ["wasm"]}, "bitmap"),
        ("2 threads, no intra-op spinning", lab, {**base, "intraOpSpinning": False,
                                                  "backends": ["wasm"]}, "bitmap"),
        ("graph optimisation basic", lab, {**base, "graphOptimizationLevel": "basic",
                                           "backends": ["wasm"]}, "bitmap"),
        ("graph optimisation disabled", lab, {**base, "graphOptimizationLevel": "disabled",
                                              "backends": ["wasm"]}, "bitmap"),
        ("grab from ImageData instead of ImageBitmap", lab, {**base, "backends": ["wasm"]},
         "imagedata"),
    ]
    results = []
    for label, target, options, grab in trials:
        result = {"trial": label, **measure_option(target, frames, options, baseline, grab)}
        results.append(result)
        print_trial(result)
    for workers, threads in ((1, 2), (1, 1), (2, 1)):
        label = f"throughput: {workers} worker(s) x {threads} thread(s), frames in flight"
        try:
            figures = lab.page.evaluate("([o, n]) => lab.throughput(o, n)",
                                        [{**base, "threads": threads, "backends": ["wasm"]}, workers])
            result = {"trial": label, "backend": figures["backend"], "workers": workers,
                      "threads": threads, "ms_per_frame": round(figures["msPerFrame"], 2),
                      "fps": round(figures["fps"], 2)}
            print(f"  {label:72}  {figures['msPerFrame']:7.1f} ms/frame = {figures['fps']:.1f} fps",
                  flush=True)
        except Exception as error:  # the browser's own message is the result here
            result = {"trial": label, "error": str(error).splitlines()[0][:300]}
            print_trial(result)
        results.append(result)
    flagged = [
        ("WebNN CPU, Chromium --enable-features=WebMachineLearningNeuralNetwork",
         ["--enable-features=WebMachineLearningNeuralNetwork"],
         {**base, "backends": ["webnn-cpu"]}),
        ("WebNN GPU, same flag", ["--enable-features=WebMachineLearningNeuralNetwork"],
         {**base, "backends": ["webnn-gpu"]}),
        ("V8 without Liftoff (--js-flags=--no-liftoff: optimised WASM from the start)",
         ["--js-flags=--no-liftoff"], {**base, "backends": ["wasm"]}),
        ("WebGPU, --enable-unsafe-webgpu (the app refuses a software adapter)",
         ["--enable-unsafe-webgpu"], {**base, "backends": ["webgpu"]}),
        ("WebGPU on SwiftShader, --enable-unsafe-webgpu, allowSoftwareGpu", ["--enable-unsafe-webgpu"],
         {**base, "backends": ["webgpu"], "allowSoftwareGpu": True}),
    ]
    for label, args, options in flagged:
        # Software WebGPU takes tens of seconds a frame: two frames are enough to show it.
        few = frames[:2] if "webgpu" in options["backends"] else frames
        other = BrowserLab(playwright, url, few, args)
        try:
            result = {"trial": label, "chromium_args": args,
                      **measure_option(other, few, options, baseline,
                                       warmup=1 if len(few) == 2 else WARMUP)}
        finally:
            other.close()
        results.append(result)
        print_trial(result)
    results.append({"trial": "WASM without SIMD", "error": "not measurable: onnxruntime-web "
                    "1.30 ships only SIMD (+threads) WASM builds"})
    print_trial(results[-1])
    return results


def print_trial(result: dict) -> None:
    if "error" in result:
        print(f"  {result['trial']:72}  -> {result['error']}", flush=True)
    else:
        print(f"  {result['trial']:72}  {result['backend']:18} inference "
              f"{result['inference_ms']['median']:7.1f} ms (min {result['inference_ms']['min']:.1f}), "
              f"whole {result['total_ms']['median']:7.1f} ms, grab {result['grab_ms']:.1f} ms; "
              f"baseline {result['baseline_inference_ms']['median']:.1f} ms -> "
              f"x{result['vs_baseline']:.2f}", flush=True)


def accuracy(sizes, precisions, step: int, thresholds) -> list[dict]:
    """Precision/recall at IoU 0.5 of the detector on every shared sequence (native
    onnxruntime with the browser's exact pipeline: the parity test keeps them equal).
    Greedy NMS never lets a weaker box suppress a stronger one, so one run at the lowest
    threshold, filtered, equals a run at each higher threshold."""
    from tools.eval_data import load_mot
    from tools.eval_metrics import detection_precision_recall

    rows = []
    sequences = sorted(path for path in SHARED_DATA.iterdir() if (path / "gt.txt").exists())
    for sequence in sequences:
        gt = load_mot(sequence / "gt.txt")
        frames = {number: frame.copy() for number, frame in
                  enumerate(decode_frames(sequence / f"{sequence.name}.mp4"), start=1)
                  if (number - 1) % step == 0}
        for precision in precisions:
            for size in sizes:
                path, manifest = load_model(name=model_name(size, precision))
                detector = ReferenceDetector(path, manifest, threads=2,
                                             score_threshold=min(thresholds))
                found = {number: detector.detect(frame) for number, frame in frames.items()}
                for threshold in sorted(thresholds, reverse=True):
                    boxes = {number: result["boxes"][result["scores"] > threshold].tolist()
                             for number, result in found.items()}
                    scores = detection_precision_recall(boxes, gt, sorted(frames))
                    row = {"sequence": sequence.name, "size": size, "precision_model": precision,
                           "score_threshold": threshold, "frames": len(frames),
                           **{key: round(value, 4) if isinstance(value, float) else value
                              for key, value in scores.items()}}
                    rows.append(row)
                    print(f"{sequence.name:16} {precision:5} {size:4} score>{threshold:<5} "
                          f"precision {row['precision']:.3f}  recall {row['recall']:.3f}  "
                          f"({row['true_positives']}/{row['gt_boxes']} GT, "
                          f"{row['detections']} detections)", flush=True)
    return rows


def suggest_default(speed: list[dict], quality: list[dict], score_threshold: float,
                    runtime: str = "ort", min_fps: float = 15, min_recall: float = 0.90,
                    recall_slack: float = 0.025) -> dict:
    """The default input size, on speed AND recall, among fp32 models (int8 is measured but
    not bit-exact with native) at the app's default thread count (all cores, at most 4):
    the fastest reaching both goals; else, when none reaches the frame rate, the fastest
    whose mean recall is within recall_slack of the best (a missed person is a missed
    count, while frames the detector cannot keep up with are skipped and tracked across)."""
    threads = max(1, min(4, os.cpu_count() or 1))
    options = []
    for row in speed:
        if row["threads"] != threads or row["precision"] != "fp32" or row["runtime"] != runtime:
            continue
        recalls = [entry["recall"] for entry in quality if entry["size"] == row["size"]
                   and entry["precision_model"] == row["precision"]
                   and entry["score_threshold"] == score_threshold]
        if recalls:
            options.append({"size": row["size"], "precision": row["precision"],
                            "threads": threads, "fps": row["fps"], "fps_best": row["fps_best"],
                            "mean_recall": round(sum(recalls) / len(recalls), 4)})
    if not options:
        return {"reason": "no fp32 speed row at the app's thread count"}
    both = [o for o in options if o["fps"] >= min_fps and o["mean_recall"] >= min_recall]
    fast = [o for o in options if o["fps"] >= min_fps]
    best_recall = max(o["mean_recall"] for o in options)
    if both:
        choice, reason = max(both, key=lambda o: o["fps"]), "fastest reaching both goals"
    elif fast:
        choice, reason = max(fast, key=lambda o: o["mean_recall"]), \
            f"no size reaches recall {min_recall}: best recall at >= {min_fps} fps"
    else:
        near = [o for o in options if o["mean_recall"] >= best_recall - recall_slack]
        choice = max(near, key=lambda o: o["fps"])
        reason = (f"no size reaches {min_fps} fps here: the fastest within {recall_slack} "
                  f"of the best mean recall ({best_recall})")
    return {**choice, "score_threshold": score_threshold, "reason": reason, "options": options}


def print_default(choice: dict) -> None:
    if "runtime" not in choice:
        print(f"\nDefault runtime: none chosen: {choice['reason']}", flush=True)
        return
    print(f"\nDefault runtime: {RUNTIME_LABELS[choice['runtime']]} {choice['precision']} "
          f"({choice['inference_ms']} ms at {choice['size']} px, {choice['threads']} threads, mean "
          f"recall {choice['mean_recall']}): {choice['reason']}; speed-up over onnxruntime-web "
          f"fp32 by size: {choice['speedup_vs_ort_web']}", flush=True)
    for option in choice.get("passed_over", []):
        print(f"Faster but not the default: {RUNTIME_LABELS[option['runtime']]} {option['precision']} "
              f"({option['inference_ms']} ms, mean recall {option['mean_recall']}): {option['why']}", flush=True)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--frames", type=int, default=20, help="frames per speed measurement")
    parser.add_argument("--sizes", type=int, nargs="+", default=[320, 416, 480, 640])
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--precisions", nargs="+", default=["fp32", "int8"],
                        choices=["fp32", "int8"])
    parser.add_argument("--runtimes", nargs="+", default=list(RUNTIMES), choices=RUNTIMES)
    parser.add_argument("--default-size", type=int, default=416,
                        help="the size at which the default runtime is chosen")
    parser.add_argument("--recall-step", type=int, default=1,
                        help="browser recall on every n-th frame of the shared sequences")
    parser.add_argument("--experiment-size", type=int, default=416)
    parser.add_argument("--no-experiments", dest="experiments", action="store_false")
    parser.add_argument("--no-accuracy", dest="accuracy", action="store_false")
    parser.add_argument("--accuracy-step", type=int, default=1, help="use every n-th frame")
    parser.add_argument("--score-thresholds", type=float, nargs="+", default=[0.25, 0.1],
                        help="detection score thresholds to score (the first is the app's)")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    from playwright.sync_api import sync_playwright

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    frames = [frame.copy() for frame in decode_frames(SPEED_VIDEO, args.frames)]
    result = {"machine": {"cores": os.cpu_count(), "load_average": os.getloadavg()},
              "frames": len(frames), "video": SPEED_VIDEO.name}
    with tempfile.TemporaryDirectory(prefix="bench-detector-") as scratch, \
            LiveServer(make_app(Path(scratch))) as server, sync_playwright() as playwright:
        lab = BrowserLab(playwright, server.url, frames)
        try:
            print(f"\nSpeed on {len(frames)} frames of {SPEED_VIDEO.name} (640x480), ms per "
                  "inference; browser = the runtime in Chromium (WASM), native = onnxruntime-Python")
            print("(native: onnxruntime-Python on the ONNX model of the row's precision; ratio = browser / "
                  "native; r.fp32 = browser / native onnxruntime fp32, the fastest native here)")
            print("runtime          prec  size th  browser     min    native     min  ratio    grab"
                  "   prep   infer  decode  whole    fps   best r.fp32")
            configs = speed_configs(args.sizes, args.precisions, args.runtimes)
            result["speed"] = speed_table(lab, frames, configs, args.threads)
            print(f"\nBrowser detection precision/recall at {args.default_size} px (IoU 0.5, "
                  "score > 0.25), each runtime as the app runs it:")
            result["browser_recall"] = browser_recall(
                lab, [config for config in configs if config[1] == args.default_size],
                args.recall_step)
            result["default_runtime"] = choose_default(result["speed"], result["browser_recall"],
                                                       args.default_size)
            print_default(result["default_runtime"])
            result["speedup_vs_ort_web"] = result["default_runtime"].get("speedup_vs_ort_web", {})
            if args.experiments:
                print(f"\nExperiments at {args.experiment_size} px fp32 (browser only), each "
                      "interleaved with the baseline: plain WASM build, 2 threads, ImageBitmap grab")
                result["experiments"] = experiments(playwright, server.url, lab, frames,
                                                    args.experiment_size)
        finally:
            lab.close()
    if args.accuracy:
        print("\nDetection precision/recall at IoU 0.5 against gt.txt (NMS IoU 0.7):")
        result["accuracy"] = accuracy(args.sizes, args.precisions, args.accuracy_step,
                                      args.score_thresholds)
        result["suggested_default"] = suggest_default(
            result["speed"], result["accuracy"], args.score_thresholds[0],
            result.get("default_runtime", {}).get("runtime", "ort"))
        choice = result["suggested_default"]
        print(f"\nSuggested default size: {choice.get('size')} px {choice.get('precision')} "
              f"({choice.get('fps')} fps, mean recall {choice.get('mean_recall')}): {choice['reason']}")
    result["machine"]["load_average_end"] = os.getloadavg()
    print(json.dumps(result, separators=(",", ":")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
