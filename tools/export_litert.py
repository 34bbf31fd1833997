"""LiteRT (.tflite) variants of the exported models, for LiteRT.js in the browser.

Called by tools/export_model.py (`--no-litert` skips them). Ultralytics prepares the model
exactly as for its own `format='litert'` export (fused, export-mode head); the conversion
itself is ours, through litert-torch, so that
  - the input is NHWC (litert-torch's channel-last I/O wrapper): XNNPACK's native layout,
    no transpose inside the graph, and the browser fills the tensor pixel by pixel;
  - the output stays in input pixels, shape [1, 4+classes+keypoints, anchors], exactly the
    ONNX model's layout (Ultralytics' own LiteRT export divides x/y by the input size, for
    int8; an fp32 model does not need it), so decoding and NMS are shared unchanged.
Each new file is checked with LiteRT's Python interpreter on bus.jpg against the ONNX model of
the same size (same people, IoU >= 0.99, score +- 0.01); a failed check fails the export.

The int8 variant (`<name>-litert-int8-<size>`, opt-in: `export_model.py --litert-int8`, ~15 s a
size, tools/export_litert_int8.py) is the fp32 .tflite statically quantised by ai-edge-quantizer (int8 weights per channel,
int8 activations, calibrated on the images the ultralytics wheel ships), except the detection
head's last layers: each branch's final convolution, DFL, the box/keypoint decoding and the
concatenations stay float (whole-model int8 moved boxes to IoU 0.81-0.91; docs/detection.md).
"""
from __future__ import annotations

import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

RUNTIME = "litert"
LITERT_MIN_IOU = 0.99
LITERT_MAX_SCORE_GAP = 0.01


def litert_stem(name: str, size: int, precision: str = "fp32") -> str:
    return f"{name}-{RUNTIME}-{size}" if precision == "fp32" else f"{name}-{RUNTIME}-{precision}-{size}"


def litert_is_current(out_dir: Path, name: str, size: int, weights_sha256: str,
                      manifest_version: int, sha256_of, precision: str = "fp32") -> bool:
    """True when the LiteRT manifest matches the weights and the .tflite on disk."""
    try:
        manifest = json.loads((out_dir / f"{litert_stem(name, size, precision)}.json").read_text())
    except (OSError, ValueError):
        return False
    model_path = out_dir / manifest.get("file", "")
    return (manifest.get("manifestVersion") == manifest_version
            and manifest.get("runtime") == RUNTIME
            and manifest.get("inputSize") == size
            and manifest.get("precision", "fp32") == precision
            and manifest.get("weights", {}).get("sha256") == weights_sha256
            and model_path.is_file() and sha256_of(model_path) == manifest.get("sha256"))


def _channel_last_converter(target: Path):
    """Stands in for ultralytics.utils.export.litert.torch2litert: same arguments, our
    conversion (NHWC input, pixel coordinates, the detections tensor only)."""
    import litert_torch
    import torch

    class DetectionsOnly(torch.nn.Module):
        def __init__(self, model: torch.nn.Module) -> None:
            super().__init__()
            self.model = model

        def forward(self, image: torch.Tensor) -> torch.Tensor:
            output = self.model(image)
            return output[0] if isinstance(output, (tuple, list)) else output

    def convert(model, im, file, quantize=None, calibration_dataset=None, metadata=None,
                prefix=""):
        if quantize not in (None, 32, False):
            raise ValueError("the LiteRT export here is fp32 only")
        wrapped = litert_torch.to_channel_last_io(DetectionsOnly(model).eval(), args=[0])
        sample = im.permute(0, 2, 3, 1).contiguous()
        litert_torch.convert(wrapped.eval(), (sample,)).export(str(target))
        return str(target)

    return convert


def convert_to_litert(weights: Path, size: int, target: Path) -> None:
    """weights -> target (.tflite, fp32, NHWC input) through Ultralytics' model preparation."""
    import ultralytics.utils.export.litert as ultralytics_litert
    from ultralytics import YOLO

    original = ultralytics_litert.torch2litert
    ultralytics_litert.torch2litert = _channel_last_converter(target)
    try:
        with tempfile.TemporaryDirectory(prefix="export-litert-") as scratch:
            copy = Path(scratch) / weights.name
            shutil.copyfile(weights, copy)
            YOLO(str(copy)).export(format="litert", imgsz=size, verbose=False)
    finally:
        ultralytics_litert.torch2litert = original
    if not target.is_file():
        raise RuntimeError(f"litert-torch wrote no {target}")


