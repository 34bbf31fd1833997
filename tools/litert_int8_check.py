"""The LiteRT int8 model natively, against the LiteRT fp32 model it was quantised from: where its
boxes and scores land on real frames, and how fast LiteRT's XNNPACK runs it. Beside it, the
onnxruntime int8 model against onnxruntime fp32 (what int8 costs there), and native timings of
all four, interleaved in blocks on the same input.

Runs in the export environment (ai-edge-litert):

    .venv-export/bin/python tools/litert_int8_check.py --size 416 --step 4
    .venv-export/bin/python tools/litert_int8_check.py --candidate /tmp/other.tflite   # a trial model

Frames: every `step`-th frame of the shared sequences (comparison only; the model was calibrated
on the ultralytics wheel's images, not on these). A person is matched to the other side's box of
highest IoU (>= 0.5); "lost"/"new" count unmatched people scoring > 0.5 on one side only.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
from tools.bench_native_engines import cpu_flags  # noqa: E402
from tools.detection_parity import INT8_VS_FP32, Tolerance, compare_detections  # noqa: E402
from tools.detector_reference import MODELS_DIR, ReferenceDetector, box_iou_matrix  # noqa: E402
from tools.export_litert import LiteRtInterpreter  # noqa: E402
from tools.harness import SHARED_DATA, decode_frames  # noqa: E402

BLOCK = 5
CLEAR = 0.5
# The int8 tolerance the export check and the browser test hold int8 to (score threshold 0.25).
TOLERANCE = Tolerance(INT8_VS_FP32.min_iou, INT8_VS_FP32.max_score_gap, 0.25)


def detector(onnx_name: str, size: int, tflite: Path | None = None) -> ReferenceDetector:
    """The reference pipeline (letterbox, decode, NMS) on an ONNX model or, with tflite, on
    LiteRT's interpreter (same output layout)."""
    manifest = json.loads((MODELS_DIR / f"{onnx_name}.json").read_text())
    found = ReferenceDetector(MODELS_DIR / manifest["file"], manifest, threads=2, score_threshold=0.25,
                              candidate_threshold=TOLERANCE.candidate_threshold)
    if tflite is not None:
        found.infer = LiteRtInterpreter(tflite)
    return found


def compare(pairs: dict, frames) -> dict:
    """label -> (reference detector, compared detector): matched IoU and score gaps."""
    stats = {label: {"iou": [], "gap": [], "people": 0, "lost": 0, "new": 0, "off": 0} for label in pairs}
    for frame in frames:
        for label, (reference, other) in pairs.items():
            expected, found, entry = reference.detect(frame), other.detect(frame), stats[label]
            entry["people"] += expected["count"]
            entry["off"] += bool(compare_detections(expected, found, TOLERANCE))
            ious = (box_iou_matrix(expected["boxes"], found["boxes"])
                    if expected["count"] and found["count"] else np.zeros((expected["count"], found["count"])))
            for row in range(expected["count"]):
                column = int(ious[row].argmax()) if found["count"] else -1
                if column >= 0 and ious[row, column] >= 0.5:
                    entry["iou"].append(float(ious[row, column]))
                    entry["gap"].append(abs(float(expected["scores"][row] - found["scores"][column])))
                elif expected["scores"][row] > CLEAR:
                    entry["lost"] += 1
            for column in range(found["count"]):
                if (not expected["count"] or ious[:, column].max() < 0.5) and found["scores"][column] > CLEAR:
                    entry["new"] += 1
    summary = {}
    for label, entry in stats.items():
        iou, gap = np.array(entry["iou"]), np.array(entry["gap"])
        summary[label] = {"people": entry["people"], "matched": len(iou),
                          "iou_median": round(float(np.median(iou)), 3),
                          "iou_p5": round(float(np.percentile(iou, 5)), 3),
                          "iou_min": round(float(iou.min()), 3),
                          "share_iou_0_9": round(float(np.mean(iou >= 0.9)), 3),
                          "gap_median": round(float(np.median(gap)), 3),
                          "gap_p95": round(float(np.percentile(gap, 95)), 3),
                          "lost": entry["lost"], "new": entry["new"], "frames_off": entry["off"]}
    return summary


