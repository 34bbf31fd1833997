"""How the crops' boxes are merged, tried offline on a far view: the crops each frame of a
tools/evaluate.py run looked at (its `<video>.detections.json`, the `observed` regions) run again by
onnxruntime-Python (tools/detector_reference.py: the browser's letterbox, decode and mapping),
every candidate box kept, then merged several ways and scored where the detector looked, as
tools/evaluate.py scores detection (recall: the people held whole by a crop run on that frame,
matched one to one at IoU >= 0.5 by boxes scoring >= 0.25; precision: such boxes matching a person
looked at, or matching nobody and themselves looked at).

    .venv/bin/python tools/far_view_merge.py --detections test-artifacts/evaluate/V.detections.json \\
        --gt test-artifacts/far_view/V/gt.txt

Variants: the app's merge (region_merge.js: a box cut by a crop's inner border that an uncut box of
another crop covers goes, then NMS at REGION_IOU_THRESHOLD 0.5); NMS at 0.6 and 0.7; no seam rule;
NMS that keeps a box overlapping a kept one when their heads (the pose's face keypoints) are apart
(two people, one behind the other); NMS that also drops a box whose head is the kept box's (heads
together), or a box lying mostly inside a kept box (nested, optionally only when it scores low); a
higher score threshold in crops; boxes too thin to be a whole person dropped; and every candidate
with no merge at all (an upper bound: the boxes the model has, duplicates included). Every merged
variant then drops the fragments the pipeline drops when some crops did not run
(RegionRotation.dropFragments, mirrored by drop_fragments()), so the app's merge prints what the
browser recorded to within the two runtimes' last digits.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import numpy as np

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tools.detector_reference import (REGION_IOU_THRESHOLD, SEAM_MARGIN, ReferenceDetector, box_iou_matrix,  # noqa: E402
                                      decode_output, letterbox_rgba, load_model, map_to_frame, seam_survivors)
from tools.eval_data import load_mot  # noqa: E402
from tools.eval_scoring import DETECTION_SCORE, looked_at  # noqa: E402
from tools.far_view_errors import optimal_match  # noqa: E402

CANDIDATE_SCORE = 0.1  # the app's detector threshold (DETECTOR_SCORE_THRESHOLD)
FACE = (0, 1, 2, 3, 4)  # COCO keypoints: nose, eyes, ears


def head_of(keypoints) -> tuple[np.ndarray, float] | None:
    """The confidence-weighted centre of the face keypoints and their best confidence (None: none)."""
    points = np.asarray(keypoints, np.float64).reshape(-1, 3)[list(FACE)]
    weights = points[:, 2]
    if weights.sum() <= 0:
        return None
    return (points[:, :2] * weights[:, None]).sum(0) / weights.sum(), float(weights.max())


def inside_share(inner, outer) -> float:
    """The share of box `inner`'s area inside box `outer`."""
    width = min(inner[2], outer[2]) - max(inner[0], outer[0])
    height = min(inner[3], outer[3]) - max(inner[1], outer[1])
    area = (inner[2] - inner[0]) * (inner[3] - inner[1])
    return width * height / area if width > 0 and height > 0 and area > 0 else 0.0


