// Pure: what the overlay writes and where, so labels never cover people and need no legend.
// Labels are rectangles [x, y, width, height] (y: top); person boxes are [x1, y1, x2, y2].
import { isolated } from '../ui/words.js';

/** Overlap area of a label rectangle and a person box. */
function overlap([x, y, width, height], [x1, y1, x2, y2]) {
  const w = Math.min(x + width, x2) - Math.max(x, x1);
  const h = Math.min(y + height, y2) - Math.max(y, y1);
  return w > 0 && h > 0 ? w * h : 0;
}

/** Keep a rectangle inside the picture. */
function clamp([x, y, width, height], bounds) {
  return [Math.max(2, Math.min(x, bounds.width - width - 2)), Math.max(2, Math.min(y, bounds.height - height - 2)), width, height];
}

/**
 * The first candidate position (top-left corners, in order of preference) whose label covers
 * no person box and no label placed before; else the candidate covering the least.
 */
export function placeLabel(size, candidates, { boxes = [], taken = [], bounds }) {
  let best = null;
  for (const [x, y] of candidates) {
    const rect = clamp([x, y, size.width, size.height], bounds);
    const covered = boxes.reduce((sum, box) => sum + overlap(rect, box), 0)
      + taken.reduce((sum, [tx, ty, tw, th]) => sum + overlap(rect, [tx, ty, tx + tw, ty + th]), 0);
    if (covered === 0) return rect;
    if (!best || covered < best.covered) best = { rect, covered };
  }
  return best ? best.rect : null;
}

/** Candidate positions around an anchor point, nearest first, then further out. */
export function candidatesAround([x, y], size, step = 1) {
  const spots = [];
  for (const reach of [0, 1, 2, 3, 5]) {
    const dx = reach * (size.width / 2 + 8) * step;
    const dy = reach * (size.height + 6) * step;
    spots.push([x - size.width / 2, y - size.height / 2 - dy], [x - size.width / 2, y - size.height / 2 + dy],
      [x - size.width / 2 - dx, y - size.height / 2], [x - size.width / 2 + dx, y - size.height / 2]);
  }
  return spots;
}

/** A zone's label: its name and what the number is ("3 inside"), with the limit when set. */
export function zoneLabelText(zone, counts) {
  const name = isolated(zone.name);
  if (!counts) return zone.threshold !== null && zone.threshold !== undefined ? `${name} · alert above ${zone.threshold}` : name;
  const people = `${counts.occupancy} inside`;
  if (zone.threshold === null || zone.threshold === undefined) return `${name} · ${people}`;
  return counts.alertActive ? `${name} · ${people} · over the limit of ${zone.threshold}!` : `${name} · ${people} (limit ${zone.threshold})`;
}

/** A line's label: its counts named as everywhere else. */
export function lineLabelText(zone, counts) {
  return counts ? `${isolated(zone.name)} · in ${counts.in} · out ${counts.out}` : isolated(zone.name);
}

/**
 * A trail without the detector's jitter: each point averaged with its neighbours (window
 * points each side), the newest point kept where it is so the trail still ends at the foot.
 */
export function smoothTrail(points, window = 2) {
  if (points.length < 3) return points.map((point) => [...point]);
  return points.map((point, index) => {
    if (index === points.length - 1) return [...point];
    const from = Math.max(0, index - window);
    const to = Math.min(points.length - 1, index + window);
    let x = 0;
    let y = 0;
    for (let i = from; i <= to; i += 1) { x += points[i][0]; y += points[i][1]; }
    const n = to - from + 1;
    return [x / n, y / n];
  });
}

/** Total turning (radians) along a path: how much it zig-zags. */
export function turning(points) {
  let total = 0;
  for (let i = 1; i < points.length - 1; i += 1) {
    const a = Math.atan2(points[i][1] - points[i - 1][1], points[i][0] - points[i - 1][0]);
    const b = Math.atan2(points[i + 1][1] - points[i][1], points[i + 1][0] - points[i][0]);
    let d = Math.abs(b - a);
    if (d > Math.PI) d = 2 * Math.PI - d;
    total += d;
  }
  return total;
}
