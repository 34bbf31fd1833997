"""Does looking closer find more people on a far view? Offline, with onnxruntime-Python on the
app's exported model (tools/detector_reference.py: the browser's letterbox, decode and mapping):
a fixed grid of square crops at several scales (the crop's side is model size / scale, neighbours
overlapping by at least the tallest person of the ground truth), run on every `--step`th frame,
merged as the app merges crops (region_merge.js: the seam rule, then NMS at 0.5; mirrored by
detector_reference.py), scored at IoU 0.5 with boxes scoring >= 0.25:

- every crop on every frame: recall and precision over everyone (as at full size);
- crops in turn as the app takes them at 25 fps (region_rotation.js with turnSeconds 0.1: crop i
  on the frames where i % 3 is the turn; the fragments cut by the crops run now dropped): recall
  where looked at (tools/evaluate.py's "detection recall" row) and weighted as at full size
  (1 / the plan's crops holding the person: its "weighted" row), and precision where looked at;
- recall by how much of a person's box another person covers (tools/far_view_errors.py's bins);
- optionally the same crops flipped left to right as well (test-time augmentation: two model runs
  a crop, the boxes of both merged by the same NMS).

    .venv/bin/python tools/far_view_scale.py --video test-artifacts/far_view/V/V.mp4 \\
        --gt test-artifacts/far_view/V/gt.txt [--scales 1.0,1.2,1.5,1.8,2.0] [--step 2] [--flip 1.2]

"plan" among the scales is the app's tiling (region_plan.js tileArea, 6 crops at most, x1.5 at
most, the same overlap): the crops the planner settles on over a far view.
"""
from __future__ import annotations

import argparse
import json
import math
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tools.detector_reference import (REGION_IOU_THRESHOLD, ReferenceDetector, decode_output,  # noqa: E402
                                      letterbox_rgba, load_model, map_to_frame, non_max_suppression,
                                      seam_survivors)
from tools.eval_data import load_mot  # noqa: E402
from tools.eval_scoring import DETECTION_SCORE, looked_at, plan_weight  # noqa: E402
from tools.far_view_errors import COVER_BINS, covered_share, greedy_match  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CANDIDATE_SCORE = 0.1  # the app's detector threshold (DETECTOR_SCORE_THRESHOLD)
TURN_GROUPS = 3  # region_rotation.js at 25 fps with turnSeconds 0.1: each crop every third frame
BUDGET_RUNS = 2  # also in turn in as many groups as leave about this many crop runs a frame (the app's 6 crops in 3)
SEAM_MARGIN = 2


def grid(width: int, height: int, side: float, overlap: float) -> list[dict]:
    """Square crops `side` px wide over the frame, evenly spread, neighbours overlapping >= overlap."""
    def starts(length: int) -> list[int]:
        if side >= length:
            return [0]
        count = math.ceil((length - side) / (side - overlap)) + 1
        return [round(k * (length - side) / (count - 1)) for k in range(count)]
    size = round(side)
    return [{"x": x, "y": y, "width": min(size, width - x), "height": min(size, height - y)}
            for y in starts(height) for x in starts(width)]


