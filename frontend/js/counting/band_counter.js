/**
 * A counting band: two boundaries parallel to the directed segment A->B at +-width/2. A
 * track is counted when it goes from beyond one boundary to beyond the other, passing
 * through the band across the segment A-B; lingering in the band, or walking back out the
 * way it came, counts nothing. Direction as for a line: "in" towards (B-A)x(P-A) > 0.
 */
import { resolveOptions, requireBoolean, requireId, requireNumber } from '../geometry/options.js';
import { bandEdges, bandSide, movementCrossesSegment, sideOf } from '../geometry/segments.js';
import { CrossingLedger } from './crossing_ledger.js';
import { requireSegment } from './line_counter.js';

export const BAND_DEFAULTS = Object.freeze({
  id: undefined, a: undefined, b: undefined, width: undefined, flipped: false,
  /** the band's boundaries are the hysteresis already; 1 = final as soon as beyond */
  confirmFrames: 1,
  name: '',
});

export class BandCounter {
  constructor(options) {
    const resolved = resolveOptions('BandCounter', BAND_DEFAULTS, options);
    this.id = requireId('BandCounter', resolved.id);
    const owner = `BandCounter ${this.id}`;
    ({ a: this.a, b: this.b } = requireSegment(owner, resolved));
    this.width = requireNumber(owner, 'width', resolved.width, { min: 0 });
    if (this.width <= 0) throw new RangeError(`${owner}: width must be greater than 0`);
    this.flipped = requireBoolean(owner, 'flipped', resolved.flipped);
    this.confirmFrames = requireNumber(owner, 'confirmFrames', resolved.confirmFrames, { min: 1, integer: true });
    this.name = String(resolved.name);
    this.kind = 'band';
    this.ledger = new CrossingLedger({ counterId: this.id, confirmFrames: this.confirmFrames, flipped: this.flipped });
    this.reset();
  }

  reset() {
    this.tracks = new Map();
    this.ledger.reset();
  }

  get counts() {
    return { ...this.ledger.counts };
  }

  /** The two edges, as the overlay draws them: [[a, b] negative side, [a, b] positive side]. */
  get boundaries() {
    return bandEdges(this.a, this.b, this.width);
  }

  observe(trackId, x, y, frame) {
    const point = [x, y];
    let state = this.tracks.get(trackId);
    if (!state) {
      state = { lastPoint: null, beyondSide: 0, crossedTo: 0 };
      this.tracks.set(trackId, state);
    }
    if (state.lastPoint && sideOf(this.a, this.b, point) !== 0
      && movementCrossesSegment(this.a, this.b, state.lastPoint, point)) {
      state.crossedTo = sideOf(this.a, this.b, point);
    }
    if (sideOf(this.a, this.b, point) !== 0) state.lastPoint = point;
    const beyond = bandSide(this.a, this.b, this.width, point);
    if (beyond === 0) return this.ledger.observe(trackId);
    const from = state.beyondSide;
    const passedThrough = from !== 0 && beyond !== from && state.crossedTo === beyond;
    state.beyondSide = beyond;
    state.crossedTo = 0;
    if (passedThrough) return this.ledger.crossing(trackId, from, beyond, frame);
    return this.ledger.observe(trackId);
  }

  finish(trackId) {
    this.tracks.delete(trackId);
    return this.ledger.finish(trackId);
  }
}
