/**
 * Adaptive detector cadence (pure: no DOM, no timers): decides, before each frame, whether the
 * detector must run on it or the tracker's prediction will do until the next run.
 *
 * A skipped frame never counts anything: the counts change only on frames the detector saw
 * (a crossing is always between two real sightings, see docs/counting.md), so the cadence
 * decides only how often people are looked at, never what is counted. The detector runs:
 *  - 'start':      nothing is known yet (first frame, after a reset);
 *  - 'interval':   `maxSkippedFrames` frames were skipped in a row, or the last run's frame
 *                  is `maxSkippedFrames + 1` frames of `frameSeconds` old: people who walked
 *                  into the picture meanwhile are found at most that late;
 *  - 'pending-track': (`pendingTracks`) the tracker holds a person seen once, who needs a
 *                  second detection to be confirmed (so new people show up as soon as without
 *                  the cadence);
 *  - 'entry':      (`entryMargin`) a foot point within that share of the frame's border, where
 *                  people come into and leave the picture;
 *  - 'near-edge':  (`nearEdge`)  a person may reach a counting edge (a line, a band boundary or a zone side)
 *                  before the detector would run again: the path their foot point walks, at
 *                  the speed the tracker measured (pixels per second), from where the last run
 *                  saw it until the latest next run, passes within `edgeMargin` box heights
 *                  (plus `speedMargin` seconds of their walk) of the edge;
 *  - 'new-track':  (`newTracks`) a person first reported at the last run (speed not known yet);
 *  - 'coasting':   (`coasting`) a person the detector lost is only predicted;
 *  - 'crossing':   (`crossingRuns`) a person still in view crossed a line or band at one of
 *                  the last `crossingRuns` detector runs (their count awaits confirmation:
 *                  seeing them step back cancels it).
 *  - 'end':        the source's final frame (a recorded video's last; a live camera has none):
 *                  flush() makes every pending crossing final from each person's last sighting,
 *                  so the counts a file ends with rest on where people really are at its end,
 *                  not on a run up to `maxSkippedFrames` frames older (the frames after the last
 *                  run would otherwise count nothing).
 * Elsewhere ('clear') the frame is skipped. With `minRunSeconds` (a cap on the detector's rate)
 * nothing but 'start' and 'end' runs it sooner than that after its last run.
 *
 * The decision is an object so that more can be planned with it (e.g. detector regions):
 * { detect: boolean, reason: string }.
 */
import { requireBoolean, requireNumber, resolveOptions } from '../geometry/options.js';
import { movementCrossesSegment } from '../geometry/segments.js';

