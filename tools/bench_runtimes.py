"""The browser runtimes side by side, for tools/bench_detector.py: which models exist, the
recall each runtime gives in the browser on the shared sequences, and the default runtime
(the fastest at equal recall) with its speed-up over onnxruntime-web in the same run."""
from __future__ import annotations

import base64
import json
import os

from tools.detector_reference import MODELS_DIR
from tools.harness import SHARED_DATA, decode_frames

RUNTIMES = ("ort", "litert")
RUNTIME_LABELS = {"ort": "onnxruntime-web", "litert": "LiteRT.js"}
# Recall within this of the best counts as equal (the same bound int8 must keep to fp32).
EQUAL_RECALL = 0.01
# Precisions whose tracking and counting were checked against fp32's on both shared sequences
# (tools/evaluate.py + replay_eval.py, cadence off and on): only these may be the default. LiteRT
# int8 keeps browser recall within 0.01, but with its detections the detector cadence loses
# TUD-Campus IDF1 0.845 -> 0.758 and a vertical-line crossing (F1 1.000 -> 0.909), and
# TUD-Stadtmitte's horizontal line 0.286 -> 0.250, where fp32's stay within 0.02 (issue 18's
# cadence target; docs/detection.md, "Why int8 is not the default").
DEFAULT_PRECISIONS = ("fp32",)


def model_name(size: int, precision: str, runtime: str = "ort", family: str = "yolo11n-pose") -> str:
    prefix = family if runtime == "ort" else f"{family}-{runtime}"
    return f"{prefix}-{size}" if precision == "fp32" else f"{prefix}-{precision}-{size}"


def exported_models(models_dir=MODELS_DIR) -> set[str]:
    index = json.loads((models_dir / "index.json").read_text())
    return {entry["name"] for entry in index["models"]}


def app_threads() -> int:
    """The detector's default thread count (frontend/js/detector/index.js): every core, at most 4."""
    return max(1, min(4, os.cpu_count() or 1))


def browser_recall(lab, configs, step: int, score_threshold: float = 0.25) -> list[dict]:
    """Precision/recall at IoU 0.5 of each (runtime, size, precision) as the browser runs it
    (the app's detector in the lab page), on every shared sequence, every `step`-th frame."""
    from tools.eval_data import load_mot
    from tools.eval_metrics import detection_precision_recall

    rows = []
    sequences = sorted(path for path in SHARED_DATA.iterdir() if (path / "gt.txt").exists())
    for runtime, size, precision in configs:
        lab.load_slot({"runtime": runtime, "inputSize": size, "precision": precision,
                       "backends": ["wasm"], "scoreThreshold": score_threshold}, "recall")
        for sequence in sequences:
            gt = load_mot(sequence / "gt.txt")
            boxes, numbers = {}, []
            for number, frame in enumerate(decode_frames(sequence / f"{sequence.name}.mp4"), start=1):
                if (number - 1) % step:
                    continue
                height, width = frame.shape[:2]
                found = lab.page.evaluate(
                    "([w, h, p]) => lab.detectRgba(w, h, p, { slot: 'recall' })",
                    [width, height, base64.b64encode(frame.tobytes()).decode()])
                boxes[number] = [found["boxes"][index:index + 4]
                                 for index in range(0, len(found["boxes"]), 4)]
                numbers.append(number)
            scores = detection_precision_recall(boxes, gt, numbers)
            row = {"runtime": runtime, "size": size, "precision_model": precision,
                   "sequence": sequence.name, "frames": len(numbers),
                   "precision": round(scores["precision"], 4), "recall": round(scores["recall"], 4)}
            rows.append(row)
            print(f"{RUNTIME_LABELS[runtime]:16} {precision:5} {size:4} {sequence.name:16} "
                  f"precision {row['precision']:.3f}  recall {row['recall']:.3f}  "
                  f"({len(numbers)} frames)", flush=True)
    lab.page.evaluate("() => lab.dispose()")
    return rows


def mean_recall(recall_rows: list[dict], runtime: str, size: int, precision: str) -> float | None:
    values = [row["recall"] for row in recall_rows if row["runtime"] == runtime
              and row["size"] == size and row["precision_model"] == precision]
    return round(sum(values) / len(values), 4) if values else None


def int8_keeps_recall(recall_rows: list[dict], runtime: str, size: int) -> bool:
    """Issue 18's int8 rule: the int8 model's browser recall on every shared sequence within
    EQUAL_RECALL of the same runtime's fp32 model (both measured in this run)."""
    def per_sequence(precision):
        return {row["sequence"]: row["recall"] for row in recall_rows if row["runtime"] == runtime
                and row["size"] == size and row["precision_model"] == precision}
    fp32, int8 = per_sequence("fp32"), per_sequence("int8")
    return bool(fp32) and set(int8) == set(fp32) and all(
        int8[sequence] >= fp32[sequence] - EQUAL_RECALL for sequence in fp32)


def choose_default(speed: list[dict], recall_rows: list[dict], size: int,
                   precisions: tuple[str, ...] = DEFAULT_PRECISIONS) -> dict:
    """The fastest (runtime, precision) at `size` and the app's thread count whose browser
    recall is within EQUAL_RECALL of the best measured (an int8 model also within EQUAL_RECALL
    of its runtime's fp32 on every sequence), among `precisions` (those whose tracking was
    checked); then, per size, onnxruntime-web fp32's inference time over the chosen runtime's
    (same precision, same run). `passed_over`: faster models this rule leaves out, and why."""
    threads = app_threads()
    rows = {(row["runtime"], row["size"], row["precision"]): row for row in speed
            if row["threads"] == threads}
    options = []
    for (runtime, row_size, precision), row in rows.items():
        recall = mean_recall(recall_rows, runtime, row_size, precision)
        if precision == "int8" and not int8_keeps_recall(recall_rows, runtime, row_size):
            continue
        if row_size == size and recall is not None:
            options.append({"runtime": runtime, "precision": precision, "size": size,
                            "threads": threads, "mean_recall": recall,
                            "inference_ms": row["browser_inference_ms"]["median"]})
    if not options:
        return {"reason": f"no speed and recall figures at {size} px and {threads} threads"}
    best = max(option["mean_recall"] for option in options)
    equal = [option for option in options if option["mean_recall"] >= best - EQUAL_RECALL]
    candidates = [option for option in equal if option["precision"] in precisions]
    if not candidates:
        return {"reason": f"no {'/'.join(precisions)} model at {size} px within {EQUAL_RECALL} of the best recall"}
    choice = min(candidates, key=lambda option: option["inference_ms"])
    passed_over = [{**option, "why": f"{option['precision']} tracking not checked as equal to fp32's "
                    "(docs/detection.md)"} for option in equal
                   if option["precision"] not in precisions and option["inference_ms"] < choice["inference_ms"]]
    speedup = {}
    for (runtime, row_size, precision), row in rows.items():
        reference = rows.get(("ort", row_size, "fp32"))
        if runtime == choice["runtime"] and precision == choice["precision"] and reference:
            speedup[str(row_size)] = round(reference["browser_inference_ms"]["median"]
                                           / row["browser_inference_ms"]["median"], 2)
    return {**choice, "reason": f"fastest at {size} px with browser recall within {EQUAL_RECALL} "
                                f"of the best ({best})",
            "speedup_vs_ort_web": dict(sorted(speedup.items(), key=lambda item: int(item[0]))),
            "options": options, "passed_over": passed_over}
