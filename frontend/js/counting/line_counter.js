/**
 * A directed counting line: the segment A->B. "in" is a foot point moving from the side
 * where (B-A)x(P-A) < 0 to the side where it is > 0 (image coordinates); `flipped` swaps in
 * and out. Only movements through the segment itself count, not the infinite line.
 * Built for gaps between sightings: a crossing is stamped with the time the movement passed
 * the line (interpolated between the two sightings), and a person first seen just past the
 * line, walking away from it, whose motion over the detector's last runs says they came from
 * the other side, counts as a crossing (see entry_crossing.js).
 */
import { requireNumber } from '../geometry/options.js';
import { distance } from '../geometry/points.js';
import { movementCrossesSegment, sideOf } from '../geometry/segments.js';
import { CrossingCounter } from './crossing_counter.js';
import { crossingFrame, entryCrossing, showsNoWalk } from './entry_crossing.js';

/** crossings remembered for the entry rule's guard against counting one person twice */
const RECENT_SECONDS = 5;
/** the gap rules act only at detector runs at least this many seconds apart (not at the video's rate) */
const GAP_MIN_INTERVAL = 0.1;
/** another track's crossing within this many box heights may be the same person's */
const GUARD_HEIGHTS = 2;

export const LINE_DEFAULTS = Object.freeze({
  id: undefined, a: undefined, b: undefined, flipped: false,
  /** observations on the new side (the crossing frame included) before a crossing is final */
  confirmFrames: 5,
  /** length of one of confirmFrames in seconds: a crossing is also final after that time on the new side (see CrossingLedger) */
  frameSeconds: 1 / 25,
  /**
   * a track's first sighting counts as a crossing from the other side when, moving away from
   * the line, it was there at most this many seconds earlier (and no longer than two detector
   * runs before: this bound binds only below 1.33 runs a second); 0 disables
   */
  entryLookbackSeconds: 1.5,
  name: '',
});

export class LineCounter extends CrossingCounter {
  constructor(options) {
    super('LineCounter', 'line', LINE_DEFAULTS, options);
    this.entryLookbackSeconds = requireNumber(this.owner, 'entryLookbackSeconds', this.options.entryLookbackSeconds, { min: 0 });
    this.reset();
  }

  reset() {
    this.lastSightings = new Map();
    this.firstSightings = new Map();
    this.startedAt = new Map(); // trackId -> time of its first sighting
    this.recentCrossings = [];
    this.ledger.reset();
  }

  /**
   * A track's foot point this frame; returns events (cross_raw, in, out).
   * frame: { frameIndex, timestamp, interval? (seconds since the previous detector run),
   * startTimestamp? (when counting began: no crossing is inferred before it), runs? (who was seen
   * where at the previous detector runs: [{ timestamp, boxes: [{ trackId, box }] }]) };
   * person: { height, width } of the person's box (bounds the entry rule's reach; where they could
   * have been hidden), { facing } which way they face across the picture (+1 right, -1 left, 0 not
   * known; core/facing.js).
   */
  observe(trackId, x, y, frame, { height = 0, width = 0, facing = 0 } = {}) {
    const point = [x, y];
    const side = sideOf(this.a, this.b, point);
    if (side === 0) return this.ledger.observe(trackId, frame.timestamp);
    const sighting = { point, side, frameIndex: frame.frameIndex, timestamp: frame.timestamp, facing };
    const last = this.lastSightings.get(trackId);
    this.lastSightings.set(trackId, sighting);
    if (!last) {
      this.startedAt.set(trackId, frame.timestamp);
      this.firstSightings.set(trackId, {
        ...sighting, interval: frame.interval || 0, since: frame.startTimestamp ?? null, runs: frame.runs || [], size: [width, height],
      });
      return this.ledger.observe(trackId, frame.timestamp);
    }
    const events = [];
    const first = this.firstSightings.get(trackId);
    if (first && !first.waited && sighting.side === first.side && showsNoWalk(first, sighting, height)) {
      // Two sightings within the foot point's wobble: the third tells a slow walker from someone standing.
      first.waited = true;
    } else if (first) {
      this.firstSightings.delete(trackId);
      const entry = entryCrossing(this, first, sighting, { height, lookbackSeconds: this.entryLookbackSeconds });
      if (entry) events.push(...this.#cross(trackId, entry.point, -first.side, first.side, entry.frame, true, first.timestamp));
    }
    if (movementCrossesSegment(this.a, this.b, last.point, point)) {
      const { point: at, frame: when } = crossingFrame(this.a, this.b, last, sighting);
      if (this.#countedInGap(trackId, at, side, last, frame, height)) events.push(...this.ledger.observe(trackId, frame.timestamp));
      else events.push(...this.#cross(trackId, at, -side, side, when, false, frame.timestamp));
    } else {
      events.push(...this.ledger.observe(trackId, frame.timestamp));
    }
    return events;
  }

  /**
   * A track found again across a gap (not seen at the previous detector run) whose movement
   * crossed the line: was the person already counted, during the gap, by another track that
   * crossed to the same side close by, started after this track's last sighting and is not seen
   * now? Then the tracker had lost the
   * person, followed them over the line as a new track, and has now handed them back to the
   * old one: the crossing was counted once already.
   */
  #countedInGap(trackId, point, toSide, last, frame, height) {
    const interval = frame.interval || 0;
    if (interval < GAP_MIN_INTERVAL || !frame.present) return false;
    if (!(frame.timestamp - last.timestamp > interval + 1e-6)) return false;
    const reach = height > 0 ? GUARD_HEIGHTS * height : Infinity;
    return this.recentCrossings.some((other) => other.trackId !== trackId && other.toSide === toSide
      && other.startedAt > last.timestamp && other.timestamp <= frame.timestamp
      && !frame.present.has(other.trackId) && distance(other.point, point) <= reach);
  }

  #cross(trackId, point, fromSide, toSide, frame, inferred, seenAt) {
    this.recentCrossings = this.recentCrossings.filter((crossing) => frame.timestamp - crossing.timestamp <= RECENT_SECONDS);
    this.recentCrossings.push({ trackId, point, toSide, timestamp: frame.timestamp, startedAt: this.startedAt.get(trackId) });
    const events = this.ledger.crossing(trackId, fromSide, toSide, frame, seenAt);
    if (inferred) events[0].inferred = true;
    return events;
  }

  /** The track ended; returns events. */
  finish(trackId) {
    this.lastSightings.delete(trackId);
    this.firstSightings.delete(trackId);
    this.startedAt.delete(trackId);
    return this.ledger.finish(trackId);
  }
}
