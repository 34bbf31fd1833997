"""The LiteRT int8 model: the fp32 .tflite (tools/export_litert.py) statically quantised by
ai-edge-quantizer, with the detection head's tail kept float.

Quantised: every op of the backbone, the neck and the head branches' Conv/DWConv blocks (int8
weights per output channel, symmetric; int8 activations per tensor, asymmetric, min/max
calibrated). Kept float: each head branch's final Conv2d (box distribution, class score and
keypoint channels), DFL, the box/keypoint decoding and the concatenations, i.e. everything
that turns features into pixels and scores. Whole-model int8 moved boxes to IoU 0.81-0.91 of
fp32 on bus.jpg; this keeps them at a median IoU ~0.99 (tools/litert_int8_check.py).

Calibration: the images the ultralytics wheel ships (bus.jpg, zidane.jpg: whole, halves,
middle band, mirrored; tools/export_model.py calibration_tensors), in the model's NHWC layout,
never the evaluation footage. Exported by `make model` beside the fp32 models (not the default:
docs/detection.md; `export_model.py --no-litert-int8` skips it), ~15 s per size.
"""
from __future__ import annotations

import contextlib
import io
import json
import sys
import time
from pathlib import Path

from tools.export_litert import RUNTIME, LiteRtInterpreter, litert_stem

INT8 = "int8"
# An op's scope is its output tensors' names: litert-torch names a tensor by the torch module
# path, and a fused op joins several names with ';' (the first is the op's own). In the head
# (Pose_23 / Detect_N) but not inside one of its Conv/DWConv blocks: the final Conv2d of each
# branch, DFL, decoding, concatenations.
HEAD_TAIL_SCOPE = (r"^[^;]*/ultralytics\.nn\.modules\.head\.(Pose|Detect)_\d+"
                   r"(?![^;]*ultralytics\.nn\.modules\.conv\.)")
OUTPUT_SCOPE = r"^serving_default_"
_ACTIVATIONS = {"num_bits": 8, "symmetric": False, "granularity": "TENSORWISE", "dtype": "INT"}
_WEIGHTS = {"num_bits": 8, "symmetric": True, "granularity": "CHANNELWISE", "dtype": "INT"}


def int8_recipe(float_scopes=(HEAD_TAIL_SCOPE, OUTPUT_SCOPE)) -> list[dict]:
    """ai-edge-quantizer recipe: static int8 everywhere, then (later rules win) no
    quantisation for the ops whose scope matches one of float_scopes."""
    recipe = [{"regex": ".*", "operation": "*", "algorithm_key": "min_max_uniform_quantize",
               "op_config": {"activation_tensor_config": _ACTIVATIONS,
                             "weight_tensor_config": _WEIGHTS,
                             "compute_precision": "INTEGER", "explicit_dequantize": False}}]
    recipe += [{"regex": scope, "operation": "*", "algorithm_key": "no_quantize"}
               for scope in float_scopes]
    return recipe


def quantize_litert(float_path: Path, target: Path, calibration, float_scopes=None) -> dict:
    """float_path (.tflite, NHWC input) -> target, calibrated on `calibration` (NCHW float
    tensors as tools/detector_reference.letterbox_rgba makes them). Returns op counts."""
    import numpy as np
    from ai_edge_litert.interpreter import Interpreter
    from ai_edge_quantizer import quantizer

    signatures = Interpreter(model_path=str(float_path)).get_signature_list()
    signature = next(iter(signatures))
    input_name = signatures[signature]["inputs"][0]
    engine = quantizer.Quantizer(str(float_path))
    engine.load_quantization_recipe(int8_recipe() if float_scopes is None else int8_recipe(float_scopes))
    samples = [{input_name: np.ascontiguousarray(tensor.transpose(0, 2, 3, 1))} for tensor in calibration]
    with quiet_progress_bars():
        calibrated = engine.calibrate({signature: samples}, num_threads=2)
        engine.quantize(calibrated, serialize_to_path=str(target), enable_progress_report=False)
    return op_precisions(target)


