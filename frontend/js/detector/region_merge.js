// Merging the detections of several crops of one frame (pure): a person cut by a crop's inner
// border (a border that is not the frame's edge) is dropped when another crop sees them whole,
// so one person is never counted twice or as fragments at a seam; then greedy NMS over all, at
// REGION_IOU_THRESHOLD at most.
import { nonMaxSuppression } from './nms.js';

/** Pixels from a crop's inner border within which a box counts as cut by it. */
export const SEAM_MARGIN = 2;
/** Share of a cut box that another crop's whole box must cover for the cut box to be dropped. */
export const SEAM_COVER = 0.6;
/**
 * The NMS IoU threshold when crops run (the detector's own, 0.7, when lower). yolo11n-pose often
 * puts a second box on one person that overlaps the first by 0.5-0.7: on the far view of
 * TUD-Campus with 6 crops x1.19 these were 75 of its 126 false positives, and NMS at 0.5 took
 * precision 0.85 -> 0.94 for recall 0.844 -> 0.829 (onnxruntime-Python, every 4th frame). Crops
 * run on an elevated camera's small people, who hide each other less than people seen at eye
 * level, so two boxes overlapping by more than half are far more often one person than two.
 * (The same second boxes appear on the whole frame at full size, TUD-Campus 0.81 -> 0.89 at 0.5;
 * the detector's own threshold is left as it is: a single whole-frame run keeps it.)
 */
export const REGION_IOU_THRESHOLD = 0.5;

/**
 * For each candidate (boxes in frame pixels, `runIndex[i]` = which crop found it), whether it
 * touches an inner border of its crop. regions[run] = { x, y, width, height } (frame pixels).
 */
export function cutAtSeams(boxes, runIndex, regions, frameWidth, frameHeight, margin = SEAM_MARGIN) {
  const cut = new Uint8Array(runIndex.length);
  for (let index = 0; index < runIndex.length; index++) {
    const region = regions[runIndex[index]];
    const right = region.x + region.width, bottom = region.y + region.height;
    const [x1, y1, x2, y2] = [boxes[4 * index], boxes[4 * index + 1], boxes[4 * index + 2], boxes[4 * index + 3]];
    const innerLeft = region.x > margin && x1 <= region.x + margin;
    const innerTop = region.y > margin && y1 <= region.y + margin;
    const innerRight = right < frameWidth - margin && x2 >= right - margin;
    const innerBottom = bottom < frameHeight - margin && y2 >= bottom - margin;
    cut[index] = innerLeft || innerTop || innerRight || innerBottom ? 1 : 0;
  }
  return cut;
}

function coveredShare(boxes, inner, outer) {
  const width = Math.min(boxes[4 * inner + 2], boxes[4 * outer + 2]) - Math.max(boxes[4 * inner], boxes[4 * outer]);
  const height = Math.min(boxes[4 * inner + 3], boxes[4 * outer + 3]) - Math.max(boxes[4 * inner + 1], boxes[4 * outer + 1]);
  if (width <= 0 || height <= 0) return 0;
  const area = (boxes[4 * inner + 2] - boxes[4 * inner]) * (boxes[4 * inner + 3] - boxes[4 * inner + 1]);
  return area > 0 ? (width * height) / area : 0;
}

/**
 * Indices of the candidates kept, best score first: cut boxes covered (SEAM_COVER) by an uncut
 * box of another crop are dropped, the rest go through NMS at min(iouThreshold, REGION_IOU_THRESHOLD).
 */
export function mergeRegionCandidates(boxes, scores, runIndex, regions, { frameWidth, frameHeight, iouThreshold, maxDetections = 300 }) {
  const count = scores.length;
  const cut = cutAtSeams(boxes, runIndex, regions, frameWidth, frameHeight);
  const keep = [];
  for (let index = 0; index < count; index++) {
    let covered = false;
    if (cut[index]) {
      for (let other = 0; other < count && !covered; other++) {
        covered = other !== index && !cut[other] && runIndex[other] !== runIndex[index]
          && coveredShare(boxes, index, other) >= SEAM_COVER;
      }
    }
    if (!covered) keep.push(index);
  }
  const keptBoxes = new Float32Array(4 * keep.length);
  const keptScores = new Float32Array(keep.length);
  keep.forEach((index, row) => {
    keptBoxes.set(boxes.subarray(4 * index, 4 * index + 4), 4 * row);
    keptScores[row] = scores[index];
  });
  const order = nonMaxSuppression(keptBoxes, keptScores, Math.min(iouThreshold, REGION_IOU_THRESHOLD), maxDetections);
  return Int32Array.from(order, (row) => keep[row]);
}
