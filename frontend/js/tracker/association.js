/** Cost matrices between tracks and detections (IoU distance, optionally fused with score). */
import { iouDistanceMatrix } from '../geometry/boxes.js';
import { appearanceSimilarity } from './appearance.js';
import { boxToMeasurement, gatingDistance } from './kalman.js';

function flatBoxes(items) {
  const flat = new Float64Array(items.length * 4);
  items.forEach((item, index) => flat.set(item.box, index * 4));
  return flat;
}

/** 1 - IoU between the tracks' current boxes and the detections' boxes. */
export function iouDistance(tracks, detections) {
  return iouDistanceMatrix(flatBoxes(tracks), tracks.length, flatBoxes(detections), detections.length);
}

/** ByteTrack's score fusion: cost = 1 - IoU * score(detection). */
export function fuseScore(cost, rows, detections) {
  const columns = detections.length;
  const fused = new Float64Array(cost.length);
  for (let i = 0; i < rows; i += 1) {
    for (let j = 0; j < columns; j += 1) {
      fused[i * columns + j] = 1 - (1 - cost[i * columns + j]) * detections[j].score;
    }
  }
  return fused;
}

/** Appearance similarity (0..1) of every track/detection pair; NaN where either has none. */
export function similarityMatrix(tracks, detections) {
  const similarity = new Float64Array(tracks.length * detections.length);
  tracks.forEach((track, i) => {
    detections.forEach((detection, j) => {
      const value = appearanceSimilarity(track.embedding, detection.embedding);
      similarity[i * detections.length + j] = value === null ? Number.NaN : value;
    });
  });
  return similarity;
}

/**
 * Pairs allowed by `cost` <= limit get `weight` * (1 - similarity) added, so among plausible
 * pairs the ones that look alike win; pairs over the limit become Infinity.
 */
export function addAppearance(cost, similarity, limit, weight) {
  return cost.map((value, k) => {
    if (!(value <= limit)) return Infinity;
    const similar = similarity[k];
    return Number.isNaN(similar) ? value : value + weight * (1 - similar);
  });
}

/**
 * Association by motion for boxes that no longer overlap (a detector a few times a second
 * sees people move further than their own width): `cost` (rows: tracks, columns: detections)
 * becomes, where lower, `floor` + (`limit` - `floor`) * d / `gate`, d the squared Mahalanobis
 * distance of the detection's centre and height from the track's prediction (it widens with
 * the time predicted over), pairs with d > `gate` left as they are. Where both have an
 * appearance signature the pair must also look alike (`minSimilarity`): across a gap, looks
 * confirm what position alone cannot.
 */
export function addMotion(cost, tracks, detections, filter, { gate, floor, limit, similarity, minSimilarity }) {
  const columns = detections.length;
  const measurements = detections.map((detection) => boxToMeasurement(...detection.detectionBox));
  const result = Float64Array.from(cost);
  tracks.forEach((track, i) => {
    measurements.forEach((measurement, j) => {
      const k = i * columns + j;
      const similar = similarity[k];
      if (similar < minSimilarity) return;
      const distance = gatingDistance(filter, track.mean, track.covariance, measurement);
      if (!(distance <= gate)) return;
      result[k] = Math.min(result[k], floor + ((limit - floor) * distance) / gate);
    });
  });
  return result;
}
