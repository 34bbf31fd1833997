/**
 * Which way a person faces across the picture, from pose keypoints (COCO order): the nose
 * ahead of the ears (or, when no ear is seen, of the shoulders) by at least `minShift` of the
 * box height. People walk the way they face, so two people crossing paths face opposite ways
 * even when their clothes look alike: at a few detector runs a second, where a track must be
 * found again a whole body width away, this is part of its looks (tracker/byte_tracker.js),
 * and a walk the counting rules infer must go the way the person faces
 * (counting/entry_crossing.js).
 * Pure: reads Detections' keypoints (x, y, confidence per keypoint).
 */
export const NOSE = 0;
const EARS = [3, 4];
const SHOULDERS = [5, 6];

/** A keypoint at least this confident is seen. */
const MIN_CONFIDENCE = 0.5;
/** The default `minShift`: on the shared sequences' detections no person seen facing one way faced the other 0.24-1 s later. */
export const FACING_MIN_SHIFT = 0.05;

/**
 * +1 (facing right, increasing x), -1 (facing left) or 0 (not known: no pose keypoints, the
 * nose or both references unseen, or the face turned to or from the camera).
 * @param {object} detections  Detections (keypoints, keypointCount)
 * @param {number} index  the detection
 * @param {number} minShift  share of the box height the nose must be ahead by (0: never known)
 */
export function facingOf(detections, index, minShift) {
  const { keypoints, keypointCount = 0, boxes } = detections;
  if (!keypoints || minShift <= 0 || keypointCount <= SHOULDERS[1]) return 0;
  const base = index * keypointCount * 3;
  const seen = (k) => keypoints[base + k * 3 + 2] >= MIN_CONFIDENCE;
  if (!seen(NOSE)) return 0;
  let references = EARS.filter(seen);
  if (!references.length) references = SHOULDERS.filter(seen);
  if (!references.length) return 0;
  const middle = references.reduce((sum, k) => sum + keypoints[base + k * 3], 0) / references.length;
  const shift = keypoints[base + NOSE * 3] - middle;
  const height = boxes[index * 4 + 3] - boxes[index * 4 + 1];
  if (!(height > 0) || Math.abs(shift) < minShift * height) return 0;
  return shift > 0 ? 1 : -1;
}

/** Do a track and a detection face opposite ways (both known)? */
export function faceApart(track, detection) {
  return track.facing !== 0 && detection.facing !== 0 && track.facing !== detection.facing;
}