def app_tiling(width: int, height: int, model_size: int, overlap: float, max_crops: int = 6,
               max_upscale: float = 1.5) -> dict:
    """region_plan.js tileArea over the whole frame, budget-limited (as the far views' plans are)."""
    script = ("import { tileArea } from './frontend/js/pipeline/region_plan.js';"
              f"console.log(JSON.stringify(tileArea({{x1: 0, y1: 0, x2: {width}, y2: {height}}},"
              f" {{modelSize: {model_size}, requiredScale: 99, overlap: {math.ceil(overlap)},"
              f" maxCrops: {max_crops}, maxUpscale: {max_upscale}}})));")
    out = subprocess.run(["node", "--input-type=module", "-e", script], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout
    return json.loads(out)


def run_crop(detector: ReferenceDetector, picture: np.ndarray, region: dict, flip: bool) -> tuple[np.ndarray, np.ndarray]:
    """Boxes (frame px) and scores (> CANDIDATE_SCORE) of one crop, optionally run mirrored."""
    tensor, params, crop = letterbox_rgba(picture, detector.size, region)
    if flip:
        tensor = np.ascontiguousarray(tensor[..., ::-1])
    candidates = decode_output(detector.infer(tensor), detector.layout, CANDIDATE_SCORE)
    candidates["keypoints"] = None
    if flip:
        boxes = candidates["boxes"].copy()
        boxes[:, 0], boxes[:, 2] = detector.size - candidates["boxes"][:, 2], detector.size - candidates["boxes"][:, 0]
        candidates["boxes"] = boxes
    part = map_to_frame(candidates, params, crop)
    return part["boxes"], part["scores"]


def merge(parts: list[tuple[np.ndarray, np.ndarray, int]], regions: list[dict], width: int, height: int) -> np.ndarray:
    """region_merge.js over the parts (boxes, scores, run index): the sure boxes kept, (n, 4)."""
    boxes = np.concatenate([p[0] for p in parts]).reshape(-1, 4)
    scores = np.concatenate([p[1] for p in parts])
    runs = np.concatenate([np.full(len(p[1]), p[2]) for p in parts])
    eligible = np.flatnonzero(scores > CANDIDATE_SCORE)
    if len({p[2] for p in parts}) > 1:  # region_merge.js runs when crops run (regions indexed by run)
        eligible = eligible[seam_survivors(boxes[eligible], runs[eligible], regions, width, height)]
    kept = eligible[non_max_suppression(boxes[eligible], scores[eligible], REGION_IOU_THRESHOLD)]
    return boxes[[i for i in kept if scores[i] >= DETECTION_SCORE]]


def _inside(box, region) -> bool:
    return (box[0] >= region["x"] - SEAM_MARGIN and box[1] >= region["y"] - SEAM_MARGIN
            and box[2] <= region["x"] + region["width"] + SEAM_MARGIN
            and box[3] <= region["y"] + region["height"] + SEAM_MARGIN)


def _cut_by(box, region, width, height) -> bool:
    right, bottom = region["x"] + region["width"], region["y"] + region["height"]
    return ((region["x"] > SEAM_MARGIN and box[0] <= region["x"] + SEAM_MARGIN)
            or (region["y"] > SEAM_MARGIN and box[1] <= region["y"] + SEAM_MARGIN)
            or (right < width - SEAM_MARGIN and box[2] >= right - SEAM_MARGIN)
            or (bottom < height - SEAM_MARGIN and box[3] >= bottom - SEAM_MARGIN))


def drop_fragments(boxes: np.ndarray, ran: list[dict], width: int, height: int) -> list:
    """region_rotation.js dropFragments: a box inside crops run now, cut by an inner border of each."""
    kept = []
    for box in boxes:
        holding = [r for r in ran if _inside(box, r)]
        if not (holding and all(_cut_by(box, r, width, height) for r in holding)):
            kept.append(list(map(float, box)))
    return kept


class Tally:
    def __init__(self):
        self.people = self.found = self.boxes = self.right = 0
        self.weight = self.weight_found = 0.0
        self.cover = {low: [0, 0] for low in COVER_BINS}

    def recall(self) -> float:
        return self.found / max(1, self.people)

    def precision(self) -> float:
        return self.right / max(1, self.boxes)

    def weighted(self) -> float:
        return self.weight_found / max(1e-9, self.weight)


def score_every(tally: Tally, boxes: list, truth: list) -> None:
    """Every crop ran: everyone looked at (tools/evaluate.py scores such a frame as the whole frame)."""
    matched = greedy_match(truth, boxes)
    tally.people += len(truth)
    tally.found += len(matched)
    tally.boxes += len(boxes)
    tally.right += len(matched)
    for i, box in enumerate(truth):
        share = covered_share(box, truth[:i] + truth[i + 1:])
        low = max(bound for bound in COVER_BINS if share >= bound)
        tally.cover[low][0] += 1
        tally.cover[low][1] += i in matched


def score_turn(tally: Tally, boxes: list, truth: list, ran: list[dict], plan: list[dict], width: int, height: int) -> None:
    """Crops in turn: scored where looked at, as tools/evaluate.py and far_view_merge.py do."""
    seen = [box for box in truth if looked_at(box, ran, width, height)]
    found = greedy_match(seen, boxes)
    tally.people += len(seen)
    tally.found += len(found)
    for i, box in enumerate(seen):
        weight = plan_weight(box, plan, ran, width, height)
        tally.weight += weight
        tally.weight_found += weight * (i in found)
    owner = {j: i for i, j in greedy_match(truth, boxes).items()}
    for j, box in enumerate(boxes):
        if j in owner:
            hit = looked_at(truth[owner[j]], ran, width, height)
            tally.boxes += hit
            tally.right += hit
        else:
            tally.boxes += looked_at(box, ran, width, height, margin=0)


def decode_video(video: Path) -> np.ndarray:
    probe = json.loads(subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                                       "stream=width,height", "-of", "json", str(video)],
                                      capture_output=True, check=True, text=True).stdout)["streams"][0]
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", str(video), "-f", "rawvideo", "-pix_fmt", "rgba", "-"],
                         capture_output=True, check=True).stdout
    return np.frombuffer(raw, np.uint8).reshape(-1, probe["height"], probe["width"], 4)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--video", required=True, type=Path)
    parser.add_argument("--gt", required=True, type=Path)
    parser.add_argument("--scales", default="plan,1.0,1.2,1.5,1.8,2.0",
                        help="comma-separated crop scales; 'plan' = the app's 6-crop tiling")
    parser.add_argument("--flip", default="", help="comma-separated scales (as in --scales) also run mirrored")
    parser.add_argument("--step", type=int, default=2, help="every n-th frame")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--groups", default="", help="more numbers of turn groups to score (comma-separated)")
    parser.add_argument("--cache", type=Path, default=None,
                        help="keep each crop's boxes here (test-artifacts/...) and reuse them on the next run")
    args = parser.parse_args(argv)

    pictures = decode_video(args.video)
    frame_count, height, width = pictures.shape[:3]
    gt = load_mot(args.gt)
    tallest = max(box[3] - box[1] for people in gt.values() for _, box in people)
    detector = ReferenceDetector(*load_model(), threads=args.threads)
    size = detector.size
    overlap = math.ceil(tallest)
    plans = {}
    for name in args.scales.split(","):
        if name == "plan":
            tiling = app_tiling(width, height, size, overlap)
            plans[name] = (tiling["regions"], tiling["scale"])
        else:
            regions = grid(width, height, size / float(name), overlap)
            plans[name] = (regions, size / max(max(r["width"], r["height"]) for r in regions))
    flips = set(filter(None, args.flip.split(",")))
    variants = [(name, False) for name in plans] + [(name, True) for name in plans if name in flips]
    frames = list(range(1, frame_count + 1, args.step))
    print(f"{args.video.name}: {width}x{height}, frames 1..{frame_count} every {args.step} ({len(frames)}), "
          f"overlap {overlap} px (tallest person), onnxruntime-Python {Path(detector.model_path).name}", flush=True)
    for name, flip in variants:
        regions, scale = plans[name]
        every = Tally()
        group_counts = sorted({min(len(regions), TURN_GROUPS), max(1, math.ceil(len(regions) / BUDGET_RUNS)),
                               *(min(len(regions), int(g)) for g in filter(None, args.groups.split(",")))})
        turns = {groups: Tally() for groups in group_counts}
        cache = args.cache / f"{args.video.stem}-{name}{'-mirrored' if flip else ''}-step{args.step}.pkl" if args.cache else None
        if cache and cache.exists():
            outputs = pickle.loads(cache.read_bytes())
        else:
            outputs = {}
            for index in frames:
                picture = pictures[index - 1]
                parts = []
                for run, region in enumerate(regions):
                    boxes, scores = run_crop(detector, picture, region, False)
                    parts.append((boxes, scores, run))
                    if flip:
                        boxes, scores = run_crop(detector, picture, region, True)
                        parts.append((boxes, scores, run))
                outputs[index] = parts
            if cache:
                cache.parent.mkdir(parents=True, exist_ok=True)
                cache.write_bytes(pickle.dumps(outputs))
        for number, index in enumerate(frames):
            truth = [box for _, box in gt.get(index, [])]
            parts = outputs[index]
            score_every(every, [list(map(float, b)) for b in merge(parts, regions, width, height)], truth)
            for groups, turn in turns.items():
                # the turn of the number-th frame sampled (every group equally often whatever the step)
                now = [run for run in range(len(regions)) if run % groups == number % groups]
                ran = [regions[run] for run in now]
                kept = merge([p for p in parts if p[2] in now], regions, width, height)
                score_turn(turn, drop_fragments(kept, ran, width, height), truth, ran, regions, width, height)
        runs = len(regions) * (2 if flip else 1)
        label = f"{name if name == 'plan' else 'x' + name}{' + mirrored' if flip else ''}"
        print(f"  {label}: {len(regions)} crops x{scale:.2f}; every crop: recall {every.recall():.3f}, precision "
              f"{every.precision():.3f} at {runs} runs a frame", flush=True)
        for groups, turn in turns.items():
            print(f"    in turn, {groups} groups ({runs / groups:.2f} runs a frame): recall where looked at "
                  f"{turn.recall():.3f}, weighted as at full size {turn.weighted():.3f}, precision {turn.precision():.3f}",
                  flush=True)
        print("    every crop, recall by share of the box another person covers: "
              + ", ".join(f"{low:.1f}-{low + 0.2:.1f} {n} ({f / max(1, n):.3f})" for low, (n, f) in every.cover.items()),
              flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
