// Decoding of YOLO outputs into person Detections (pure): both Ultralytics layouts
// (detect: 4 box + C class channels; pose: 4 box + 1 person + K*3 keypoint channels),
// mapping from letterboxed model coordinates back to the frame, NMS.
import { concatDetections, createDetections, pickDetections } from '../core/detections.js';
import { nonMaxSuppression } from './nms.js';
import { mergeRegionCandidates } from './region_merge.js';

export { letterboxParams, letterboxRgba, normaliseRegion } from './letterbox.js';
export { nonMaxSuppression, boxIou } from './nms.js';

/** Channel layout of a model from its manifest fields; throws when it cannot match. */
export function outputLayout({ task, classCount, keypointCount = 0, keypointDims = 3, channels }) {
  if (task !== 'detect' && task !== 'pose') throw new TypeError(`task must be "detect" or "pose", got ${task}`);
  if (!(Number.isInteger(classCount) && classCount > 0)) throw new RangeError(`classCount must be a positive integer, got ${classCount}`);
  const keypoints = task === 'pose' ? keypointCount : 0;
  if (task === 'pose' && !(keypoints > 0 && keypointDims === 3)) throw new RangeError('a pose model needs keypointCount > 0 and keypointDims 3');
  const expected = 4 + classCount + keypoints * 3;
  if (channels !== undefined && channels !== expected) {
    throw new RangeError(`model output has ${channels} channels, a ${task} model with ${classCount} classes and ${keypoints} keypoints has ${expected}`);
  }
  return { task, classCount, keypointCount: keypoints, channels: expected };
}

/**
 * Candidates above scoreThreshold whose best class is one of personClassIds, in model input
 * coordinates. `output` is the raw tensor data of shape [1, channels, anchors].
 * Returns Detections (core/detections.js).
 */
export function decodeOutput(output, anchors, layout, { scoreThreshold = 0.25, personClassIds = [0] } = {}) {
  if (output.length !== layout.channels * anchors) {
    throw new RangeError(`output holds ${output.length} values, expected ${layout.channels}x${anchors}`);
  }
  const wanted = new Set(personClassIds);
  const picked = [];
  const pickedClass = [];
  for (let anchor = 0; anchor < anchors; anchor++) {
    let best = -Infinity;
    let bestClass = -1;
    for (let cls = 0; cls < layout.classCount; cls++) {
      const value = output[(4 + cls) * anchors + anchor];
      if (value > best) { best = value; bestClass = cls; }
    }
    if (best > scoreThreshold && wanted.has(bestClass)) { picked.push(anchor); pickedClass.push(bestClass); }
  }
  const count = picked.length;
  const candidates = createDetections({ count, keypointCount: layout.keypointCount });
  const { boxes, scores, keypoints } = candidates;
  candidates.classIds.set(pickedClass);
  const keypointValues = layout.keypointCount * 3;
  const keypointStart = 4 + layout.classCount;
  for (let index = 0; index < count; index++) {
    const anchor = picked[index];
    const centreX = output[anchor], centreY = output[anchors + anchor];
    const halfWidth = output[2 * anchors + anchor] / 2, halfHeight = output[3 * anchors + anchor] / 2;
    boxes[4 * index] = centreX - halfWidth;
    boxes[4 * index + 1] = centreY - halfHeight;
    boxes[4 * index + 2] = centreX + halfWidth;
    boxes[4 * index + 3] = centreY + halfHeight;
    scores[index] = output[(4 + pickedClass[index]) * anchors + anchor];
    for (let value = 0; value < keypointValues; value++) {
      keypoints[index * keypointValues + value] = output[(keypointStart + value) * anchors + anchor];
    }
  }
  return candidates;
}

/**
 * Candidates mapped in place from model input coordinates to frame coordinates, undoing the
 * letterbox of `region` (the crop the model saw); boxes are clipped to the region.
 */
export function mapToFrame(candidates, params, region) {
  const { boxes, keypoints, count } = candidates;
  const right = region.x + region.width, bottom = region.y + region.height;
  const clip = (value, low, high) => (value < low ? low : value > high ? high : value);
  for (let index = 0; index < count; index++) {
    for (let corner = 0; corner < 4; corner += 2) {
      const x = (boxes[4 * index + corner] - params.padLeft) / params.scaleX + region.x;
      const y = (boxes[4 * index + corner + 1] - params.padTop) / params.scaleY + region.y;
      boxes[4 * index + corner] = clip(x, region.x, right);
      boxes[4 * index + corner + 1] = clip(y, region.y, bottom);
    }
  }
  if (keypoints) {
    for (let offset = 0; offset < keypoints.length; offset += 3) {
      keypoints[offset] = (keypoints[offset] - params.padLeft) / params.scaleX + region.x;
      keypoints[offset + 1] = (keypoints[offset + 1] - params.padTop) / params.scaleY + region.y;
    }
  }
  return candidates;
}

/**
 * One model output per region -> Detections in frame coordinates.
 * runs: [{ output, anchors, params, region }]; options: { scoreThreshold, iouThreshold,
 * personClassIds, maxDetections }; frame: { width, height } of the whole frame (with several
 * runs: seam-aware merge, see region_merge.js).
 */
export function postprocess(runs, layout, { scoreThreshold = 0.25, iouThreshold = 0.7, personClassIds = [0], maxDetections = 300 } = {}, frame = null) {
  const mapped = runs.map(({ output, anchors, params, region }) =>
    mapToFrame(decodeOutput(output, anchors, layout, { scoreThreshold, personClassIds }), params, region));
  const candidates = mapped.length === 1 ? mapped[0] : concatDetections(mapped, layout.keypointCount);
  if (mapped.length > 1 && frame) {
    // Several crops: seam fragments dropped where another crop sees the person whole (region_merge.js).
    const runIndex = new Int32Array(candidates.count);
    let offset = 0;
    mapped.forEach((part, run) => { runIndex.fill(run, offset, offset + part.count); offset += part.count; });
    const kept = mergeRegionCandidates(candidates.boxes, candidates.scores, runIndex, runs.map((run) => run.region),
      { frameWidth: frame.width, frameHeight: frame.height, iouThreshold, maxDetections });
    return pickDetections(candidates, kept);
  }
  const kept = nonMaxSuppression(candidates.boxes, candidates.scores, iouThreshold, maxDetections);
  return pickDetections(candidates, kept);
}
