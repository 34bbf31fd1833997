/** Plane geometry on points [x, y] in image coordinates (y grows downwards). */

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

export function distance(a, b) {
  return Math.hypot(b[0] - a[0], b[1] - a[1]);
}
