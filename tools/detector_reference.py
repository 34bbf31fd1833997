"""The detector's post-processing in numpy, operation for operation as frontend/js/detector/
(letterbox with bilinear resampling, decode of both YOLO layouts, person filter, NMS,
mapping back to the frame), run by onnxruntime-Python. Shared by the export check, the
parity test and the benchmark, so "the same pixels" give the same tensor on both sides."""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

PAD_VALUE = 114
MODELS_DIR = Path(__file__).resolve().parent.parent / "frontend" / "models"


@dataclass(frozen=True)
class Letterbox:
    scale: float
    scale_x: float
    scale_y: float
    new_width: int
    new_height: int
    pad_left: int
    pad_top: int


def _round_half_up(value: float) -> int:
    """JavaScript's Math.round (Python's round() rounds half to even)."""
    return int(np.floor(value + 0.5))


def letterbox_params(width: int, height: int, size: int, allow_upscale: bool = True) -> Letterbox:
    if width <= 0 or height <= 0:
        raise ValueError(f"image size must be positive, got {width}x{height}")
    scale = min(size / width, size / height)
    if not allow_upscale:
        scale = min(scale, 1.0)
    new_width = max(1, min(size, _round_half_up(width * scale)))
    new_height = max(1, min(size, _round_half_up(height * scale)))
    return Letterbox(scale, new_width / width, new_height / height, new_width, new_height,
                     _round_half_up((size - new_width) / 2 - 0.1),
                     _round_half_up((size - new_height) / 2 - 0.1))


def _sampling_table(source_length: int, target_length: int, offset: int):
    ratio = source_length / target_length
    position = np.maximum((np.arange(target_length, dtype=np.float64) + 0.5) * ratio - 0.5, 0.0)
    first = np.minimum(np.floor(position).astype(np.int64), source_length - 1)
    fraction = position - first
    second = np.minimum(first + 1, source_length - 1)
    fraction[first == source_length - 1] = 0.0
    return first + offset, second + offset, fraction


def normalise_region(region: dict | None, frame_width: int, frame_height: int) -> dict:
    if region is None:
        return {"x": 0, "y": 0, "width": frame_width, "height": frame_height}
    x0 = max(0, int(np.floor(region["x"])))
    y0 = max(0, int(np.floor(region["y"])))
    x1 = min(frame_width, int(np.ceil(region["x"] + region["width"])))
    y1 = min(frame_height, int(np.ceil(region["y"] + region["height"])))
    if x1 - x0 < 2 or y1 - y0 < 2:
        raise ValueError(f"region {region} lies outside the {frame_width}x{frame_height} frame")
    return {"x": x0, "y": y0, "width": x1 - x0, "height": y1 - y0}


def letterbox_rgba(rgba: np.ndarray, size: int, region: dict | None = None):
    """(1, 3, size, size) float32 tensor of an (H, W, 4|3) uint8 frame, and its Letterbox."""
    frame_height, frame_width = rgba.shape[:2]
    crop = normalise_region(region, frame_width, frame_height)
    params = letterbox_params(crop["width"], crop["height"], size)
    col0, col1, fx = _sampling_table(crop["width"], params.new_width, crop["x"])
    row0, row1, fy = _sampling_table(crop["height"], params.new_height, crop["y"])
    pixels = rgba[..., :3]
    fx = fx[None, :, None]
    fy = fy[:, None, None]
    top0 = pixels[row0][:, col0].astype(np.float64)
    top1 = pixels[row0][:, col1].astype(np.float64)
    bottom0 = pixels[row1][:, col0].astype(np.float64)
    bottom1 = pixels[row1][:, col1].astype(np.float64)
    upper = top0 * (1 - fx) + top1 * fx
    lower = bottom0 * (1 - fx) + bottom1 * fx
    resized = ((upper * (1 - fy) + lower * fy) / 255).astype(np.float32)
    tensor = np.full((1, 3, size, size), np.float32(PAD_VALUE / 255), np.float32)
    tensor[0, :, params.pad_top:params.pad_top + params.new_height,
           params.pad_left:params.pad_left + params.new_width] = resized.transpose(2, 0, 1)
    return tensor, params, crop


