"""Native engines on the browser's models: onnxruntime (the ONNX model, as tools/bench_detector.py's
"native") and LiteRT with XNNPACK (the very .tflite and engine LiteRT.js runs in the browser),
interleaved in blocks on the same input. With bench_detector.py's LiteRT.js figure it splits the
browser/native gap into the engine (XNNPACK vs onnxruntime, both native) and WASM (the same
XNNPACK on the same graph, compiled to WASM relaxed SIMD instead of the CPU's own vectors).

Runs in the export environment (it has ai-edge-litert; the web app's does not):

    .venv-export/bin/python tools/bench_native_engines.py --size 416 --threads 1 2
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MODELS = REPO / "frontend" / "models"
BLOCK = 5


def cpu_flags() -> str:
    try:
        flags = next(line for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("flags"))
    except (OSError, StopIteration):
        return "unknown"
    have = set(flags.split(":", 1)[1].split())
    return "AVX-512" if "avx512f" in have else "AVX2" if "avx2" in have else "SSE/other"


def runners(size: int, threads: int):
    import numpy as np
    import onnxruntime as ort
    from ai_edge_litert.interpreter import Interpreter

    image = np.random.default_rng(0).random((1, size, size, 3), dtype=np.float32)
    interpreter = Interpreter(model_path=str(MODELS / f"yolo11n-pose-litert-{size}.tflite"), num_threads=threads)
    interpreter.allocate_tensors()
    source, target = interpreter.get_input_details()[0]["index"], interpreter.get_output_details()[0]["index"]
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    session = ort.InferenceSession(str(MODELS / f"yolo11n-pose-{size}.onnx"), options,
                                   providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    planar = np.ascontiguousarray(image.transpose(0, 3, 1, 2))

    def litert():
        interpreter.set_tensor(source, image)
        interpreter.invoke()
        return interpreter.get_tensor(target)

    def onnxruntime():
        return session.run(None, {name: planar})[0]

    litert_out, ort_out = litert(), onnxruntime()
    gap = float(np.abs(litert_out - ort_out).max())
    return {"native onnxruntime": onnxruntime, "native LiteRT (XNNPACK)": litert}, gap


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=416)
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--frames", type=int, default=40, help="timed runs per engine")
    args = parser.parse_args()
    missing = [path for path in (MODELS / f"yolo11n-pose-litert-{args.size}.tflite",
                                 MODELS / f"yolo11n-pose-{args.size}.onnx") if not path.exists()]
    if missing:
        print(f"missing {', '.join(map(str, missing))}: run `make model`", file=sys.stderr)
        return 2
    print(f"{platform.processor() or platform.machine()}, {cpu_flags()}, {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.2f}; {args.size} px, {args.frames} runs each, blocks of {BLOCK}")
    rows = []
    for threads in args.threads:
        run, gap = runners(args.size, threads)
        for engine in run.values():
            for _ in range(3):
                engine()
        times = {label: [] for label in run}
        for _ in range(0, args.frames, BLOCK):
            for label, engine in run.items():
                for _ in range(BLOCK):
                    began = time.perf_counter()
                    engine()
                    times[label].append((time.perf_counter() - began) * 1000)
        for label, values in times.items():
            row = {"engine": label, "threads": threads, "median_ms": round(statistics.median(values), 2),
                   "min_ms": round(min(values), 2)}
            rows.append(row)
            print(f"{label:26} {threads} thread(s)  median {row['median_ms']:7.2f} ms  min {row['min_ms']:7.2f} ms")
        print(f"  largest output difference between the two: {gap:.4f} (pixels / scores)")
    print(json.dumps({"size": args.size, "cpu": cpu_flags(), "rows": rows}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
