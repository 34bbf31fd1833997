// Greedy non-maximum suppression over x1,y1,x2,y2 boxes (pure).
import { boxIou } from '../geometry/boxes.js';

export { boxIou };

/**
 * Indices of the boxes kept, best score first: a box is dropped when its IoU with a kept,
 * better-scoring box exceeds iouThreshold. Ties in score keep the original order.
 */
export function nonMaxSuppression(boxes, scores, iouThreshold, maxDetections = 300) {
  if (!(iouThreshold >= 0 && iouThreshold <= 1)) throw new RangeError(`iouThreshold must be in [0, 1], got ${iouThreshold}`);
  const count = scores.length;
  if (boxes.length !== 4 * count) throw new RangeError(`boxes holds ${boxes.length / 4} boxes for ${count} scores`);
  const order = Array.from({ length: count }, (_, index) => index);
  order.sort((left, right) => scores[right] - scores[left] || left - right);
  const suppressed = new Uint8Array(count);
  const kept = [];
  for (let rank = 0; rank < count && kept.length < maxDetections; rank++) {
    const candidate = order[rank];
    if (suppressed[candidate]) continue;
    kept.push(candidate);
    for (let later = rank + 1; later < count; later++) {
      const other = order[later];
      if (!suppressed[other] && boxIou(boxes, candidate, boxes, other) > iouThreshold) suppressed[other] = 1;
    }
  }
  return Int32Array.from(kept);
}
