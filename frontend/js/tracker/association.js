/** Cost matrices between tracks and detections (IoU distance, optionally fused with score). */
import { iouDistanceMatrix } from '../geometry/boxes.js';
import { appearanceSimilarity } from './appearance.js';

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
