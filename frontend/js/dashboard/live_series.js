// Pure: the live dashboard's numbers. Occupancy per zone over time (a rolling window), and
// line in/out per interval summed over lines and bands, from the engine's cumulative counts.
export class LiveSeries {
  constructor({ windowSeconds = 300, intervalSeconds = 10 } = {}) {
    this.windowSeconds = windowSeconds;
    this.intervalSeconds = intervalSeconds;
    this.occupancy = new Map(); // key -> [{ t, value }]
    this.intervals = [];        // [{ start, entries, exits }]
    this.previousTotals = new Map();
    this.lastSampleAt = null;
  }

  /**
   * Feed the engine snapshot at stream time t (seconds); samples every ~0.5 s. final: the
   * run's last counts (the engine's flush), always taken, so the charts end where the totals do.
   */
  observe(result, t, { final = false } = {}) {
    if (!final && this.lastSampleAt !== null && t - this.lastSampleAt < 0.5) return false;
    this.lastSampleAt = t;
    for (const [key, counts] of Object.entries(result.zones || {})) this.push(key, t, counts.occupancy);
    let entries = 0;
    let exits = 0;
    const add = (key, inbound, outbound) => {
      const before = this.previousTotals.get(key) || [0, 0];
      entries += Math.max(0, inbound - before[0]);
      exits += Math.max(0, outbound - before[1]);
      this.previousTotals.set(key, [Math.max(before[0], inbound), Math.max(before[1], outbound)]);
    };
    for (const [key, counts] of Object.entries(result.lines || {})) add(key, counts.in, counts.out);
    const start = Math.floor(t / this.intervalSeconds) * this.intervalSeconds;
    let bucket = this.intervals.at(-1);
    if (!bucket || bucket.start !== start) {
      bucket = { start, entries: 0, exits: 0 };
      this.intervals.push(bucket);
    }
    bucket.entries += entries;
    bucket.exits += exits;
    const keep = Math.ceil(this.windowSeconds / this.intervalSeconds);
    if (this.intervals.length > keep) this.intervals.splice(0, this.intervals.length - keep);
    return true;
  }

  push(key, t, value) {
    const points = this.occupancy.get(key) || [];
    points.push({ t, value });
    while (points.length && points[0].t < t - this.windowSeconds) points.shift();
    this.occupancy.set(key, points);
  }

  reset() {
    this.occupancy.clear();
    this.intervals = [];
    this.previousTotals.clear();
    this.lastSampleAt = null;
  }
}
