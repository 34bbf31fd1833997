/** Cost matrices between tracks and detections (IoU distance, optionally fused with score). */
import { iouDistanceMatrix } from '../geometry/boxes.js';

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
