// Pure plane geometry for the zone editor and the overlay (image pixel coordinates, y down).

export function clampPoint([x, y], width, height) {
  return [Math.min(Math.max(x, 0), width), Math.min(Math.max(y, 0), height)];
}

export function distance([ax, ay], [bx, by]) {
  return Math.hypot(bx - ax, by - ay);
}

export function distanceToSegment(point, a, b) {
  const [px, py] = point;
  const [ax, ay] = a;
  const dx = b[0] - ax;
  const dy = b[1] - ay;
  const lengthSquared = dx * dx + dy * dy;
  if (lengthSquared === 0) return distance(point, a);
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / lengthSquared));
  return distance(point, [ax + t * dx, ay + t * dy]);
}

/** Even-odd rule; works for concave polygons. */
export function pointInPolygon([x, y], polygon) {
  let inside = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const [xi, yi] = polygon[i];
    const [xj, yj] = polygon[j];
    if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

export function polygonCentroid(polygon) {
  let sumX = 0;
  let sumY = 0;
  for (const [x, y] of polygon) { sumX += x; sumY += y; }
  return [sumX / polygon.length, sumY / polygon.length];
}

export function midpoint(a, b) {
  return [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
}

/**
 * Unit normal pointing to the "in" side of a directed line A->B: "in" is where
 * (B-A)x(P-A) > 0, which in image coordinates is (-dy, dx); flipped swaps it.
 */
export function inwardNormal(a, b, flipped = false) {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const length = Math.hypot(dx, dy) || 1;
  const sign = flipped ? -1 : 1;
  return [(-dy / length) * sign, (dx / length) * sign];
}

/** The four corners of a band: two boundaries parallel to A->B at +-width/2. */
export function bandCorners(a, b, width) {
  const [nx, ny] = inwardNormal(a, b, false);
  const half = width / 2;
  return [
    [a[0] - nx * half, a[1] - ny * half],
    [b[0] - nx * half, b[1] - ny * half],
    [b[0] + nx * half, b[1] + ny * half],
    [a[0] + nx * half, a[1] + ny * half],
  ];
}

export function rectanglePolygon(a, b) {
  const [x1, x2] = [Math.min(a[0], b[0]), Math.max(a[0], b[0])];
  const [y1, y2] = [Math.min(a[1], b[1]), Math.max(a[1], b[1])];
  return [[x1, y1], [x2, y1], [x2, y2], [x1, y2]];
}
