"""Do two runs of the same detector find the same people? One comparison for the browser
parity test, the export check and their planted-mismatch tests.

Two executions of one model on one image never agree to the last bit when their kernels
differ (another SIMD width sums in another order; int8 kernels requantise differently), so
each box and score may move within a `Tolerance`. What follows from that, and nothing more,
is allowed to differ:

- a pair is the same person when the boxes overlap by IoU >= min_iou; its scores must then
  differ by at most max_score_gap;
- a person whose score lies within max_score_gap of the score threshold may be kept on one
  side only (the other side may have it just under the threshold);
- a person the reference kept may be missing from the other side, and a box the reference
  suppressed may be kept there, only when non-maximum suppression could have decided the
  other way within the tolerance: the two boxes' IoU is within the tolerance of the NMS
  threshold, or their scores are within the tolerance of each other (the order flipped).
  IoU bounds follow from the Jaccard distance (1 - IoU), which obeys the triangle inequality.

Every other box of the compared side must be one of the reference's own candidates (its
decoded boxes before NMS, down to score_threshold - max_score_gap): a shifted box, a wrong
score, a lost clear person or an invented one is a mismatch.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tools.detector_reference import box_iou_matrix


@dataclass(frozen=True)
class Tolerance:
    """How far one box and one score may move between the two executions."""
    min_iou: float
    max_score_gap: float
    score_threshold: float = 0.25
    nms_iou: float = 0.7

    def __post_init__(self) -> None:
        if not 0.5 < self.min_iou <= 1:
            raise ValueError(f"min_iou must be in (0.5, 1] (one box, one partner), got {self.min_iou}")
        if not 0 <= self.max_score_gap < self.score_threshold:
            raise ValueError(f"max_score_gap must be in [0, score_threshold), got {self.max_score_gap}")
        if not 0 < self.nms_iou < 1:
            raise ValueError(f"nms_iou must be in (0, 1), got {self.nms_iou}")

    @property
    def box_slack(self) -> float:
        """Largest Jaccard distance between a box and its counterpart on the other side."""
        return 1 - self.min_iou

    @property
    def candidate_threshold(self) -> float:
        """The reference decodes candidates down to here: anything the other side keeps."""
        return self.score_threshold - self.max_score_gap


def _arrays(side: dict) -> tuple[np.ndarray, np.ndarray]:
    boxes = np.asarray(side["boxes"], np.float64).reshape(-1, 4)
    scores = np.asarray(side["scores"], np.float64).reshape(-1)
    if len(boxes) != len(scores):
        raise ValueError(f"{len(boxes)} boxes but {len(scores)} scores")
    return boxes, scores


def _pairs(ious: np.ndarray, min_iou: float) -> list[tuple[int, int]]:
    """One-to-one pairs with IoU >= min_iou, best first (unique when min_iou > 0.5 and each
    side's boxes passed NMS, by the triangle inequality of the Jaccard distance)."""
    order = np.dstack(np.unravel_index(np.argsort(-ious, axis=None), ious.shape))[0]
    left, right, pairs = set(), set(), []
    for first, second in order:
        if ious[first, second] < min_iou:
            break
        if first not in left and second not in right:
            left.add(first)
            right.add(second)
            pairs.append((int(first), int(second)))
    return pairs


def _suppressor(candidate: int, boxes, scores, kept, nms_iou: float) -> int | None:
    """The kept reference box that suppressed `candidate` in greedy NMS (None: none did)."""
    for index in sorted(kept, key=lambda k: (-scores[k], k)):
        if scores[index] < scores[candidate]:
            break
        if box_iou_matrix(boxes[[index]], boxes[[candidate]])[0, 0] > nms_iou:
            return index
    return None


def _fmt(box) -> str:
    return "[" + ", ".join(f"{value:.1f}" for value in box) + "]"


def compare_detections(reference: dict, other: dict, tolerance: Tolerance) -> list[str]:
    """What `other` gets wrong against `reference`, one sentence each; [] when they agree.

    reference: {"boxes", "scores", "candidates": {"boxes", "scores", "kept"}} as returned by
    ReferenceDetector.detect with candidate_threshold = tolerance.candidate_threshold
    ("kept": indices of the candidates that are the reference's detections).
    other: {"boxes" (flat or (n, 4)), "scores"}, e.g. the browser's detections."""
    kept_boxes, kept_scores = _arrays(reference)
    cand_boxes, cand_scores = _arrays(reference["candidates"])
    kept = [int(index) for index in reference["candidates"]["kept"]]
    boxes, scores = _arrays(other)
    gap, slack, threshold = tolerance.max_score_gap, tolerance.box_slack, tolerance.score_threshold
    problems: list[str] = []

    pairs = _pairs(box_iou_matrix(kept_boxes, boxes), tolerance.min_iou)
    for person, match in pairs:
        difference = abs(kept_scores[person] - scores[match])
        if difference > gap:
            problems.append(f"person {_fmt(kept_boxes[person])}: score {kept_scores[person]:.3f} "
                            f"vs {scores[match]:.3f}, differs by {difference:.3f} > {gap}")
    paired_reference = {person for person, _ in pairs}
    paired_other = {match for _, match in pairs}
    other_to_reference = box_iou_matrix(boxes, kept_boxes) if len(kept_boxes) else None

    for person in sorted(set(range(len(kept_boxes))) - paired_reference):
        if kept_scores[person] <= threshold + gap:
            continue  # the other side may have it just under the threshold
        near = [index for index in range(len(boxes)) if other_to_reference is not None
                and other_to_reference[index, person] > tolerance.nms_iou - slack
                and scores[index] >= kept_scores[person] - gap]
        if not near:  # nothing on the other side could have suppressed it
            problems.append(f"person {_fmt(kept_boxes[person])} (score {kept_scores[person]:.3f}) "
                            "is missing")

    candidate_ious = box_iou_matrix(boxes, cand_boxes) if len(cand_boxes) else None
    for index in sorted(set(range(len(boxes))) - paired_other):
        problem = _explain_extra(index, boxes, scores, candidate_ious, cand_boxes, cand_scores,
                                 kept, tolerance)
        if problem:
            problems.append(problem)
    return problems


def _explain_extra(index, boxes, scores, candidate_ious, cand_boxes, cand_scores, kept,
                   tolerance: Tolerance) -> str | None:
    """None when the reference could have kept this unpaired box too, else the reason."""
    gap, slack = tolerance.max_score_gap, tolerance.box_slack
    described = f"box {_fmt(boxes[index])} (score {scores[index]:.3f})"
    matches = [] if candidate_ious is None else [
        candidate for candidate in np.argsort(-candidate_ious[index])
        if candidate_ious[index, candidate] >= tolerance.min_iou
        and abs(cand_scores[candidate] - scores[index]) <= gap and candidate not in kept]
    if not matches:
        return f"{described} is none of the reference's candidates (moved, rescored, doubled or invented)"
    for candidate in matches:
        if cand_scores[candidate] <= tolerance.score_threshold:
            return None  # under the reference's threshold, within the score tolerance
        suppressor = _suppressor(candidate, cand_boxes, cand_scores, kept, tolerance.nms_iou)
        if suppressor is None:
            continue
        overlap = box_iou_matrix(cand_boxes[[suppressor]], cand_boxes[[candidate]])[0, 0]
        if (overlap <= tolerance.nms_iou + 2 * slack
                or cand_scores[suppressor] - cand_scores[candidate] <= 2 * gap):
            return None  # NMS could have gone the other way within the tolerance
    return f"{described} was suppressed by the reference beyond any tolerance"


# fp32: one graph in float32 everywhere; kernels of another SIMD width (AVX-512, AVX2, WASM
# SIMD128) or another fusion sum each dot product in another order. A reordered sum of n
# terms differs by at most n*u*sum|terms| (u = 2**-24) and typically by sqrt(n)*u: ~3e-6
# relative for the widest convolution here (3*3*256 = 2304 terms), so through the network
# scores move by ~1e-5 and boxes by far under a pixel. 0.01 and IoU 0.98 (a 0.6 px shift of
# a 60 px wide person) are hundreds of times that, and still catch a pipeline bug: a pixel
# of letterbox offset, another resampling or swapped channels moves boxes further.
FP32_KERNELS = Tolerance(min_iou=0.98, max_score_gap=0.01)

# int8: two executions of one QDQ graph differ wherever one of them rounds an activation to
# the neighbouring uint8 step: VNNI and WASM SIMD requantise with different rounding,
# onnxruntime without QDQ fusion computes the same graph in float (AVX2 and AVX-512 without
# VNNI would also saturate u8*s8 pair sums at 16 bits, vpmaddubsw: the reference detector
# asks for exact U8U8 sums there), and the calibration ranges of an
# export made on another CPU may differ in their last bits, moving a zero point by one step.
# One step is 1/255 of a tensor's range, the size of the int8 rounding itself, and ~100
# layers compound it: on one machine two such executions of this model (fused vs float QDQ)
# already differ by IoU 0.85 and 0.053 in score, int8 vs fp32 by 0.16. 0.08 and IoU 0.8
# leave room for the other kernels' roundings while a lost or invented person, or one moved
# by a quarter of its width, still fails; the shared pipeline itself is held to FP32_KERNELS.
INT8_KERNELS = Tolerance(min_iou=0.8, max_score_gap=0.08)

# int8 against fp32 (the export's check): the quantisation error itself, every activation
# and weight rounded to 8 bits through ~100 layers (on 20 TUD-Stadtmitte frames at 416 px up
# to 0.16 in score and IoU 0.82 for small, half-hidden people; clear people move far less).
# A broken quantisation (wrong scales, a lost zero point) loses or scatters people entirely.
INT8_VS_FP32 = Tolerance(min_iou=0.75, max_score_gap=0.2)


def tolerance_for(precision: str, score_threshold: float = 0.25) -> Tolerance:
    """The kernel tolerance of a model precision at a detector's score threshold."""
    base = {"fp32": FP32_KERNELS, "int8": INT8_KERNELS}.get(precision)
    if base is None:
        raise ValueError(f"no tolerance for precision {precision!r} (fp32 or int8)")
    return Tolerance(base.min_iou, base.max_score_gap, score_threshold, base.nms_iou)
