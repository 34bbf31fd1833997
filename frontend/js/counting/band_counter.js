/**
 * A counting band: two boundaries parallel to the directed segment A->B at +-width/2. A
 * track is counted when it goes from beyond one boundary to beyond the other, passing
 * through the band across the segment A-B; lingering in the band, or walking back out the
 * way it came, counts nothing. Direction as for a line: "in" towards (B-A)x(P-A) > 0.
 */
import { resolveOptions, requireBoolean, requireId, requireNumber } from '../geometry/options.js';
import { crossSign, distance, movementCrossesSegment, sideOf } from '../geometry/segments.js';
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
    this.length = distance(this.a, this.b);
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

  /** The two boundary segments, for drawing: [[a, b] negative side, [a, b] positive side]. */
  get boundaries() {
    const nx = -(this.b[1] - this.a[1]) / this.length;
    const ny = (this.b[0] - this.a[0]) / this.length;
    const h = this.width / 2;
    const shift = (p, s) => [p[0] + s * nx * h, p[1] + s * ny * h];
    // (B-A)x(P-A) > 0 for P = A + n, so +n is the positive side.
    return [[shift(this.a, -1), shift(this.b, -1)], [shift(this.a, 1), shift(this.b, 1)]];
  }

  /** -1 / 1 beyond the negative / positive boundary, 0 inside the band's strip. */
  #beyond(point) {
    const signedDistance = crossSign(this.a, this.b, point) / this.length;
    if (signedDistance > this.width / 2) return 1;
    if (signedDistance < -this.width / 2) return -1;
    return 0;
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
    const beyond = this.#beyond(point);
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