class LiteRtInterpreter:
    """ai-edge-litert's Python interpreter taking the reference pipeline's NCHW tensor."""

    def __init__(self, model_path: Path, threads: int = 2) -> None:
        from ai_edge_litert.interpreter import Interpreter

        self.interpreter = Interpreter(model_path=str(model_path), num_threads=threads)
        self.interpreter.allocate_tensors()
        self.input = self.interpreter.get_input_details()[0]
        self.output = self.interpreter.get_output_details()[0]

    def __call__(self, tensor):
        import numpy as np

        self.interpreter.set_tensor(self.input["index"],
                                    np.ascontiguousarray(tensor.transpose(0, 2, 3, 1)))
        self.interpreter.invoke()
        return self.interpreter.get_tensor(self.output["index"])


def verify_litert(model_path: Path, onnx_path: Path, onnx_manifest: dict, image) -> int:
    """LiteRT finds on `image` the people onnxruntime finds with the ONNX model, in place."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import numpy as np
    from tools.detector_reference import ReferenceDetector, box_iou_matrix

    reference = ReferenceDetector(onnx_path, onnx_manifest, threads=2, score_threshold=0.4)
    expected = reference.detect(image)
    reference.infer = LiteRtInterpreter(model_path)
    found = reference.detect(image)
    same = found["count"] == expected["count"] and found["count"] > 0
    if same:
        ious = box_iou_matrix(expected["boxes"], found["boxes"]).max(axis=1)
        gap = np.abs(np.sort(expected["scores"]) - np.sort(found["scores"])).max()
        same = bool(ious.min() >= LITERT_MIN_IOU and gap <= LITERT_MAX_SCORE_GAP)
    if not same:
        raise RuntimeError(f"{model_path.name} finds {found['count']} people in bus.jpg where "
                           f"{onnx_path.name} finds {expected['count']}, or puts them elsewhere")
    return found["count"]


def export_litert(weights: Path, size: int, out_dir: Path, name: str, onnx_manifest: dict,
                  image, sha256_of, log) -> None:
    """<name>-litert-<size>.tflite and its manifest (the ONNX manifest's fields, plus runtime,
    input layout and the converter's version)."""
    import litert_torch
    from ai_edge_litert.interpreter import Interpreter

    started = time.perf_counter()
    stem = litert_stem(name, size)
    target = out_dir / f"{stem}.tflite"
    convert_to_litert(weights, size, target)
    details = Interpreter(model_path=str(target))
    output = details.get_output_details()[0]
    manifest = {key: value for key, value in onnx_manifest.items()
                if key not in ("quantization", "opset")}
    manifest.update({
        "name": stem, "file": target.name, "sha256": sha256_of(target), "runtime": RUNTIME,
        "inputLayout": "nhwc", "inputName": details.get_input_details()[0]["name"],
        "outputName": output["name"], "outputShape": [int(dim) for dim in output["shape"]],
        "layout": "xywh+classes+keypoints, channels first (input NHWC)", "precision": "fp32",
        "converter": f"litert-torch {litert_torch.__version__} (channel-last input)",
        "fromOnnxSha256": onnx_manifest["sha256"],
    })
    if manifest["outputShape"][1] != onnx_manifest["outputShape"][1]:
        raise RuntimeError(f"{target.name} has output {manifest['outputShape']}, the ONNX model "
                           f"{onnx_manifest['outputShape']}")
    found = verify_litert(target, out_dir / onnx_manifest["file"], onnx_manifest, image)
    (out_dir / f"{stem}.json").write_text(json.dumps(manifest, indent=2) + "\n")
    log(f"  {target.name}: {target.stat().st_size / 1e6:.1f} MB, output {manifest['outputShape']}, "
        f"{found} people in bus.jpg as onnxruntime, {time.perf_counter() - started:.1f} s")
