/** Polygons as arrays of points [[x, y], ...] (any winding, concave allowed). */
import { requirePoint } from './options.js';

/** Signed area (shoelace); positive for clockwise in image coordinates. */
export function signedArea(points) {
  let sum = 0;
  for (let i = 0, j = points.length - 1; i < points.length; j = i, i += 1) {
    sum += (points[j][0] * points[i][1]) - (points[i][0] * points[j][1]);
  }
  return sum / 2;
}

/** Validate a polygon (>= 3 points, finite, non-zero area); returns a copy. */
export function requirePolygon(owner, points, { minArea = 1e-6 } = {}) {
  if (!Array.isArray(points) || points.length < 3) {
    const got = Array.isArray(points) ? `${points.length} point(s)` : String(points);
    throw new RangeError(`${owner}: a polygon needs at least 3 points, got ${got}`);
  }
  const copy = points.map((point, index) => requirePoint(owner, `polygon[${index}]`, point));
  if (Math.abs(signedArea(copy)) <= minArea) {
    throw new RangeError(`${owner}: the polygon has zero area (its points are collinear or repeated)`);
  }
  return copy;
}

/** Even-odd ray casting: is [x, y] inside the polygon? Works for concave polygons. */
export function containsPoint(points, x, y) {
  let inside = false;
  for (let i = 0, j = points.length - 1; i < points.length; j = i, i += 1) {
    const [xi, yi] = points[i];
    const [xj, yj] = points[j];
    if ((yi > y) !== (yj > y)) {
      const xCross = xi + ((y - yi) * (xj - xi)) / (yj - yi);
      if (x < xCross) inside = !inside;
    }
  }
  return inside;
}

/** The mean of the polygon's points (where its label goes). */
export function polygonCentroid(points) {
  let sumX = 0;
  let sumY = 0;
  for (const [x, y] of points) { sumX += x; sumY += y; }
  return [sumX / points.length, sumY / points.length];
}

/** The axis-aligned rectangle with opposite corners a and b, as a polygon. */
export function rectanglePolygon(a, b) {
  const [x1, x2] = [Math.min(a[0], b[0]), Math.max(a[0], b[0])];
  const [y1, y2] = [Math.min(a[1], b[1]), Math.max(a[1], b[1])];
  return [[x1, y1], [x2, y1], [x2, y2], [x1, y2]];
}
