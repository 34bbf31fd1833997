// Greedy non-maximum suppression over x1,y1,x2,y2 boxes (pure).

/** Intersection over union of box i of `a` and box j of `b` (Float32Array(4n) each). */
export function boxIou(a, i, b, j) {
  const ax1 = a[4 * i], ay1 = a[4 * i + 1], ax2 = a[4 * i + 2], ay2 = a[4 * i + 3];
  const bx1 = b[4 * j], by1 = b[4 * j + 1], bx2 = b[4 * j + 2], by2 = b[4 * j + 3];
  const width = Math.min(ax2, bx2) - Math.max(ax1, bx1);
  const height = Math.min(ay2, by2) - Math.max(ay1, by1);
  if (width <= 0 || height <= 0) return 0;
  const intersection = width * height;
  const union = (ax2 - ax1) * (ay2 - ay1) + (bx2 - bx1) * (by2 - by1) - intersection;
  return union > 0 ? intersection / union : 0;
}

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