export const DETECTOR_CADENCE_DEFAULTS = Object.freeze({
  /** most frames in a row without the detector (0: it runs on every frame) */
  maxSkippedFrames: 2,
  /** run while the tracker holds a person seen once, who needs a second detection to be confirmed */
  pendingTracks: true,
  /** a foot point this share of the frame's smaller side from its border keeps the detector on (0: off) */
  entryMargin: 0.01,
  /**
   * run while someone may reach a counting edge before the next run (off by default: on the
   * shared sequences it cost 10-25% more runs and gained nothing, see docs/evaluation.md)
   */
  nearEdge: false,
  /** a walked path passing this many box heights from a counting edge keeps the detector on */
  edgeMargin: 0,
  /** ... plus this many seconds of the person's walk (the speed's own uncertainty) */
  speedMargin: 0,
  /** run while a person is new: first reported at the last run (their speed is not known yet) */
  newTracks: false,
  /** run while a person is only predicted (hidden) */
  coasting: false,
  /** run on every frame for this many detector runs after a person's raw crossing (its count awaits confirmation; 0: off) */
  crossingRuns: 0,
  /** the time of one frame (seconds): `maxSkippedFrames + 1` of them after a run, the detector runs again */
  frameSeconds: 1 / 25,
  /**
   * the detector runs at most once in this many seconds (except 'start' and 'end'), whatever the
   * other rules ask: a cap on its rate, e.g. 0.5 for the 2 runs a second of a laptop's CPU
   * (tests and measurements of the live count at that rate); 0: no cap
   */
  minRunSeconds: 0,
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
    this.maxSkippedFrames = requireNumber('DetectorCadence', 'maxSkippedFrames', resolved.maxSkippedFrames, { min: 0, max: 250, integer: true });
    this.edgeMargin = requireNumber('DetectorCadence', 'edgeMargin', resolved.edgeMargin, { min: 0, max: 100 });
    this.speedMargin = requireNumber('DetectorCadence', 'speedMargin', resolved.speedMargin, { min: 0, max: 60 });
    this.entryMargin = requireNumber('DetectorCadence', 'entryMargin', resolved.entryMargin, { min: 0, max: 0.5 });
    this.newTracks = requireBoolean('DetectorCadence', 'newTracks', resolved.newTracks);
    this.pendingTracks = requireBoolean('DetectorCadence', 'pendingTracks', resolved.pendingTracks);
    this.nearEdge = requireBoolean('DetectorCadence', 'nearEdge', resolved.nearEdge);
    this.crossingRuns = requireNumber('DetectorCadence', 'crossingRuns', resolved.crossingRuns, { min: 0, max: 100, integer: true });
    this.coasting = requireBoolean('DetectorCadence', 'coasting', resolved.coasting);
    this.frameSeconds = requireNumber('DetectorCadence', 'frameSeconds', resolved.frameSeconds, { min: 1e-3, max: 10 });
    this.minRunSeconds = requireNumber('DetectorCadence', 'minRunSeconds', resolved.minRunSeconds, { min: 0, max: 60 });
    this.reset();
  }

  /**
   * The latest a run this cadence plans comes after the run before it, in seconds: its time bound,
   * `maxSkippedFrames + 1` frames of `frameSeconds` (the 'interval' rule), plus half a frame for
   * the frames' timing. Runs further apart are not the cadence's choice but a detector that fell
   * behind the frames (busy with an earlier one, or held back by `minRunSeconds`, a cap on its
   * rate): a low rate, as without a cadence (the counting engine's found-again rule, issue 18).
   */
  get longestPlannedSeconds() {
    return (this.maxSkippedFrames + 1.5) * this.frameSeconds;
  }

  reset() {
    this.skippedInARow = 0;
    this.previousTimestamp = null;  // time of the frame decided before this one
    this.frameInterval = this.frameSeconds;
    this.runIds = new Set();        // track ids reported at the run before the last
    this.lastRunIds = new Set();
    this.lastRunFrame = null;
    this.crossings = new Map();     // track id -> detector runs since its last raw crossing
  }

  /**
   * Whether to run the detector on the coming frame at `timestamp` (seconds):
   * { detect, reason }.
   * last: the last frame the detector saw { frameIndex, timestamp, tracked: Detections (boxes,
   *   count, trackIds, predicted), feet: Float32Array (x, y per track) } or null;
   * velocities: Float64Array, foot point vx, vy per track of last.tracked, pixels per second;
   * pending: the tracker holds people seen once, not yet confirmed;
   * final: this is the source's last frame (the end of a recorded video);
   * edges: [[a, b]] counting edges; width, height: the frame's size.
   */
  decide({ last = null, velocities = null, pending = false, final = false, timestamp }, { edges = [], width, height }) {
    requireNumber('DetectorCadence.decide', 'timestamp', timestamp);
    requireBoolean('DetectorCadence.decide', 'final', final);
    if (this.previousTimestamp !== null && timestamp > this.previousTimestamp) this.frameInterval = timestamp - this.previousTimestamp;
    this.previousTimestamp = timestamp;
    if (last && last.tracked && last.frameIndex !== this.lastRunFrame) {
      this.runIds = this.lastRunIds;
      this.lastRunIds = new Set(last.tracked.trackIds);
      this.lastRunFrame = last.frameIndex;
      this.#noteCrossings(last);
    }
    const reason = this.#reasonToDetect({ last, velocities, pending, final, timestamp }, edges, width, height);
    if (reason) {
      this.skippedInARow = 0;
      return { detect: true, reason };
    }
    this.skippedInARow += 1;
    return { detect: false, reason: 'clear' };
  }

  #noteCrossings(last) {
    if (!this.crossingRuns) return;
    for (const [id, runs] of this.crossings) {
      if (runs + 1 >= this.crossingRuns || !this.lastRunIds.has(id)) this.crossings.delete(id);
      else this.crossings.set(id, runs + 1);
    }
    for (const event of (last.result && last.result.events) || []) {
      if (event.type === 'cross_raw') this.crossings.set(event.trackId, 0);
    }
  }

  #reasonToDetect({ last, velocities, pending, final, timestamp }, edges, width, height) {
    if (!last || !last.tracked) return 'start';
    if (this.minRunSeconds > 0 && timestamp - last.timestamp < this.minRunSeconds - 1e-6) return final ? 'end' : null;
    if (this.skippedInARow >= this.maxSkippedFrames) return 'interval';
    // The same bound in time: a detector slower than the frames (the monitor shows frames
    // while it runs) is asked again as soon as its last run is that old.
    if (timestamp - last.timestamp >= (this.maxSkippedFrames + 1) * this.frameSeconds - 1e-6) return 'interval';
    if (this.pendingTracks && pending) return 'pending-track';
    if (this.crossings.size) return 'crossing';
    const { tracked, feet } = last;
    // Skipping this frame, the detector runs again at the latest this long after the last run.
    const horizon = Math.max(0, timestamp - last.timestamp) + (this.maxSkippedFrames - this.skippedInARow) * this.frameInterval;
    const border = this.entryMargin * Math.min(width, height);
    for (let index = 0; index < tracked.count; index++) {
      if (this.coasting && tracked.predicted && tracked.predicted[index]) return 'coasting';
      if (this.newTracks && !this.runIds.has(tracked.trackIds[index])) return 'new-track';
      const foot = [feet[2 * index], feet[2 * index + 1]];
      if (border > 0 && (foot[0] <= border || foot[1] <= border || foot[0] >= width - border || foot[1] >= height - border)) return 'entry';
      if (!this.nearEdge || !edges.length) continue;
      const vx = velocities ? velocities[2 * index] : 0;
      const vy = velocities ? velocities[2 * index + 1] : 0;
      const ahead = [foot[0] + vx * horizon, foot[1] + vy * horizon];
      const boxHeight = tracked.boxes[4 * index + 3] - tracked.boxes[4 * index + 1];
      const margin = this.edgeMargin * boxHeight + this.speedMargin * Math.hypot(vx, vy);
      if (edges.some(([a, b]) => segmentDistance(foot, ahead, a, b) <= margin)) return 'near-edge';
    }
    // Last, so that 'end' names only the runs this rule adds.
    return final ? 'end' : null;
  }
}