def suppress(boxes, scores, iou_threshold: float, keypoints=None, heads_apart: float | None = None,
             head_confidence: float = 0.5, heads_together: float | None = None, nested: float | None = None,
             nested_below: float = 1.0) -> np.ndarray:
    """NMS (best score first) returning the kept indices; with `heads_apart`, a box overlapping a kept
    one is kept too when both have a confident head and the heads are more than `heads_apart` x the
    taller box's height apart; with `heads_together`, a box overlapping a kept one at IoU > 0.3 goes
    too when both have a confident head within `heads_together` x the taller height (one person);
    with `nested`, a box scoring under `nested_below` goes too when that share of it lies inside a
    kept box (a second box inside one person's box, whatever the IoU)."""
    boxes = np.asarray(boxes, np.float64).reshape(-1, 4)
    order = np.lexsort((np.arange(len(scores)), -np.asarray(scores, np.float64)))
    overlaps = box_iou_matrix(boxes, boxes)
    heads = [head_of(k) for k in keypoints] if heads_apart is not None or heads_together is not None else None
    suppressed = np.zeros(len(scores), bool)
    kept = []
    for rank, candidate in enumerate(order):
        if suppressed[candidate]:
            continue
        kept.append(candidate)
        for other in order[rank + 1:]:
            if suppressed[other]:
                continue
            if overlaps[candidate, other] <= iou_threshold:
                if nested is not None and scores[other] < nested_below \
                        and inside_share(boxes[other], boxes[candidate]) >= nested:
                    suppressed[other] = True
                elif heads_together is not None and overlaps[candidate, other] > 0.3 and heads[candidate] \
                        and heads[other] and min(heads[candidate][1], heads[other][1]) >= head_confidence:
                    tall = max(boxes[candidate, 3] - boxes[candidate, 1], boxes[other, 3] - boxes[other, 1])
                    suppressed[other] = np.linalg.norm(heads[candidate][0] - heads[other][0]) < heads_together * tall
                continue
            if heads_apart is not None and heads[candidate] and heads[other] \
                    and min(heads[candidate][1], heads[other][1]) >= head_confidence:
                tall = max(boxes[candidate, 3] - boxes[candidate, 1], boxes[other, 3] - boxes[other, 1])
                if np.linalg.norm(heads[candidate][0] - heads[other][0]) > heads_apart * tall:
                    continue
            suppressed[other] = True
    return np.asarray(kept, np.int64)


VARIANTS = {
    "the app's merge (seam rule, NMS 0.5)": {},
    "NMS 0.6": {"iou": 0.6},
    "NMS 0.7": {"iou": 0.7},
    "no seam rule": {"seam": False},
    "NMS 0.5 keeping heads apart (0.2 heights)": {"heads_apart": 0.2},
    "NMS 0.5 + heads together (0.15 heights, IoU > 0.3)": {"heads_together": 0.15},
    "NMS 0.5 + nested (0.9 inside a kept box)": {"nested": 0.9},
    "NMS 0.5 + nested (0.9 inside a kept box) scoring under 0.4": {"nested": 0.9, "nested_below": 0.4},
    "NMS 0.5 + nested (0.8 inside a kept box) scoring under 0.4": {"nested": 0.8, "nested_below": 0.4},
    "score >= 0.3 in crops": {"min_score": 0.3},
    "score >= 0.4 in crops": {"min_score": 0.4},
    "width/height >= 0.15": {"min_aspect": 0.15},
    "width/height >= 0.2": {"min_aspect": 0.2},
    "every candidate, no merge (the model's boxes, duplicates included)": {"merge": False},
}


def drop_fragments(boxes, regions: list[dict], width: int, height: int) -> list[bool]:
    """Mirrors RegionRotation.dropFragments (frontend/js/pipeline/region_rotation.js), which runs
    on every frame a recording lists crops for (some crops did not run): whether each box is kept,
    i.e. not inside crops run now (SEAM_MARGIN to spare) all of which cut it by an inner border."""
    def inside(box, region):
        return (box[0] >= region["x"] - SEAM_MARGIN and box[1] >= region["y"] - SEAM_MARGIN
                and box[2] <= region["x"] + region["width"] + SEAM_MARGIN
                and box[3] <= region["y"] + region["height"] + SEAM_MARGIN)

    def cut(box, region):
        right, bottom = region["x"] + region["width"], region["y"] + region["height"]
        return ((region["x"] > SEAM_MARGIN and box[0] <= region["x"] + SEAM_MARGIN)
                or (region["y"] > SEAM_MARGIN and box[1] <= region["y"] + SEAM_MARGIN)
                or (right < width - SEAM_MARGIN and box[2] >= right - SEAM_MARGIN)
                or (bottom < height - SEAM_MARGIN and box[3] >= bottom - SEAM_MARGIN))

    crops = [r for r in regions if not (r["x"] <= 0 and r["y"] <= 0 and r["x"] + r["width"] >= width
                                        and r["y"] + r["height"] >= height)]
    keep = []
    for box in boxes:
        holding = [region for region in crops if inside(box, region)]
        keep.append(not (holding and all(cut(box, region) for region in holding)))
    return keep


