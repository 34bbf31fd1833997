/** Points [x, y] in image coordinates (y grows downwards). */

export function distance(a, b) {
  return Math.hypot(b[0] - a[0], b[1] - a[1]);
}

export function midpoint(a, b) {
  return [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
}

/** The point moved inside the frame [0, width] x [0, height]. */
export function clampPoint([x, y], width, height) {
  return [Math.min(Math.max(x, 0), width), Math.min(Math.max(y, 0), height)];
}
