/**
 * The tracker's motion, read without changing it (pure: no DOM, no timers). Used between two
 * detector runs: the cadence asks how fast each person walks, a skipped frame shows where the
 * Kalman filter predicts them. Reads only the tracker's public state (`activeTracks`, each
 * track's `trackId`, `state` and Kalman `mean` = centre x, y, aspect, height and their
 * velocities per second); nothing here steps the filter, so the next detector run predicts
 * across the whole gap exactly as without the cadence.
 */
import { createDetections } from '../core/detections.js';
import { footPoints } from '../counting/foot_points.js';
import { meanToBox } from '../tracker/kalman.js';
import { walked } from '../tracker/output.js';

/** trackId -> Kalman mean (Float64Array(8)) of the tracker's tracked and lost tracks. */
export function trackMeans(tracker) {
  const means = new Map();
  for (const track of tracker.activeTracks) if (track.mean) means.set(track.trackId, { mean: track.mean, tracked: track.state === 'tracked' });
  return means;
}

/**
 * Velocity of each reported track's foot point, pixels per second: the box's bottom centre
 * moves with the centre and half the height's change. A track without Kalman state: [0, 0].
 * @returns {Float64Array} vx, vy per track of `tracked`
 */
export function footVelocities(tracked, means) {
  const velocities = new Float64Array(2 * tracked.count);
  for (let index = 0; index < tracked.count; index += 1) {
    const entry = means.get(tracked.trackIds[index]);
    if (!entry) continue;
    const { mean } = entry;
    velocities[2 * index] = mean[4];
    velocities[2 * index + 1] = mean[5] + (entry.tracked ? mean[7] / 2 : 0);
  }
  return velocities;
}

/**
 * The tracks of the last detector run moved `seconds` ahead along their Kalman velocity, as the
 * tracker itself shows people it does not see: a tracked person's box of the run is walked along
 * the filter's centre velocity (output.js `walked`, the box the tracker reports for a tracked
 * person the detector did not look at), keeping the shape the detector saw; a lost (coasting)
 * track's box is the filter's prediction with its height held still. (The filter's own box lags
 * behind a box whose shape changes: someone stepping into the picture at its edge widens 2-3x in
 * half a second, and was drawn half as wide on the skipped frames.)
 * Keypoints move with the box centre. Ids, scores and `predicted` flags are those of the run.
 * @returns {{ tracked: Detections, feet: Float32Array }}
 */
export function predictTracked(tracked, means, seconds, { keypointConfidence = 0.5 } = {}) {
  const predicted = createDetections({
    count: tracked.count, boxes: tracked.boxes, scores: tracked.scores, classIds: tracked.classIds,
    keypoints: tracked.keypoints, keypointCount: tracked.keypoints ? tracked.keypointCount : 0,
    trackIds: tracked.trackIds, predicted: tracked.predicted || new Uint8Array(tracked.count),
    ...(tracked.detectionIndices ? { detectionIndices: tracked.detectionIndices } : {}),
  });
  const size = predicted.keypointCount * 3;
  for (let index = 0; index < tracked.count; index += 1) {
    const entry = means.get(tracked.trackIds[index]);
    if (!entry || !(seconds > 0)) continue;
    const old = tracked.boxes.subarray(4 * index, 4 * index + 4);
    const box = entry.tracked ? walked(old, entry.mean, seconds) : lostBox(entry.mean, seconds);
    if (!box) continue;
    const dx = (box[0] + box[2] - old[0] - old[2]) / 2;
    const dy = (box[1] + box[3] - old[1] - old[3]) / 2;
    predicted.boxes.set(box, 4 * index);
    for (let k = 0; size && k < size; k += 3) {
      predicted.keypoints[index * size + k] += dx;
      predicted.keypoints[index * size + k + 1] += dy;
    }
  }
  return { tracked: predicted, feet: footPoints(predicted, { keypointConfidence }) };
}

/** A lost track's Kalman box `seconds` ahead, its height held still (null: no box). */
function lostBox(kalmanMean, seconds) {
  const mean = Float64Array.from(kalmanMean);
  mean[7] = 0;
  for (let k = 0; k < 4; k += 1) mean[k] += seconds * mean[k + 4];
  return mean[3] > 0 ? meanToBox(mean) : null;
}
