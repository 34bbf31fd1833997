/** Axis-aligned boxes as [x1, y1, x2, y2] (flat arrays, index * 4). */

/** IoU of box i of `a` and box j of `b` (flat Float32Array/Array of x1,y1,x2,y2). */
export function boxIou(a, i, b, j) {
  const ax1 = a[i * 4]; const ay1 = a[i * 4 + 1]; const ax2 = a[i * 4 + 2]; const ay2 = a[i * 4 + 3];
  const bx1 = b[j * 4]; const by1 = b[j * 4 + 1]; const bx2 = b[j * 4 + 2]; const by2 = b[j * 4 + 3];
  const width = Math.min(ax2, bx2) - Math.max(ax1, bx1);
  const height = Math.min(ay2, by2) - Math.max(ay1, by1);
  if (width <= 0 || height <= 0) return 0;
  const intersection = width * height;
  const union = (ax2 - ax1) * (ay2 - ay1) + (bx2 - bx1) * (by2 - by1) - intersection;
  return union > 0 ? intersection / union : 0;
}

/** Matrix of 1 - IoU, rows = boxes of `a` (count na), columns = boxes of `b` (count nb). */
export function iouDistanceMatrix(a, na, b, nb) {
  const cost = new Float64Array(na * nb);
  for (let i = 0; i < na; i += 1) {
    for (let j = 0; j < nb; j += 1) cost[i * nb + j] = 1 - boxIou(a, i, b, j);
  }
  return cost;
}

/** Share of box `a`'s area ([x1, y1, x2, y2]) covered by box `b`: 1 when `b` holds it whole. */
export function coveredFraction([ax1, ay1, ax2, ay2], [bx1, by1, bx2, by2]) {
  const w = Math.min(ax2, bx2) - Math.max(ax1, bx1);
  const h = Math.min(ay2, by2) - Math.max(ay1, by1);
  if (w <= 0 || h <= 0) return 0;
  return (w * h) / ((ax2 - ax1) * (ay2 - ay1));
}
