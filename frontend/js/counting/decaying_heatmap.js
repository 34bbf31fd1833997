// Pure: fading heatmaps on top of Heatmap / FloorHeatmap (heatmap.js).
// Exponential decay without touching every cell each frame: a point added at time t gets
// weight e^(rate*t) and the picture is read scaled by e^(-rate*now). When the weights grow
// large the grid is rebased into a fresh accumulator (rare, once per ~10/rate seconds).
const REBASE_EXPONENT = 10;

export class DecayingHeatmap {
  /** @param {{ create: () => Heatmap|FloorHeatmap, decayPerSecond?: number }} options */
  constructor({ create, decayPerSecond = 0 }) {
    if (typeof create !== 'function') throw new Error('DecayingHeatmap needs a create() for its accumulator.');
    this.create = create;
    this.decayPerSecond = decayPerSecond;
    this.accumulator = create();
    this.baseTime = 0;
    this.now = 0;
  }

  setDecay(decayPerSecond) {
    this.rebase(this.now);
    this.decayPerSecond = Math.max(0, decayPerSecond);
  }

  /** Add foot points (image pixels, Float32Array x,y pairs) seen at `timestamp` seconds. */
  addPoints(feet, timestamp) {
    this.now = timestamp;
    if (this.decayPerSecond * (timestamp - this.baseTime) > REBASE_EXPONENT) this.rebase(timestamp);
    const weight = Math.exp(this.decayPerSecond * (timestamp - this.baseTime));
    for (let i = 0; i + 1 < feet.length; i += 2) this.accumulator.add(feet[i], feet[i + 1], weight);
  }

  /** Grid values as they look now (decayed), with their max. */
  snapshot() {
    const raw = this.accumulator.snapshot();
    const scale = Math.exp(-this.decayPerSecond * (this.now - this.baseTime));
    const values = raw.values.map((value) => value * scale);
    return { ...raw, values, max: raw.max * scale, total: raw.total * scale };
  }

  reset() {
    this.accumulator = this.create();
    this.baseTime = this.now;
  }

  rebase(timestamp) {
    const current = this.snapshot();
    const fresh = this.create();
    this.baseTime = timestamp;
    this.now = timestamp;
    // Copy the decayed values cell by cell into the fresh grid (cell centres in grid units).
    for (let row = 0; row < current.rows; row += 1) {
      for (let column = 0; column < current.columns; column += 1) {
        const value = current.values[row * current.columns + column];
        if (value > 1e-6) fresh.addAt((column + 0.5) * current.cellSize, (row + 0.5) * current.cellSize, value);
      }
    }
    this.accumulator = fresh;
  }
}
