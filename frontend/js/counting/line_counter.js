/**
 * A directed counting line: the segment A->B. "in" is a foot point moving from the side
 * where (B-A)x(P-A) < 0 to the side where it is > 0 (image coordinates); `flipped` swaps in
 * and out. Only movements through the segment itself count, not the infinite line.
 */
import { resolveOptions, requireBoolean, requireId, requireNumber, requirePoint } from '../geometry/options.js';
import { distance } from '../geometry/points.js';
import { movementCrossesSegment, sideOf } from '../geometry/segments.js';
import { CrossingLedger } from './crossing_ledger.js';

export const LINE_DEFAULTS = Object.freeze({
  id: undefined, a: undefined, b: undefined, flipped: false,
  /** observations on the new side (the crossing frame included) before a crossing is final */
  confirmFrames: 5,
  name: '',
});

export function requireSegment(owner, options) {
  const a = requirePoint(owner, 'a', options.a);
  const b = requirePoint(owner, 'b', options.b);
  if (distance(a, b) < 1e-6) throw new RangeError(`${owner}: zero-length line (a and b are the same point)`);
  return { a, b };
}

export class LineCounter {
  constructor(options) {
    const resolved = resolveOptions('LineCounter', LINE_DEFAULTS, options);
    this.id = requireId('LineCounter', resolved.id);
    const owner = `LineCounter ${this.id}`;
    ({ a: this.a, b: this.b } = requireSegment(owner, resolved));
    this.flipped = requireBoolean(owner, 'flipped', resolved.flipped);
    this.confirmFrames = requireNumber(owner, 'confirmFrames', resolved.confirmFrames, { min: 1, integer: true });
    this.name = String(resolved.name);
    this.kind = 'line';
    this.ledger = new CrossingLedger({ counterId: this.id, confirmFrames: this.confirmFrames, flipped: this.flipped });
    this.reset();
  }

  reset() {
    this.lastPoints = new Map();
    this.ledger.reset();
  }

  get counts() {
    return { ...this.ledger.counts };
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