@dataclass(frozen=True)
class Layout:
    task: str
    class_count: int
    keypoint_count: int

    @property
    def channels(self) -> int:
        return 4 + self.class_count + 3 * self.keypoint_count

    @classmethod
    def from_manifest(cls, manifest: dict) -> "Layout":
        keypoints = manifest["keypoints"]["count"] if manifest["task"] == "pose" else 0
        return cls(manifest["task"], len(manifest["classNames"]), keypoints)


def decode_output(output: np.ndarray, layout: Layout, score_threshold: float,
                  person_class_ids=(0,)) -> dict:
    """Candidates of a [1, C, N] output in model coordinates (x1y1x2y2)."""
    data = output.reshape(output.shape[-2], output.shape[-1])
    if data.shape[0] != layout.channels:
        raise ValueError(f"output has {data.shape[0]} channels, layout expects {layout.channels}")
    class_scores = data[4:4 + layout.class_count]
    best_class = class_scores.argmax(axis=0)
    best = class_scores[best_class, np.arange(data.shape[1])]
    keep = (best > score_threshold) & np.isin(best_class, person_class_ids)
    picked = data[:, keep].astype(np.float64)
    centre_x, centre_y, half_w, half_h = picked[0], picked[1], picked[2] / 2, picked[3] / 2
    boxes = np.stack([centre_x - half_w, centre_y - half_h, centre_x + half_w,
                      centre_y + half_h], axis=1).astype(np.float32)
    keypoints = None
    if layout.keypoint_count:
        start = 4 + layout.class_count
        keypoints = picked[start:start + 3 * layout.keypoint_count].T.astype(np.float32)
    return {"boxes": boxes, "scores": best[keep].astype(np.float32),
            "class_ids": best_class[keep].astype(np.int32), "keypoints": keypoints}


def map_to_frame(candidates: dict, params: Letterbox, region: dict) -> dict:
    boxes = candidates["boxes"].astype(np.float64)
    right, bottom = region["x"] + region["width"], region["y"] + region["height"]
    boxes[:, 0::2] = np.clip((boxes[:, 0::2] - params.pad_left) / params.scale_x + region["x"],
                             region["x"], right)
    boxes[:, 1::2] = np.clip((boxes[:, 1::2] - params.pad_top) / params.scale_y + region["y"],
                             region["y"], bottom)
    candidates["boxes"] = boxes.astype(np.float32)
    if candidates["keypoints"] is not None:
        points = candidates["keypoints"].astype(np.float64)
        points[:, 0::3] = (points[:, 0::3] - params.pad_left) / params.scale_x + region["x"]
        points[:, 1::3] = (points[:, 1::3] - params.pad_top) / params.scale_y + region["y"]
        candidates["keypoints"] = points.astype(np.float32)
    return candidates


