/**
 * Adaptive detector cadence (pure: no DOM, no timers): decides, from the tracks of the last
 * frame, whether the detector must run on the coming frame or the tracker's prediction will do.
 *
 * The detector runs on every frame while something can happen to the counts:
 *  - 'start':    nothing is known yet (first frame, after a reset);
 *  - 'coasting': a track is only predicted (the detector lost it: find it again quickly);
 *  - 'new-track': a track the last detector run saw for the first time (its speed is unknown,
 *    and a new person needs consecutive detections to be confirmed);
 *  - 'near-edge': a person's foot point could reach a counting edge (a line, a band boundary or
 *    a zone edge) before the detector runs again: the path it walks in maxSkippedFrames + 1
 *    frames at its measured velocity passes within `edgeMargin` box heights of the edge;
 *  - 'entry':    a person's foot point is within `entryMargin` of the frame's border, where
 *    people come into and leave the picture;
 *  - 'interval': `maxSkippedFrames` frames were skipped in a row (someone new may have appeared
 *    anywhere: they are found at most that many frames late).
 * Elsewhere ('clear') the frame is skipped. A skipped frame never counts anything by itself:
 * the counts change only on frames the detector saw.
 */
import { requireNumber, resolveOptions } from '../geometry/options.js';
import { movementCrossesSegment } from '../geometry/segments.js';

export const DETECTOR_CADENCE_DEFAULTS = Object.freeze({
  /** most frames in a row without the detector (0: it runs on every frame) */
  maxSkippedFrames: 2,
  /** the walked path passing this many box heights from a counting edge keeps the detector on */
  edgeMargin: 0,
  /** a foot point this share of the frame's smaller side from its border keeps the detector on */
  entryMargin: 0.02,
});

/** Distance from point p to the segment a-b (points are [x, y]). */
export function pointSegmentDistance(p, a, b) {
  const dx = b[0] - a[0], dy = b[1] - a[1];
  const lengthSquared = dx * dx + dy * dy;
  let t = lengthSquared > 0 ? ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / lengthSquared : 0;
  t = t < 0 ? 0 : t > 1 ? 1 : t;
  return Math.hypot(p[0] - (a[0] + t * dx), p[1] - (a[1] + t * dy));
}

/** Distance between the segments p-q and a-b (0 when they cross). */
export function segmentDistance(p, q, a, b) {
  if (movementCrossesSegment(a, b, p, q)) return 0;
  return Math.min(pointSegmentDistance(p, a, b), pointSegmentDistance(q, a, b),
    pointSegmentDistance(a, p, q), pointSegmentDistance(b, p, q));
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
    this.seenFrame = null;        // frameIndex of the detector run last looked at
    this.feet = new Map();        // track id -> { x, y, frameIndex } at that run
    this.velocities = new Map();  // track id -> [dx, dy] pixels per frame, from the two runs before
  }

  /**
   * Whether to run the detector on the coming frame: { detect, reason }.
   * last: the tracks of the last frame the detector saw { frameIndex, tracked: Detections
   * (boxes x1y1x2y2, count, trackIds, predicted), feet: Float32Array (x, y per track) } or
   * null; edges: [[a, b]] counting edges;
   * width, height: the frame's size.
   */
  decide(last, { edges = [], width, height }) {
    if (last && last.tracked && last.frameIndex !== this.seenFrame) this.#measure(last);
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
    const horizon = this.maxSkippedFrames + 1;
    for (let index = 0; index < tracked.count; index++) {
      if (tracked.predicted && tracked.predicted[index]) return 'coasting';
      const velocity = this.velocities.get(tracked.trackIds[index]);
      if (velocity === undefined) return 'new-track';
      const foot = [feet[2 * index], feet[2 * index + 1]];
      if (foot[0] <= border || foot[1] <= border || foot[0] >= width - border || foot[1] >= height - border) return 'entry';
      const boxHeight = tracked.boxes[4 * index + 3] - tracked.boxes[4 * index + 1];
      const ahead = [foot[0] + velocity[0] * horizon, foot[1] + velocity[1] * horizon];
      const margin = this.edgeMargin * boxHeight;
      if (edges.some(([a, b]) => segmentDistance(foot, ahead, a, b) <= margin)) return 'near-edge';
    }
    return null;
  }

  /** Velocities (pixels per frame) of the tracks seen at the previous detector run too. */
  #measure({ frameIndex, tracked, feet }) {
    const feetNow = new Map();
    this.velocities = new Map();
    for (let index = 0; index < tracked.count; index++) {
      const id = tracked.trackIds[index];
      const foot = { x: feet[2 * index], y: feet[2 * index + 1], frameIndex };
      const before = this.feet.get(id);
      if (before && frameIndex > before.frameIndex) {
        const frames = frameIndex - before.frameIndex;
        this.velocities.set(id, [(foot.x - before.x) / frames, (foot.y - before.y) / frames]);
      }
      feetNow.set(id, foot);
    }
    this.feet = feetNow;
    this.seenFrame = frameIndex;
  }
}
