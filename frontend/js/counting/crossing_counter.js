/**
 * What lines and bands share: their validated options (id, the directed segment A->B,
 * flipped, confirmFrames, frameSeconds, name) and a CrossingLedger that turns crossings into once-per-person
 * counts. Subclasses decide when a track has crossed.
 */
import { resolveOptions, requireBoolean, requireId, requireNumber, requirePoint } from '../geometry/options.js';
import { distance } from '../geometry/points.js';
import { CrossingLedger } from './crossing_ledger.js';

export function requireSegment(owner, options) {
  const a = requirePoint(owner, 'a', options.a);
  const b = requirePoint(owner, 'b', options.b);
  if (distance(a, b) < 1e-6) throw new RangeError(`${owner}: zero-length line (a and b are the same point)`);
  return { a, b };
}

export class CrossingCounter {
  /**
   * @param {string} className  e.g. "LineCounter" (for error messages)
   * @param {string} kind       "line" | "band"
   * @param {object} defaults   every accepted option with its default
   * @param {object} options
   */
  constructor(className, kind, defaults, options) {
    const resolved = resolveOptions(className, defaults, options);
    this.id = requireId(className, resolved.id);
    this.owner = `${className} ${this.id}`;
    ({ a: this.a, b: this.b } = requireSegment(this.owner, resolved));
    this.flipped = requireBoolean(this.owner, 'flipped', resolved.flipped);
    this.confirmFrames = requireNumber(this.owner, 'confirmFrames', resolved.confirmFrames, { min: 1, integer: true });
    this.frameSeconds = requireNumber(this.owner, 'frameSeconds', resolved.frameSeconds, { min: 1e-4, max: 10 });
    this.name = String(resolved.name);
    this.kind = kind;
    this.options = resolved;
    this.ledger = new CrossingLedger({
      counterId: this.id, confirmFrames: this.confirmFrames, flipped: this.flipped, frameSeconds: this.frameSeconds,
    });
  }

  /** The track may now be another person: its count so far stands, what follows counts anew (see CrossingLedger.restart). */
  restart(trackId) {
    return this.ledger.restart(trackId);
  }

  get counts() {
    return { ...this.ledger.counts };
  }
}