def box_iou_matrix(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """IoU of every box of `first` (n, 4) with every box of `second` (m, 4)."""
    a = first.astype(np.float64)[:, None, :]
    b = second.astype(np.float64)[None, :, :]
    width = np.minimum(a[..., 2], b[..., 2]) - np.maximum(a[..., 0], b[..., 0])
    height = np.minimum(a[..., 3], b[..., 3]) - np.maximum(a[..., 1], b[..., 1])
    intersection = np.where((width > 0) & (height > 0), width * height, 0.0)
    union = ((a[..., 2] - a[..., 0]) * (a[..., 3] - a[..., 1])
             + (b[..., 2] - b[..., 0]) * (b[..., 3] - b[..., 1]) - intersection)
    return np.where(union > 0, intersection / np.where(union > 0, union, 1), 0.0)


def non_max_suppression(boxes: np.ndarray, scores: np.ndarray, iou_threshold: float,
                        max_detections: int = 300) -> np.ndarray:
    order = np.lexsort((np.arange(len(scores)), -scores.astype(np.float64)))
    ious = box_iou_matrix(boxes, boxes)
    suppressed = np.zeros(len(scores), bool)
    kept = []
    for rank, candidate in enumerate(order):
        if len(kept) >= max_detections:
            break
        if suppressed[candidate]:
            continue
        kept.append(candidate)
        later = order[rank + 1:]
        suppressed[later[ious[candidate, later] > iou_threshold]] = True
    return np.asarray(kept, np.int64)


SEAM_MARGIN = 2
SEAM_COVER = 0.6
REGION_IOU_THRESHOLD = 0.5  # region_merge.js: NMS at most this when crops run


def seam_survivors(boxes: np.ndarray, run_index: np.ndarray, regions: list[dict], frame_width: int,
                   frame_height: int) -> np.ndarray:
    """Indices of the candidates left when a box cut by its crop's inner border is covered
    (SEAM_COVER of its area) by an uncut box of another crop (region_merge.js)."""
    cut = np.zeros(len(boxes), bool)
    for index, (x1, y1, x2, y2) in enumerate(boxes):
        region = regions[run_index[index]]
        right, bottom = region["x"] + region["width"], region["y"] + region["height"]
        cut[index] = ((region["x"] > SEAM_MARGIN and x1 <= region["x"] + SEAM_MARGIN)
                      or (region["y"] > SEAM_MARGIN and y1 <= region["y"] + SEAM_MARGIN)
                      or (right < frame_width - SEAM_MARGIN and x2 >= right - SEAM_MARGIN)
                      or (bottom < frame_height - SEAM_MARGIN and y2 >= bottom - SEAM_MARGIN))
    keep = []
    for index in range(len(boxes)):
        covered = False
        if cut[index]:
            x1, y1, x2, y2 = boxes[index]
            area = (x2 - x1) * (y2 - y1)
            for other in range(len(boxes)):
                if other == index or cut[other] or run_index[other] == run_index[index]:
                    continue
                width = min(x2, boxes[other, 2]) - max(x1, boxes[other, 0])
                height = min(y2, boxes[other, 3]) - max(y1, boxes[other, 1])
                if width > 0 and height > 0 and area > 0 and width * height / area >= SEAM_COVER:
                    covered = True
                    break
        if not covered:
            keep.append(index)
    return np.asarray(keep, np.int64)


@dataclass
class ReferenceDetector:
    """onnxruntime-Python + the numpy pipeline above; detect() returns the contract's fields
    (boxes, scores, class_ids, keypoints) as numpy arrays and `timings` in ms."""
    model_path: Path
    manifest: dict
    threads: int = 1
    score_threshold: float = 0.25
    iou_threshold: float = 0.7
    graph_optimization: str = "all"
    candidate_threshold: float | None = None
    # Without AVX-512 VNNI, onnxruntime's x86 int8 kernels add u8*s8 pairs into saturating
    # 16-bit sums (vpmaddubsw); U8U8 sums exactly, as VNNI and the browser's WASM do. (No
    # effect on fp32 models, nor on CPUs with VNNI.)
    session_config: dict = field(default_factory=lambda: {"session.x64quantprecision": "1"})
    timings: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = self.threads
        options.inter_op_num_threads = 1
        options.graph_optimization_level = {
            "disabled": ort.GraphOptimizationLevel.ORT_DISABLE_ALL,
            "basic": ort.GraphOptimizationLevel.ORT_ENABLE_BASIC,
            "extended": ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
            "all": ort.GraphOptimizationLevel.ORT_ENABLE_ALL}[self.graph_optimization]
        for key, value in self.session_config.items():
            options.add_session_config_entry(key, value)
        self.session = ort.InferenceSession(str(self.model_path), options,
                                            providers=["CPUExecutionProvider"])
        self.input_name = self.session.get_inputs()[0].name
        self.size = int(self.manifest["inputSize"])
        self.layout = Layout.from_manifest(self.manifest)

    def infer(self, tensor: np.ndarray) -> np.ndarray:
        return self.session.run(None, {self.input_name: tensor})[0]

    def detect(self, rgba: np.ndarray, regions: list[dict] | None = None) -> dict:
        """With candidate_threshold set (below score_threshold), also `candidates`: every
        decoded box down to it before NMS, and which of them were kept."""
        started = time.perf_counter()
        decode_threshold = min(self.score_threshold, self.candidate_threshold or self.score_threshold)
        runs, inference = [], 0.0
        for region in regions or [None]:
            tensor, params, crop = letterbox_rgba(rgba, self.size, region)
            before = time.perf_counter()
            output = self.infer(tensor)
            inference += time.perf_counter() - before
            runs.append((output, params, crop))
        decode_started = time.perf_counter()
        parts = [map_to_frame(decode_output(output, self.layout, decode_threshold), params, crop)
                 for output, params, crop in runs]
        boxes = np.concatenate([part["boxes"] for part in parts])
        scores = np.concatenate([part["scores"] for part in parts])
        eligible = np.flatnonzero(scores > self.score_threshold)
        if len(runs) > 1:  # frontend/js/detector/region_merge.js: seam fragments go first
            run_index = np.concatenate([np.full(len(part["scores"]), run) for run, part in enumerate(parts)])
            height, width = rgba.shape[:2]
            eligible = eligible[seam_survivors(boxes[eligible], run_index[eligible],
                                               [crop for _, _, crop in runs], width, height)]
        iou_threshold = min(self.iou_threshold, REGION_IOU_THRESHOLD) if len(runs) > 1 else self.iou_threshold
        kept = eligible[non_max_suppression(boxes[eligible], scores[eligible], iou_threshold)]
        keypoints = (np.concatenate([part["keypoints"] for part in parts])[kept]
                     if self.layout.keypoint_count else None)
        done = time.perf_counter()
        self.timings = {"preprocess": (decode_started - started - inference) * 1000,
                        "inference": inference * 1000, "decode": (done - decode_started) * 1000}
        result = {"count": len(kept), "boxes": boxes[kept], "scores": scores[kept],
                  "class_ids": np.concatenate([p["class_ids"] for p in parts])[kept],
                  "keypoints": keypoints}
        if self.candidate_threshold is not None:
            result["candidates"] = {"boxes": boxes, "scores": scores, "kept": kept}
        return result


def load_model(models_dir: Path = MODELS_DIR, name: str | None = None) -> tuple[Path, dict]:
    """The ONNX path and manifest onnxruntime-Python runs for `name` (default: index.json's
    default model). For a LiteRT model that is the ONNX model it was converted from (same
    weights, size and output layout): the reference a browser runtime is held to."""
    index_path = models_dir / "index.json"
    if not index_path.exists():
        raise SystemExit(f"No exported models in {models_dir}: run `make model`.")
    index = json.loads(index_path.read_text())
    name = name or index["default"]
    for entry in index["models"]:
        if entry["name"] == name:
            manifest = json.loads((models_dir / entry["manifest"]).read_text())
            if manifest.get("runtime", "ort") != "ort":
                return onnx_source_of(models_dir, index, manifest)
            return models_dir / entry["file"], manifest
    raise SystemExit(f"Model {name!r} is not in {index_path}; exported: "
                     + ", ".join(entry["name"] for entry in index["models"]))


def onnx_source_of(models_dir: Path, index: dict, manifest: dict) -> tuple[Path, dict]:
    """The ONNX model a converted (e.g. LiteRT) model was made from, by its sha256."""
    for entry in index["models"]:
        if entry.get("runtime", "ort") == "ort":
            candidate = json.loads((models_dir / entry["manifest"]).read_text())
            if candidate.get("sha256") == manifest.get("fromOnnxSha256"):
                return models_dir / entry["file"], candidate
    raise SystemExit(f"The ONNX model {manifest['name']} was converted from is not in {models_dir}: "
                     "run `make model`.")
