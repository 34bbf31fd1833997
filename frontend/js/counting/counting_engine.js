/**
 * Composes the counters: for each frame of tracked detections it computes foot points, feeds
 * every line, band and zone, ends tracks that have not been seen for `staleFrames`, and
 * returns the counts, this frame's events and the points it used: every foot point, and the
 * heat points (the foot points of people seen this frame; a predicted track adds no heat).
 */
import { resolveOptions, requireNumber } from '../geometry/options.js';
import { BandCounter } from './band_counter.js';
import { footPoints } from './foot_points.js';
import { FACING_MIN_SHIFT, facingOf } from '../core/facing.js';
import { LineCounter } from './line_counter.js';
import { ZoneMonitor } from './zone_monitor.js';

export const ENGINE_DEFAULTS = Object.freeze({
  lines: [],
  bands: [],
  zones: [],
  /** both ankles at or above this confidence place the foot point across (at their midpoint; its height is the box's bottom edge); else the box's centre */
  keypointConfidence: 0.5,
  /** a track unseen for more than this many frames has ended (pending crossings become final) */
  staleFrames: 30,
  /** length of one "frame" of staleFrames, in seconds: tracks end after a time, at any detector rate */
  frameSeconds: 1 / 25,
  /**
   * a track whose foot point moves faster than this many box heights per second (plus a
   * quarter height) jumped to another person, or the video looped: its line and band
   * counting ends there and starts again as a new person, so a jump is never a crossing
   * (zones are not affected); 0 disables
   */
  maxSpeed: 4,
  /**
   * at detector runs at least this many seconds apart, a track missing at the previous run and
   * found again may be someone else: its count so far stands and what it does next counts as a
   * new person's (a return crossing does not cancel); 0 disables. Runs no further apart than the
   * caller plans (update's `plannedSeconds`: a detector cadence skipping frames on purpose) are
   * not a low rate: the rule applies only to runs later than that
   */
  regainSeconds: 0.1,
  /**
   * when counting began, in the frames' clock (seconds), or null: at the first update. The
   * detector's first run may come later (a detector still busy, or one that runs on every K-th
   * frame): a person first seen at that run just past a line, walking away from it, crossed
   * after counting began, and the entry rule may walk them back to it, never before it
   */
  startTimestamp: null,
});

/** Slack of the jump rule, in box heights (detections wobble). */
const JUMP_SLACK = 0.25;
/**
 * The boxes of the people seen at the detector's runs are kept this long (seconds): the entry
 * rule asks where someone could have been hidden behind others before their first sighting
 * (at most its look back, 1.5 s, before a first sighting made up to a track's life, 1.2 s, ago).
 */
const RUN_HISTORY_SECONDS = 3;

function requireUniqueIds(counters) {
  const seen = new Set();
  for (const counter of counters) {
    const key = String(counter.id);
    if (seen.has(key)) throw new RangeError(`CountingEngine: duplicate line/band/zone id ${key}`);
    seen.add(key);
  }
}

export class CountingEngine {
  constructor(options = {}) {
    const resolved = resolveOptions('CountingEngine', ENGINE_DEFAULTS, options);
    for (const key of ['lines', 'bands', 'zones']) {
      if (!Array.isArray(resolved[key])) throw new TypeError(`CountingEngine: ${key} must be an array`);
    }
    this.frameSeconds = requireNumber('CountingEngine', 'frameSeconds', resolved.frameSeconds, { min: 1e-4, max: 10 });
    // A line's or band's confirmFrames are frames of the engine's frameSeconds unless it says otherwise.
    const timed = (counter) => ({ frameSeconds: this.frameSeconds, ...counter });
    this.lines = resolved.lines.map((line) => new LineCounter(timed(line)));
    this.bands = resolved.bands.map((band) => new BandCounter(timed(band)));
    this.zones = resolved.zones.map((zone) => new ZoneMonitor(zone));
    requireUniqueIds([...this.lines, ...this.bands, ...this.zones]);
    this.keypointConfidence = requireNumber('CountingEngine', 'keypointConfidence',
      resolved.keypointConfidence, { min: 0, max: 1 });
    this.staleFrames = requireNumber('CountingEngine', 'staleFrames', resolved.staleFrames, { min: 0, integer: true });
    this.maxSpeed = requireNumber('CountingEngine', 'maxSpeed', resolved.maxSpeed, { min: 0 });
    this.regainSeconds = requireNumber('CountingEngine', 'regainSeconds', resolved.regainSeconds, { min: 0 });
    this.startTimestamp = resolved.startTimestamp === null ? null
      : requireNumber('CountingEngine', 'startTimestamp', resolved.startTimestamp);
    this.reset();
  }

