/**
 * Is the detector fast enough for the lines and bands drawn? People's speed (px/s, measured
 * from the tracks) and the geometry give the detector runs per second that counting needs:
 * - the tracker follows a person who moves at most half their height between two runs;
 * - a line counts a person seen at least twice on each side of it, so the room on each side
 *   (from the line to the picture's edge, across the line) must hold two runs of walking;
 * - a band needs the person seen beyond each boundary: the room beyond each boundary must
 *   hold two runs of walking (a band gives the tracker the whole band's width of slack).
 * Pure: the monitor feeds it tracks and asks for advice.
 */
import { resolveOptions, requireNumber } from '../geometry/options.js';

export const RATE_ADVICE_DEFAULTS = Object.freeze({
  /** speed samples kept (the most recent) */
  window: 200,
  /** the speed taken: this quantile of the samples (the faster walkers) */
  quantile: 0.9,
  /** fewer samples than this: no advice yet */
  minSamples: 10,
  /** sightings further apart than this (seconds) give no speed sample */
  maxGapSeconds: 2,
});

const quantileOf = (values, q) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
};

/** Room (px) on each side of the segment a->b inside a width x height picture, across it. */
function roomBesideSegment(a, b, width, height) {
  const length = Math.hypot(b[0] - a[0], b[1] - a[1]);
  const normal = [-(b[1] - a[1]) / length, (b[0] - a[0]) / length];
  const middle = [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
  const reach = (sign) => {
    let best = Infinity;
    for (const [axis, limit] of [[0, 0], [0, width], [1, 0], [1, height]]) {
      const direction = sign * normal[axis];
      if (Math.abs(direction) < 1e-9) continue;
      const t = (limit - middle[axis]) / direction;
      if (t > 0) best = Math.min(best, t);
    }
    return best;
  };
  return [reach(-1), reach(1)];
}

export class RateAdvisor {
  constructor(options = {}) {
    const resolved = resolveOptions('RateAdvisor', RATE_ADVICE_DEFAULTS, options);
    for (const key of ['window', 'minSamples']) requireNumber('RateAdvisor', key, resolved[key], { min: 1, integer: true });
    requireNumber('RateAdvisor', 'quantile', resolved.quantile, { min: 0, max: 1 });
    requireNumber('RateAdvisor', 'maxGapSeconds', resolved.maxGapSeconds, { min: 0 });
    this.options = Object.freeze(resolved);
    this.reset();
  }

  reset() {
    this.last = new Map();
    this.speeds = [];
    this.heights = [];
    this.runTimes = [];
  }

  /** One detector run: tracked detections (trackIds, boxes, predicted), their foot points, its time. */
  observe(tracked, feet, timestamp) {
    this.runTimes.push(timestamp);
    if (this.runTimes.length > 20) this.runTimes.shift();
    const { window, maxGapSeconds } = this.options;
    for (let i = 0; i < tracked.count; i += 1) {
      if (tracked.predicted && tracked.predicted[i]) continue;
      const id = tracked.trackIds[i];
      const point = [feet[2 * i], feet[2 * i + 1]];
      const height = tracked.boxes[i * 4 + 3] - tracked.boxes[i * 4 + 1];
      const previous = this.last.get(id);
      const seconds = previous ? timestamp - previous.timestamp : 0;
      if (previous && seconds > 0 && seconds <= maxGapSeconds) {
        this.speeds.push(Math.hypot(point[0] - previous.point[0], point[1] - previous.point[1]) / seconds);
        this.heights.push(height);
        if (this.speeds.length > window) { this.speeds.shift(); this.heights.shift(); }
      }
      this.last.set(id, { point, timestamp });
    }
  }

  /** Detector runs per second of the recent runs (0 before two runs). */
  get runsPerSecond() {
    const times = this.runTimes;
    if (times.length < 2 || times.at(-1) <= times[0]) return 0;
    return (times.length - 1) / (times.at(-1) - times[0]);
  }

  /**
   * { needed, actual, speed, reliable, limitedBy, suggestions } for these lines and bands
   * ([{ a, b, width? }]) in a width x height picture; null while there are too few samples.
   */
  advise({ lines = [], bands = [], width, height }) {
    if (this.speeds.length < this.options.minSamples) return null;
    const speed = quantileOf(this.speeds, this.options.quantile);
    const personHeight = quantileOf(this.heights, 0.5);
    const needs = [{ what: 'tracking', rate: speed / (0.5 * personHeight) }];
    for (const line of lines) {
      const room = Math.min(...roomBesideSegment(line.a, line.b, width, height));
      needs.push({ what: `line ${line.name || line.id}`, rate: (2 * speed) / Math.max(1, room) });
    }
    for (const band of bands) {
      const room = Math.min(...roomBesideSegment(band.a, band.b, width, height)) - band.width / 2;
      needs.push({ what: `band ${band.name || band.id}`, rate: (2 * speed) / Math.max(1, room) });
    }
    const limiting = needs.reduce((worst, need) => (need.rate > worst.rate ? need : worst));
    const actual = this.runsPerSecond;
    const reliable = actual >= limiting.rate;
    const suggestions = reliable ? [] : [
      'a smaller model size (the detector runs more often)',
      ...(lines.length + bands.length > 1 ? ['fewer lines'] : []),
      ...(lines.length ? ['a band instead of a line, or a line with more room on each side'] : []),
    ];
    return { needed: limiting.rate, actual, speed, reliable, limitedBy: limiting.what, suggestions };
  }
}
