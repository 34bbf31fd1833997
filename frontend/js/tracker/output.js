/** What the tracker reports each frame: Detections of the tracks shown, and the coasting rule's geometry. */
import { createDetections } from '../core/detections.js';
import { TrackState } from './track.js';

/** Share of box `a`'s area covered by box `b` (one home: geometry/boxes.js). */
export { coveredFraction } from '../geometry/boxes.js';

/** Is the box within 1% of the frame size from an edge? (false when the size is unknown) */
export function touchesEdge([x1, y1, x2, y2], width, height) {
  if (!Number.isFinite(width) || !Number.isFinite(height)) return false;
  const marginX = width * 0.01;
  const marginY = height * 0.01;
  return x1 <= marginX || y1 <= marginY || x2 >= width - marginX || y2 >= height - marginY;
}

/**
 * A track kept where the detector did not look: its last detection's box (its size and shape,
 * which the filter smooths away) moved on at the filter's velocity for `seconds`.
 */
export function walked([x1, y1, x2, y2], mean, seconds) {
  const dx = mean[4] * seconds, dy = mean[5] * seconds;
  return [x1 + dx, y1 + dy, x2 + dx, y2 + dy];
}

/** Is the box's centre inside the frame (and the box not empty)? */
export function centreInside([x1, y1, x2, y2], { width, height }) {
  const cx = (x1 + x2) / 2;
  const cy = (y1 + y2) / 2;
  return cx >= 0 && cy >= 0 && cx <= width && cy <= height && x2 > x1 && y2 > y1;
}

/** The Detections the tracker returns; a coasting track has its predicted box and no keypoints. */
export function buildOutput(detections, shown, frame, predictedBox = (track) => track.box) {
  const n = shown.length;
  const keypointCount = detections.keypoints ? (detections.keypointCount || 17) : 0;
  const size = keypointCount * 3;
  const output = createDetections({
    count: n, keypointCount, trackIds: new Int32Array(n), detectionIndices: new Int32Array(n), predicted: new Uint8Array(n),
  });
  shown.forEach((track, k) => {
    output.trackIds[k] = track.trackId;
    if (track.lastFrame !== frame) {
      output.boxes.set(predictedBox(track), k * 4);
      output.scores[k] = track.score;
      output.detectionIndices[k] = -1;
      output.predicted[k] = 1;
      return;
    }
    const i = track.detectionIndex;
    output.boxes.set(detections.boxes.subarray(i * 4, i * 4 + 4), k * 4);
    output.scores[k] = detections.scores[i];
    output.classIds[k] = detections.classIds ? detections.classIds[i] : 0;
    if (keypointCount) output.keypoints.set(detections.keypoints.subarray(i * size, (i + 1) * size), k * size);
    output.detectionIndices[k] = i;
  });
  return output;
}

/** A person's box is at least this wide for its height: a narrower box at the picture's edge is cut by it. */
export const PERSON_ASPECT = 0.4;

/**
 * How far the centre of a box cut by the picture's edge lies from the centre of the person's
 * whole box (as if the edge did not cut it: at least PERSON_ASPECT wide for its height, and as
 * tall as that width needs): [dx, dy], [0, 0] for a box that does not touch an edge.
 */
export function uncutShift([x1, y1, x2, y2], width, height) {
  if (!touchesEdge([x1, y1, x2, y2], width, height)) return [0, 0];
  const tall = Math.max(y2 - y1, (x2 - x1) / PERSON_ASPECT);
  const wide = Math.max(x2 - x1, PERSON_ASPECT * tall);
  const left = x1 <= width * 0.01;
  const right = x2 >= width * 0.99;
  const top = y1 <= height * 0.01;
  const bottom = y2 >= height * 0.99;
  const dx = left === right ? 0 : (left ? x2 - wide / 2 : x1 + wide / 2) - (x1 + x2) / 2;
  const dy = top === bottom ? 0 : (top ? y2 - tall / 2 : y1 + tall / 2) - (y1 + y2) / 2;
  return [dx, dy];
}

/**
 * Has the track left the picture (predicted centre outside it, or lost at its edge)? With
 * `whole`, the centre is the whole person's: a last box cut by the edge is moved to where the
 * person's whole box would be (uncutShift), so a person less than half in the picture at the last
 * sighting, and not walking in, has left (at a few detector runs a second they are gone by the next).
 */
export function leftThePicture(track, { width, height }, { whole = false } = {}) {
  const [x1, y1, x2, y2] = track.box;
  const [dx, dy] = whole ? uncutShift(track.detectionBox, width, height) : [0, 0];
  const cx = (x1 + x2) / 2 + dx;
  const cy = (y1 + y2) / 2 + dy;
  if (cx < 0 || cy < 0 || cx > width || cy > height) return true;
  return track.state === TrackState.LOST && touchesEdge(track.detectionBox, width, height);
}

/**
 * Is less than half of the person in the picture? A box cut by the picture's edge, moved to where
 * the person's whole box would be (uncutShift), has its centre outside the picture.
 */
export function mostlyOutside(box, { width, height }) {
  const [dx, dy] = uncutShift(box, width, height);
  const cx = (box[0] + box[2]) / 2 + dx;
  const cy = (box[1] + box[3]) / 2 + dy;
  return cx < 0 || cy < 0 || cx > width || cy > height;
}

/**
 * The edge of the picture a box touches (touchesEdge's margin) and moves out through, at
 * velocity (vx, vy): 'left', 'right', 'top', 'bottom', or null. A box cut by the edge stops
 * moving with the person, so the filter's speed of someone leaving falls towards zero there,
 * but not its sign.
 */
export function exitEdge([x1, y1, x2, y2], vx, vy, width, height) {
  if (!Number.isFinite(width) || !Number.isFinite(height)) return null;
  if (x1 <= width * 0.01 && vx < 0) return 'left';
  if (x2 >= width * 0.99 && vx > 0) return 'right';
  if (y1 <= height * 0.01 && vy < 0) return 'top';
  if (y2 >= height * 0.99 && vy > 0) return 'bottom';
  return null;
}
