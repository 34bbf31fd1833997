/**
 * A counting band: two boundaries parallel to the directed segment A->B at +-width/2. A
 * track is counted when it goes from beyond one boundary to beyond the other, passing
 * through the band across the segment A-B; lingering in the band, or walking back out the
 * way it came, counts nothing. Direction as for a line: "in" towards (B-A)x(P-A) > 0.
 */
import { requireNumber } from '../geometry/options.js';
import { bandEdges, bandSide, movementCrossesSegment, sideOf } from '../geometry/segments.js';
import { CrossingCounter } from './crossing_counter.js';

export const BAND_DEFAULTS = Object.freeze({
  id: undefined, a: undefined, b: undefined, width: undefined, flipped: false,
  /** the band's boundaries are the hysteresis already; 1 = final as soon as beyond */
  confirmFrames: 1,
  /** length of one of confirmFrames in seconds: a crossing is also final after that time on the new side (see CrossingLedger) */
  frameSeconds: 1 / 25,
  name: '',
});

export class BandCounter extends CrossingCounter {
  constructor(options) {
    super('BandCounter', 'band', BAND_DEFAULTS, options);
    this.width = requireNumber(this.owner, 'width', this.options.width, { min: 0 });
    if (this.width <= 0) throw new RangeError(`${this.owner}: width must be greater than 0`);
    this.reset();
  }

  reset() {
    this.tracks = new Map();
    this.ledger.reset();
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
    if (beyond === 0) return this.ledger.observe(trackId, frame.timestamp);
    const from = state.beyondSide;
    const passedThrough = from !== 0 && beyond !== from && state.crossedTo === beyond;
    state.beyondSide = beyond;
    state.crossedTo = 0;
    if (passedThrough) return this.ledger.crossing(trackId, from, beyond, frame);
    return this.ledger.observe(trackId, frame.timestamp);
  }

  finish(trackId) {
    this.tracks.delete(trackId);
    return this.ledger.finish(trackId);
  }
}
