import { detectionsFromRows } from '../../frontend/js/core/detections.js';

/**
 * Shared by the counting tests: tracked detections whose foot point is a given point; a person
 * with `facing` (+1 right, -1 left) has pose keypoints that show it (nose 10 px ahead of the ears).
 */
export function trackedAt(people) {
  const withFacing = people.some((person) => person.facing);
  return detectionsFromRows(people.map(({ id, x, y, facing }) => ({
    id, box: [x - 10, y - 60, x + 10, y], score: 0.9, keypoints: facing ? headKeypoints(x, y - 55, facing) : undefined,
  })), { keypointCount: withFacing ? 17 : 0 });
}

/** COCO keypoints with only the nose and the ears seen, the nose 10 px to the side the person faces. */
function headKeypoints(x, y, facing) {
  const keypoints = new Array(17 * 3).fill(0);
  keypoints.splice(0, 3, x + 10 * facing, y, 0.9);
  keypoints.splice(9, 6, x, y, 0.9, x, y, 0.9);
  return keypoints;
}

/**
 * Feed `paths` (trackId -> list of [x, y] or [x, y, facing], or null for "not seen this frame") through the
 * engine, one frame per index; returns the per-frame results and all events.
 */
export function runPaths(engine, paths, { fps = 25, flush = true } = {}) {
  const frames = Math.max(...Object.values(paths).map((path) => path.length));
  const results = [];
  const events = [];
  for (let f = 0; f < frames; f += 1) {
    const people = [];
    for (const [id, path] of Object.entries(paths)) {
      const point = path[f];
      if (point) people.push({ id: Number(id), x: point[0], y: point[1], facing: point[2] });
    }
    const result = engine.update(trackedAt(people), { frameIndex: f, timestamp: f / fps });
    results.push(result);
    events.push(...result.events);
  }
  if (flush) events.push(...engine.flush().events);
  return { results, events, final: engine.snapshot() };
}

/** n points evenly from `from` to `to` (both included). */
export function walk(from, to, n) {
  return Array.from({ length: n }, (_, i) => {
    const t = n === 1 ? 0 : i / (n - 1);
    return [from[0] + (to[0] - from[0]) * t, from[1] + (to[1] - from[1]) * t];
  });
}

export const hold = (point, n) => Array.from({ length: n }, () => point);
export const gap = (n) => Array.from({ length: n }, () => null);
