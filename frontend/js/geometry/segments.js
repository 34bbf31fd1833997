/**
 * Directed segments A->B in image coordinates (y grows downwards): sides, crossings,
 * distances and the two edges of a band. The counters count with these functions and the
 * editor and overlay draw and hit-test with the same ones.
 */
import { distance } from './points.js';

/** z of (b - a) x (p - a): > 0 on one side of the line a->b, < 0 on the other. */
export function crossSign(a, b, p) {
  return (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0]);
}

/** Side of p relative to the directed line a->b: 1, -1, or 0 when on the line. */
export function sideOf(a, b, p) {
  const value = crossSign(a, b, p);
  return value > 0 ? 1 : value < 0 ? -1 : 0;
}

/**
 * Does the movement p->q cross the segment a->b? True when p and q lie strictly on
 * opposite sides of the line through a, b and the crossing point lies within the segment
 * (endpoints included).
 */
export function movementCrossesSegment(a, b, p, q) {
  const sideP = crossSign(a, b, p);
  const sideQ = crossSign(a, b, q);
  if (!(sideP < 0 && sideQ > 0) && !(sideP > 0 && sideQ < 0)) return false;
  const sideA = crossSign(p, q, a);
  const sideB = crossSign(p, q, b);
  return (sideA <= 0 && sideB >= 0) || (sideA >= 0 && sideB <= 0);
}

/** Shortest distance from `point` to the segment a-b. */
export function distanceToSegment(point, a, b) {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const lengthSquared = dx * dx + dy * dy;
  if (lengthSquared === 0) return distance(point, a);
  const t = Math.max(0, Math.min(1, ((point[0] - a[0]) * dx + (point[1] - a[1]) * dy) / lengthSquared));
  return distance(point, [a[0] + t * dx, a[1] + t * dy]);
}

/**
 * Unit normal pointing to the "in" side of a directed line A->B: "in" is where
 * (B-A)x(P-A) > 0, which in image coordinates is (-dy, dx); flipped swaps it.
 */
export function inwardNormal(a, b, flipped = false) {
  const length = distance(a, b) || 1;
  const sign = flipped ? -1 : 1;
  return [(-(b[1] - a[1]) / length) * sign, ((b[0] - a[0]) / length) * sign];
}

/** Signed distance of p from the line through a->b: positive on the (B-A)x(P-A) > 0 side. */
export function signedDistance(a, b, p) {
  return crossSign(a, b, p) / (distance(a, b) || 1);
}

/**
 * The two edges of a band of `width` along A->B: [[a, b] on the negative side, [a, b] on the
 * positive side], each at width / 2 from the segment.
 */
export function bandEdges(a, b, width) {
  const [nx, ny] = inwardNormal(a, b, false);
  const half = width / 2;
  const shift = (p, sign) => [p[0] + sign * nx * half, p[1] + sign * ny * half];
  return [[shift(a, -1), shift(b, -1)], [shift(a, 1), shift(b, 1)]];
}

/** The band's outline as a polygon (its two edges joined): for drawing and hit-testing. */
export function bandCorners(a, b, width) {
  const [[a0, b0], [a1, b1]] = bandEdges(a, b, width);
  return [a0, b0, b1, a1];
}

/** Where p is relative to the band: -1 / 1 beyond the negative / positive edge, 0 between them. */
export function bandSide(a, b, width, p) {
  const offset = signedDistance(a, b, p);
  if (offset > width / 2) return 1;
  if (offset < -width / 2) return -1;
  return 0;
}
