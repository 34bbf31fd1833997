// The lab pages' conversions between the app's typed arrays and plain JSON for Playwright.
import { createDetections } from '../core/detections.js';

/** RGBA bytes from base64 text, an ArrayBuffer, a typed array or a plain array. */
export function decodePixels(pixels) {
  if (typeof pixels === 'string') {
    const binary = atob(pixels);
    const bytes = new Uint8ClampedArray(binary.length);
    for (let index = 0; index < binary.length; index++) bytes[index] = binary.charCodeAt(index);
    return bytes;
  }
  if (pixels instanceof ArrayBuffer) return new Uint8ClampedArray(pixels);
  if (ArrayBuffer.isView(pixels)) return new Uint8ClampedArray(pixels.buffer, pixels.byteOffset, pixels.byteLength);
  if (Array.isArray(pixels)) return Uint8ClampedArray.from(pixels);
  throw new TypeError('pixels must be base64 text, an ArrayBuffer, a typed array or an array');
}

const identity = (value) => value;
const toHundredths = (value) => Math.round(value * 100) / 100;
const toScore = (score) => Math.round(score * 1e4) / 1e4;

/** Detections as plain arrays; rounded: pixels to 1/100, scores to 1/10000. */
export function plainDetections(detections, { rounded = false } = {}) {
  const [point, score] = rounded ? [toHundredths, toScore] : [identity, identity];
  return {
    count: detections.count,
    boxes: Array.from(detections.boxes, point),
    scores: Array.from(detections.scores, score),
    classIds: Array.from(detections.classIds),
    keypoints: detections.keypoints ? Array.from(detections.keypoints, point) : null,
    keypointCount: detections.keypointCount || 0,
  };
}

/** Plain detections (as above, e.g. recorded by tools/evaluate.py) back into Detections. */
export function detectionsFromPlain({ count, boxes, scores, classIds = null, keypoints = null, keypointCount = 0 }) {
  return createDetections({ count, boxes, scores, classIds, keypoints, keypointCount: keypoints ? keypointCount : 0 });
}

/** One FrameResult's tracks: [{ id, box, score, foot, predicted }]. */
export function plainTracks({ tracked, feet }) {
  return Array.from({ length: tracked.count }, (_, i) => ({
    id: tracked.trackIds[i],
    box: Array.from(tracked.boxes.subarray(i * 4, i * 4 + 4), toHundredths),
    score: toScore(tracked.scores[i]),
    foot: [toHundredths(feet[i * 2]), toHundredths(feet[i * 2 + 1])],
    predicted: Boolean(tracked.predicted && tracked.predicted[i]),
  }));
}