  get counters() {
    return [...this.lines, ...this.bands];
  }

  reset() {
    for (const counter of [...this.counters, ...this.zones]) counter.reset();
    this.lastSeen = new Map(); // trackId -> { frameIndex, timestamp, point, height }
    this.frameIndex = null;
    this.timestamp = null;
    this.previousTimestamp = null;
    this.recentRuns = []; // [{ timestamp, boxes: [{ trackId, box }] }] of the previous updates, oldest first
  }

  /**
   * @param {object} tracked  Detections with trackIds (the tracker's output)
   * @param {{frameIndex: number, timestamp: number, plannedSeconds?: number}} frame
   *   plannedSeconds: the longest time between two detector runs the caller plans (FramePipeline:
   *   its detector cadence's longestPlannedSeconds, on a source whose frames come faster than
   *   regainSeconds; 0, the default: the detector runs on every frame it can), so that the
   *   found-again rule tells a detector too slow for the frames from frames skipped on purpose
   */
  update(tracked, { frameIndex, timestamp, plannedSeconds = 0 } = {}) {
    requireNumber('CountingEngine.update', 'frameIndex', frameIndex, { integer: true });
    requireNumber('CountingEngine.update', 'timestamp', timestamp);
    requireNumber('CountingEngine.update', 'plannedSeconds', plannedSeconds, { min: 0 });
    if (tracked.count > 0 && !tracked.trackIds) {
      throw new TypeError('CountingEngine.update: detections need trackIds (run the tracker first)');
    }
    // interval: time since the previous update, i.e. between two detector runs; at the first
    // update, the time since counting began (startTimestamp), when the engine was told it
    const since = this.timestamp === null ? this.startTimestamp : this.timestamp;
    const interval = since === null ? 0 : Math.max(0, timestamp - since);
    // present: the tracks seen (not predicted) this frame, for the rules that ask whether another track is still there
    const present = new Set();
    for (let i = 0; i < tracked.count; i += 1) if (!(tracked.predicted && tracked.predicted[i])) present.add(tracked.trackIds[i]);
    // runs: who was seen where at the previous updates (the entry rule's "hidden behind someone")
    const frame = { frameIndex, timestamp, interval, present, startTimestamp: this.startTimestamp, runs: this.recentRuns };
    this.previousTimestamp = this.timestamp;
    this.frameIndex = frameIndex;
    this.timestamp = timestamp;
    const points = footPoints(tracked, { keypointConfidence: this.keypointConfidence });
    const heat = [];
    const events = [];
    for (const zone of this.zones) zone.beginFrame();
    for (let i = 0; i < tracked.count; i += 1) {
      const trackId = tracked.trackIds[i];
      const x = points[i * 2];
      const y = points[i * 2 + 1];
      if (tracked.predicted && tracked.predicted[i]) {
        // A person hidden this frame (the tracker's prediction): still there for occupancy,
        // but a guess never moves a line, band or zone membership, nor the heatmaps.
        for (const zone of this.zones) zone.observePredicted(trackId, x, y);
        continue;
      }
      const height = tracked.boxes[i * 4 + 3] - tracked.boxes[i * 4 + 1];
      const width = tracked.boxes[i * 4 + 2] - tracked.boxes[i * 4];
      const facing = facingOf(tracked, i, FACING_MIN_SHIFT);
      const seen = this.lastSeen.get(trackId);
      if (seen && this.#jumped(seen, [x, y], height, timestamp)) {
        for (const counter of this.counters) events.push(...counter.finish(trackId));
      } else if (seen && this.#foundAgain(seen, interval, plannedSeconds)) {
        for (const counter of this.counters) events.push(...counter.restart(trackId));
      }
      this.lastSeen.set(trackId, { frameIndex, timestamp, point: [x, y], height });
      for (const counter of this.counters) events.push(...counter.observe(trackId, x, y, frame, { height, width, facing }));
      for (const zone of this.zones) events.push(...zone.observe(trackId, x, y, frame));
      heat.push(x, y);
    }
    for (const [trackId, seen] of this.lastSeen) {
      if ((timestamp - seen.timestamp) / this.frameSeconds > this.staleFrames + 1e-6) events.push(...this.#finishTrack(trackId, seen));
    }
    for (const zone of this.zones) events.push(...zone.endFrame(frame));
    this.#rememberRun(tracked, timestamp);
    const heatPoints = heat.length === points.length ? points : Float32Array.from(heat);
    return { ...this.snapshot(), events, frameIndex, timestamp, footPoints: points, heatPoints };
  }

  /**
   * End of a run (e.g. the end of a video): every track ends, so pending crossings become
   * final and members leave; an alert still on ends at the last frame with its peak.
   */
  flush() {
    const events = [];
    for (const [trackId, seen] of [...this.lastSeen]) events.push(...this.#finishTrack(trackId, seen));
    if (this.frameIndex !== null) {
      const last = { frameIndex: this.frameIndex, timestamp: this.timestamp };
      for (const zone of this.zones) events.push(...zone.endRun(last));
    }
    return { ...this.snapshot(), events, frameIndex: this.frameIndex, timestamp: this.timestamp };
  }

  /** Current counts of every line, band and zone. */
  snapshot() {
    const lines = {};
    for (const counter of this.counters) lines[counter.id] = counter.counts;
    const zones = {};
    for (const zone of this.zones) zones[zone.id] = zone.counts;
    return { lines, zones };
  }

  /**
   * Was the track missing at the previous detector run, at a low rate (runs at least
   * `regainSeconds` apart, and further apart than the caller plans)? Then the tracker found it
   * again across a gap the detector could not look into, by position and looks, and it may be
   * someone else (two people crossing paths, or the same place in a looped clip). A gap a
   * detector cadence leaves on purpose is not one: it could have looked, and runs again within
   * its plan wherever it must (docs/counting.md, "found again").
   */
  #foundAgain(seen, interval, plannedSeconds) {
    return this.regainSeconds > 0 && interval >= this.regainSeconds && interval > plannedSeconds
      && seen.timestamp < this.previousTimestamp - 1e-9;
  }

  /** Keeps the boxes seen (not predicted) at this update, for RUN_HISTORY_SECONDS (a new array: sightings keep theirs). */
  #rememberRun(tracked, timestamp) {
    const boxes = [];
    for (let i = 0; i < tracked.count; i += 1) {
      if (!(tracked.predicted && tracked.predicted[i])) boxes.push({ trackId: tracked.trackIds[i], box: Array.from(tracked.boxes.subarray(i * 4, i * 4 + 4)) });
    }
    this.recentRuns = [...this.recentRuns.filter((run) => timestamp - run.timestamp <= RUN_HISTORY_SECONDS), { timestamp, boxes }];
  }

  /** Did the track move from its last sighting faster than a person walks (see maxSpeed)? */
  #jumped(seen, point, height, timestamp) {
    if (this.maxSpeed === 0) return false;
    const size = Math.max(height, seen.height);
    if (!(size > 0)) return false;
    const moved = Math.hypot(point[0] - seen.point[0], point[1] - seen.point[1]);
    return moved > size * (this.maxSpeed * (timestamp - seen.timestamp) + JUMP_SLACK);
  }

  #finishTrack(trackId, lastFrame) {
    const events = [];
    for (const counter of this.counters) events.push(...counter.finish(trackId));
    for (const zone of this.zones) events.push(...zone.finish(trackId, lastFrame));
    this.lastSeen.delete(trackId);
    return events;
  }
}