@contextlib.contextmanager
def quiet_progress_bars():
    """ai-edge-quantizer draws tqdm bars (forced on for large models: TQDM_DISABLE does not
    reach them), thousands of lines in a CI log: its standard error is kept and shown only if
    the quantisation fails."""
    captured = io.StringIO()
    try:
        with contextlib.redirect_stderr(captured):
            yield
    except BaseException:
        sys.stderr.write(captured.getvalue())
        raise


def op_precisions(model_path: Path) -> dict:
    """{'int8': n, 'float': m} over the model's convolutions (by output tensor type)."""
    import numpy as np
    from ai_edge_litert.interpreter import Interpreter

    interpreter = Interpreter(model_path=str(model_path))
    dtypes = {tensor["index"]: tensor["dtype"] for tensor in interpreter.get_tensor_details()}
    counts = {"int8": 0, "float": 0}
    for op in interpreter._get_ops_details():  # noqa: SLF001 (the only op listing it offers)
        if op["op_name"] in ("CONV_2D", "DEPTHWISE_CONV_2D"):
            counts["int8" if dtypes[op["outputs"][0]] == np.int8 else "float"] += 1
    return counts


def verify_int8(model_path: Path, float_path: Path, onnx_path: Path, onnx_manifest: dict,
                image) -> int:
    """On `image` the int8 model finds the people the fp32 .tflite finds, within the int8
    tolerance of the ONNX int8 export (tools/detection_parity.py INT8_VS_FP32)."""
    from tools.detection_parity import INT8_VS_FP32, Tolerance, compare_detections
    from tools.detector_reference import ReferenceDetector

    tolerance = Tolerance(INT8_VS_FP32.min_iou, INT8_VS_FP32.max_score_gap, 0.4)
    detectors = []
    for path in (float_path, model_path):
        detector = ReferenceDetector(onnx_path, onnx_manifest, threads=2, score_threshold=0.4,
                                     candidate_threshold=tolerance.candidate_threshold)
        detector.infer = LiteRtInterpreter(path)
        detectors.append(detector)
    reference, quantized = (detector.detect(image) for detector in detectors)
    problems = compare_detections(reference, quantized, tolerance)
    if problems or quantized["count"] < reference["count"] - 1 or quantized["count"] == 0:
        raise RuntimeError(f"{model_path.name} finds {quantized['count']} people in bus.jpg where "
                           f"{float_path.name} finds {reference['count']}"
                           f"{': ' + '; '.join(problems) if problems else ''}")
    return quantized["count"]


def export_litert_int8(size: int, out_dir: Path, name: str, calibration, image, sha256_of,
                       log) -> None:
    """<name>-litert-int8-<size>.tflite and its manifest, from <name>-litert-<size>."""
    from importlib.metadata import version

    started = time.perf_counter()
    float_stem = litert_stem(name, size)
    float_manifest = json.loads((out_dir / f"{float_stem}.json").read_text())
    float_path = out_dir / float_manifest["file"]
    stem = litert_stem(name, size, INT8)
    target = out_dir / f"{stem}.tflite"
    counts = quantize_litert(float_path, target, calibration)
    onnx_manifest = json.loads((out_dir / f"{name}-{size}.json").read_text())
    found = verify_int8(target, float_path, out_dir / onnx_manifest["file"], onnx_manifest, image)
    manifest = dict(float_manifest, name=stem, file=target.name, sha256=sha256_of(target),
                    runtime=RUNTIME, precision=INT8)
    manifest["quantization"] = {
        "method": f"ai-edge-quantizer {version('ai-edge-quantizer')} static: int8 weights per "
                  "channel, int8 activations per tensor (min/max); the head's final "
                  "convolutions, DFL, decoding and concatenations float",
        "floatScopes": [HEAD_TAIL_SCOPE, OUTPUT_SCOPE],
        "convolutions": counts,
        "calibration": "ultralytics/assets/*.jpg: whole, halves, middle band, mirrored (NHWC)",
        "fromSha256": float_manifest["sha256"]}
    (out_dir / f"{stem}.json").write_text(json.dumps(manifest, indent=2) + "\n")
    log(f"  {target.name}: {target.stat().st_size / 1e6:.1f} MB, {counts['int8']} int8 / "
        f"{counts['float']} float convolutions, {found} people in bus.jpg as the fp32 .tflite, "
        f"{time.perf_counter() - started:.1f} s")