def merged(frame: dict, width: int, height: int, iou: float = REGION_IOU_THRESHOLD, seam: bool = True,
           heads_apart: float | None = None, merge: bool = True, heads_together: float | None = None,
           nested: float | None = None, nested_below: float = 1.0, min_score: float = DETECTION_SCORE,
           min_aspect: float = 0.0) -> list:
    """The boxes scoring >= DETECTION_SCORE (or min_score) a variant keeps on one frame's candidates,
    without the fragments the pipeline drops (drop_fragments) when merged."""
    boxes, scores, runs, keypoints = frame["boxes"], frame["scores"], frame["runs"], frame["keypoints"]
    eligible = np.flatnonzero(scores > CANDIDATE_SCORE)
    if merge:
        if seam and len(frame["regions"]) > 1:
            eligible = eligible[seam_survivors(boxes[eligible], runs[eligible], frame["regions"], width, height)]
        eligible = eligible[suppress(boxes[eligible], scores[eligible], iou, keypoints[eligible], heads_apart,
                                     heads_together=heads_together, nested=nested, nested_below=nested_below)]
    kept = [list(map(float, boxes[i])) for i in eligible
            if scores[i] >= max(DETECTION_SCORE, min_score)
            and boxes[i][2] - boxes[i][0] >= min_aspect * (boxes[i][3] - boxes[i][1])]
    if merge:
        kept = [box for box, keep in zip(kept, drop_fragments(kept, frame["regions"], width, height)) if keep]
    return kept


def score(frames: list[dict], gt: dict, width: int, height: int, **variant) -> tuple[float, float]:
    """(recall, precision) where looked at, as tools/evaluate.py counts them (boxes matched one to one
    on the whole frame, IoU >= 0.5, the best total; a box matching nobody counts when it is itself
    looked at, with no margin)."""
    people = found = counted = right = 0
    for frame in frames:
        boxes = merged(frame, width, height, **variant)
        truth = [box for _, box in gt.get(frame["frameIndex"], [])]
        seen = [looked_at(box, frame["regions"], width, height) for box in truth]
        matched = optimal_match(truth, boxes)
        people += sum(seen)
        found += sum(1 for person in matched if seen[person])
        owner = {j: i for i, j in matched.items()}
        for j, box in enumerate(boxes):
            if j in owner:
                counted += seen[owner[j]]
                right += seen[owner[j]]
            else:
                counted += looked_at(box, frame["regions"], width, height, margin=0)
    return found / max(1, people), right / max(1, counted)


def candidates(recorded: dict, video: Path) -> list[dict]:
    """Every box the model decodes (score > CANDIDATE_SCORE) in the crops each recorded frame ran."""
    width, height = recorded["width"], recorded["height"]
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", str(video), "-f", "rawvideo", "-pix_fmt", "rgba", "-"],
                         capture_output=True, check=True).stdout
    pictures = np.frombuffer(raw, np.uint8).reshape(-1, height, width, 4)
    detector = ReferenceDetector(*load_model(), threads=2)
    frames = []
    for frame in recorded["frames"]:
        if not frame.get("observed"):
            continue  # the whole frame (no crops to merge)
        regions = [{key: region[key] for key in ("x", "y", "width", "height")} for region in frame["observed"]]
        parts = []
        for run, region in enumerate(regions):
            tensor, params, crop = letterbox_rgba(pictures[frame["frameIndex"] - 1], detector.size, region)
            part = map_to_frame(decode_output(detector.infer(tensor), detector.layout, CANDIDATE_SCORE), params, crop)
            parts.append((part, np.full(len(part["scores"]), run)))
        frames.append({"frameIndex": frame["frameIndex"], "regions": regions,
                       "boxes": np.concatenate([part["boxes"] for part, _ in parts]),
                       "scores": np.concatenate([part["scores"] for part, _ in parts]),
                       "runs": np.concatenate([runs for _, runs in parts]),
                       "keypoints": np.concatenate([part["keypoints"] for part, _ in parts])})
    return frames


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--detections", required=True, type=Path, help="<video>.detections.json of tools/evaluate.py")
    parser.add_argument("--gt", required=True, type=Path)
    args = parser.parse_args(argv)
    recorded = json.loads(args.detections.read_text())
    frames = candidates(recorded, Path(recorded["video"]))
    gt = load_mot(args.gt)
    print(f"{Path(recorded['video']).name}: {len(frames)} frames with crops, onnxruntime-Python on the recorded crops")
    for name, variant in VARIANTS.items():
        recall, precision = score(frames, gt, recorded["width"], recorded["height"], **variant)
        print(f"  {name}: recall {recall:.3f}, precision {precision:.3f} (where looked at)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
