"""The browser's detector (onnxruntime-web in a worker, frontend/js/detector) finds the same
people as onnxruntime-Python with the numpy reference pipeline, on the same decoded pixels."""
from __future__ import annotations

import base64

import numpy as np
import pytest

from tools.detection_parity import compare_detections, tolerance_for
from tools.detector_reference import MODELS_DIR, ReferenceDetector, load_model
from tools.harness import SHARED_DATA, decode_frames

pytestmark = pytest.mark.e2e

VIDEO = SHARED_DATA / "TUD-Stadtmitte" / "TUD-Stadtmitte.mp4"
FRAME_COUNT = 20
FRAME_STEP = 5          # frames 1, 6, 11, ... 96: people move between them
# Boxes and scores may move only as far as the kernels' arithmetic allows (fp32: summation
# order; int8: requantisation rounding, see tools/detection_parity.py), people near the score
# or NMS threshold may fall on either side of it; nothing else may differ.


@pytest.fixture(scope="module")
def frames():
    if not VIDEO.exists():
        pytest.fail(f"{VIDEO} is missing (shared data)")
    picked = [frame.copy() for index, frame in enumerate(decode_frames(VIDEO, FRAME_COUNT * FRAME_STEP))
              if index % FRAME_STEP == 0]
    assert len(picked) == FRAME_COUNT
    return picked


def reference_for(name: str | None = None) -> ReferenceDetector:
    if not (MODELS_DIR / "index.json").exists():
        pytest.fail(f"no exported model in {MODELS_DIR}: run `make model`")
    model_path, manifest = load_model(name=name)
    tolerance = tolerance_for(manifest.get("precision", "fp32"))
    return ReferenceDetector(model_path, manifest, threads=2,
                             candidate_threshold=tolerance.candidate_threshold)


@pytest.fixture
def lab(page, live_server):
    page.goto(f"{live_server.url}/lab/detector")
    page.wait_for_function("() => window.lab !== undefined")
    return page


def browser_detect(page, frame: np.ndarray, **options) -> dict:
    height, width = frame.shape[:2]
    pixels = base64.b64encode(np.ascontiguousarray(frame).tobytes()).decode("ascii")
    return page.evaluate("([w, h, p, o]) => lab.detectRgba(w, h, p, o)", [width, height, pixels, options])


def assert_same_people(browser: dict, python: dict, label: str, precision: str = "fp32") -> None:
    problems = compare_detections(python, browser, tolerance_for(precision))
    assert not problems, f"{label}: the browser differs from onnxruntime-Python: " + "; ".join(problems)
    assert browser["classIds"] == [0] * browser["count"]
    if python["keypoints"] is not None:
        assert browser["keypointCount"] == 17
        assert len(browser["keypoints"]) == browser["count"] * 17 * 3


def tampered(browser: dict, change: str) -> dict:
    """The browser's answer with its strongest person moved by a tenth of its width,
    rescored by 0.03 or dropped."""
    boxes = np.asarray(browser["boxes"], np.float64).reshape(-1, 4).copy()
    scores = np.asarray(browser["scores"], np.float64).copy()
    top = int(np.argmax(scores))
    if change == "shift":
        boxes[top, [0, 2]] += 0.1 * (boxes[top, 2] - boxes[top, 0])
    elif change == "rescore":
        scores[top] -= 0.03
    else:
        boxes, scores = np.delete(boxes, top, axis=0), np.delete(scores, top)
    return {"boxes": boxes.ravel().tolist(), "scores": scores.tolist()}


@pytest.mark.parametrize("precision", ["fp32", "int8"])
def test_browser_detections_equal_onnxruntime_python(lab, frames, precision):
    # int8 here is onnxruntime-web's model against onnxruntime-Python's (same int8 graph); the
    # LiteRT int8 model has its own test against fp32 (test_detector_runtimes.py).
    options = {"precision": precision, **({"runtime": "ort"} if precision == "int8" else {})}
    info = lab.evaluate("(options) => lab.load(options)", options)
    reference = reference_for(info["info"]["modelName"])
    assert reference.manifest.get("precision", "fp32") == precision
    assert info["crossOriginIsolated"] is True
    assert info["inputSize"] == reference.size
    assert info["backend"], "the detector must say which backend it uses"
    total_people = 0
    for number, frame in enumerate(frames):
        python = reference.detect(frame)
        browser = browser_detect(lab, frame)
        assert_same_people(browser, python, f"frame {1 + number * FRAME_STEP} ({info['backend']})",
                           precision)
        total_people += python["count"]
        if precision == "fp32":  # the same comparison still sees a planted mismatch here
            for change in ("shift", "rescore", "drop"):
                assert compare_detections(python, tampered(browser, change), tolerance_for(precision))
    # TUD-Stadtmitte has several people in every frame: an empty result would prove nothing.
    assert total_people >= 3 * FRAME_COUNT


def test_regions_merge_like_the_reference(lab, frames):
    info = lab.evaluate("() => lab.load({ precision: 'fp32' })")
    reference = reference_for(info["info"]["modelName"])
    frame = frames[4]
    height, width = frame.shape[:2]
    regions = [{"x": 0, "y": 0, "width": width * 0.6, "height": height},
               {"x": width * 0.4, "y": 0, "width": width * 0.6, "height": height}]
    python = reference.detect(frame, regions=regions)
    browser = browser_detect(lab, frame, regions=regions)
    assert python["count"] > 0
    assert_same_people(browser, python, "two overlapping regions")
    right_edge = np.asarray(browser["boxes"]).reshape(-1, 4)[:, 2]
    assert right_edge.max() <= width


def test_image_bitmap_path_sees_the_same_pixels(lab, frames):
    info = lab.evaluate("() => lab.load({ precision: 'fp32' })")
    reference = reference_for(info["info"]["modelName"])
    frame = frames[10]
    assert_same_people(browser_detect(lab, frame, **{"as": "bitmap"}), reference.detect(frame),
                       "ImageBitmap source")


def test_bad_options_are_refused_clearly(lab):
    message = lab.evaluate("() => lab.load({ backends: ['cuda'] }).then(() => 'loaded', (e) => e.message)")
    assert "unknown backend" in message
    message = lab.evaluate("() => lab.load({ inputSize: 123 }).then(() => 'loaded', (e) => e.message)")
    assert "no exported model has input size 123" in message
    message = lab.evaluate("() => lab.load({ precision: 'fp16' }).then(() => 'loaded', (e) => e.message)")
    assert "precision must be" in message
