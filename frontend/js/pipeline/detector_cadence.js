/**
 * Adaptive detector cadence (pure: no DOM, no timers): decides, from the tracks of the last
 * frame, whether the detector must run on the coming frame or the tracker's prediction will do.
 *
 * The detector runs on every frame while something can happen to the counts:
 *  - 'start':    nothing is known yet (first frame, after a reset);
 *  - 'coasting': a track is only predicted (the detector lost it: find it again quickly);
 *  - 'near-edge': a person's foot point is within `edgeMargin` box heights of a counting edge
 *    (a line, a band boundary or a zone edge): a crossing or an entry may be next;
 *  - 'entry':    a person's box is within `entryMargin` of the frame's border, where people
 *    come into and leave the picture;
 *  - 'interval': `maxSkippedFrames` frames were skipped in a row (someone new may have appeared
 *    anywhere: they are found at most that many frames late).
 * Elsewhere ('clear') the frame is skipped. A skipped frame never counts anything by itself:
 * the counts change only on frames the detector saw.
 */
import { requireNumber, resolveOptions } from '../geometry/options.js';

export const DETECTOR_CADENCE_DEFAULTS = Object.freeze({
  /** most frames in a row without the detector (0: it runs on every frame) */
  maxSkippedFrames: 2,
  /** a foot point this many of its box heights from a counting edge keeps the detector on */
  edgeMargin: 0.75,
  /** a box this share of the frame's smaller side from its border keeps the detector on */
  entryMargin: 0.05,
});

/** Distance from point p to the segment a-b (points are [x, y]). */
export function pointSegmentDistance(p, a, b) {
  const dx = b[0] - a[0], dy = b[1] - a[1];
  const lengthSquared = dx * dx + dy * dy;
  let t = lengthSquared > 0 ? ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / lengthSquared : 0;
  t = t < 0 ? 0 : t > 1 ? 1 : t;
  return Math.hypot(p[0] - (a[0] + t * dx), p[1] - (a[1] + t * dy));
}

/** The counting edges of the engine's lines ([a, b]), bands (their two boundaries) and zones (polygon sides). */
export function countingEdges({ lines = [], bands = [], zones = [] } = {}) {
  const edges = lines.map((line) => [line.a, line.b]);
  for (const band of bands) edges.push(...band.boundaries);
  for (const zone of zones) {
    zone.polygon.forEach((point, index) => edges.push([point, zone.polygon[(index + 1) % zone.polygon.length]]));
  }
  return edges;
}

export class DetectorCadence {
  constructor(options = {}) {
    const resolved = resolveOptions('DetectorCadence', DETECTOR_CADENCE_DEFAULTS, options);
    this.maxSkippedFrames = requireNumber('DetectorCadence', 'maxSkippedFrames', resolved.maxSkippedFrames, { min: 0, integer: true });
    this.edgeMargin = requireNumber('DetectorCadence', 'edgeMargin', resolved.edgeMargin, { min: 0 });
    this.entryMargin = requireNumber('DetectorCadence', 'entryMargin', resolved.entryMargin, { min: 0, max: 0.5 });
    this.reset();
  }

  reset() {
    this.skippedInARow = 0;
    this.started = false;
  }

  /**
   * Whether to run the detector on the coming frame: { detect, reason }.
   * last: the last frame's tracks { tracked: Detections (boxes x1y1x2y2, count, predicted),
   * feet: Float32Array (x, y per track) } or null; edges: [[a, b]] counting edges;
   * width, height: the frame's size.
   */
  decide(last, { edges = [], width, height }) {
    const reason = this.started ? this.#reasonToDetect(last, edges, width, height) : 'start';
    if (reason) {
      this.started = true;
      this.skippedInARow = 0;
      return { detect: true, reason };
    }
    this.skippedInARow += 1;
    return { detect: false, reason: 'clear' };
  }

  #reasonToDetect(last, edges, width, height) {
    if (!last || !last.tracked) return 'start';
    if (this.skippedInARow >= this.maxSkippedFrames) return 'interval';
    const { tracked, feet } = last;
    const border = this.entryMargin * Math.min(width, height);
    for (let index = 0; index < tracked.count; index++) {
      if (tracked.predicted && tracked.predicted[index]) return 'coasting';
      const [x1, y1, x2, y2] = tracked.boxes.subarray(4 * index, 4 * index + 4);
      if (x1 <= border || y1 <= border || x2 >= width - border || y2 >= height - border) return 'entry';
      const foot = [feet[2 * index], feet[2 * index + 1]];
      const margin = this.edgeMargin * (y2 - y1);
      if (edges.some(([a, b]) => pointSegmentDistance(foot, a, b) <= margin)) return 'near-edge';
    }
    return null;
  }
}