def timings(models: dict, size: int, threads: int, runs: int) -> dict:
    import onnxruntime as ort
    from ai_edge_litert.interpreter import Interpreter

    image = np.random.default_rng(0).random((1, size, size, 3), dtype=np.float32)
    planar = np.ascontiguousarray(image.transpose(0, 3, 1, 2))
    engines = {}
    for label, path in models.items():
        if path.suffix == ".tflite":
            interpreter = Interpreter(model_path=str(path), num_threads=threads)
            interpreter.allocate_tensors()
            source = interpreter.get_input_details()[0]["index"]
            engines[label] = lambda i=interpreter, s=source: (i.set_tensor(s, image), i.invoke())
        else:
            options = ort.SessionOptions()
            options.intra_op_num_threads = threads
            session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
            name = session.get_inputs()[0].name
            engines[label] = lambda s=session, n=name: s.run(None, {n: planar})
    for engine in engines.values():
        for _ in range(3):
            engine()
    times = {label: [] for label in engines}
    for _ in range(0, runs, BLOCK):
        for label, engine in engines.items():
            for _ in range(BLOCK):
                began = time.perf_counter()
                engine()
                times[label].append((time.perf_counter() - began) * 1000)
    return {label: {"median_ms": round(statistics.median(values), 2), "min_ms": round(min(values), 2)}
            for label, values in times.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=416)
    parser.add_argument("--step", type=int, default=4, help="every n-th frame of each sequence")
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--runs", type=int, default=40, help="timed runs per engine")
    parser.add_argument("--candidate", type=Path, help="a LiteRT int8 model other than the export's")
    args = parser.parse_args()
    size = args.size
    litert_fp32 = MODELS_DIR / f"yolo11n-pose-litert-{size}.tflite"
    litert_int8 = args.candidate or MODELS_DIR / f"yolo11n-pose-litert-int8-{size}.tflite"
    models = {"native LiteRT fp32": litert_fp32, "native LiteRT int8": litert_int8,
              "native onnxruntime fp32": MODELS_DIR / f"yolo11n-pose-{size}.onnx",
              "native onnxruntime int8": MODELS_DIR / f"yolo11n-pose-int8-{size}.onnx"}
    missing = [str(path) for path in models.values() if not path.exists()]
    if missing:
        print(f"missing {', '.join(missing)}: run `make model` (LiteRT int8: "
              "tools/export_model.py --litert-int8)", file=sys.stderr)
        return 2
    frames = []
    for sequence in ("TUD-Campus", "TUD-Stadtmitte"):
        video = SHARED_DATA / sequence / f"{sequence}.mp4"
        frames += [frame.copy() for index, frame in enumerate(decode_frames(video)) if index % args.step == 0]
    onnx_fp32, onnx_int8 = f"yolo11n-pose-{size}", f"yolo11n-pose-int8-{size}"
    pairs = {"LiteRT int8 vs LiteRT fp32": (detector(onnx_fp32, size, litert_fp32),
                                            detector(onnx_fp32, size, litert_int8)),
             "onnxruntime int8 vs onnxruntime fp32": (detector(onnx_fp32, size), detector(onnx_int8, size))}
    print(f"{litert_int8.name}: {len(frames)} frames (every {args.step}th of TUD-Campus and "
          f"TUD-Stadtmitte), {size} px, score > 0.25; load average {os.getloadavg()[0]:.2f}")
    quality = compare(pairs, frames)
    for label, row in quality.items():
        print(f"{label:38} people {row['people']:4}  matched {row['matched']:4}  IoU median "
              f"{row['iou_median']:.3f} p5 {row['iou_p5']:.3f} min {row['iou_min']:.3f}  IoU>=0.9 "
              f"{row['share_iou_0_9']:.3f}  score gap median {row['gap_median']:.3f} p95 "
              f"{row['gap_p95']:.3f}  lost {row['lost']} new {row['new']} (score > {CLEAR})  frames "
              f"outside INT8_VS_FP32 {row['frames_off']}/{len(frames)}")
    speed = {}
    print(f"{platform_line()}; {args.runs} runs each, blocks of {BLOCK}, interleaved")
    for threads in args.threads:
        speed[threads] = timings(models, size, threads, args.runs)
        for label, row in speed[threads].items():
            print(f"{label:26} {threads} thread(s)  median {row['median_ms']:7.2f} ms  min {row['min_ms']:7.2f} ms")
        fp32, int8 = speed[threads]["native LiteRT fp32"], speed[threads]["native LiteRT int8"]
        print(f"  LiteRT int8 / fp32: {int8['median_ms'] / fp32['median_ms']:.2f} (median), "
              f"load average {os.getloadavg()[0]:.2f}")
    print(json.dumps({"size": size, "model": litert_int8.name, "cpu": cpu_flags(), "quality": quality,
                      "speed": speed}))
    return 0


def platform_line() -> str:
    return f"{cpu_flags()}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}"


if __name__ == "__main__":
    sys.exit(main())
