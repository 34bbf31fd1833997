/**
 * A directed counting line: the segment A->B. "in" is a foot point moving from the side
 * where (B-A)x(P-A) < 0 to the side where it is > 0 (image coordinates); `flipped` swaps in
 * and out. Only movements through the segment itself count, not the infinite line.
 */
import { movementCrossesSegment, sideOf } from '../geometry/segments.js';
import { CrossingCounter } from './crossing_counter.js';

export const LINE_DEFAULTS = Object.freeze({
  id: undefined, a: undefined, b: undefined, flipped: false,
  /** observations on the new side (the crossing frame included) before a crossing is final */
  confirmFrames: 5,
  name: '',
});

export class LineCounter extends CrossingCounter {
  constructor(options) {
    super('LineCounter', 'line', LINE_DEFAULTS, options);
    this.reset();
  }

  reset() {
    this.lastPoints = new Map();
    this.ledger.reset();
  }

  /** A track's foot point this frame; returns events (cross_raw, in, out). */
  observe(trackId, x, y, frame) {
    const point = [x, y];
    const side = sideOf(this.a, this.b, point);
    const last = this.lastPoints.get(trackId);
    if (side !== 0) this.lastPoints.set(trackId, point);
    if (last && side !== 0 && movementCrossesSegment(this.a, this.b, last, point)) {
      return this.ledger.crossing(trackId, -side, side, frame);
    }
    return this.ledger.observe(trackId);
  }

  /** The track ended; returns events. */
  finish(trackId) {
    this.lastPoints.delete(trackId);
    return this.ledger.finish(trackId);
  }
}
