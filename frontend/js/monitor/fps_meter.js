// Pure: frames per second over a sliding window of frame completion times (milliseconds).
export class FpsMeter {
  constructor({ windowMs = 2000 } = {}) {
    this.windowMs = windowMs;
    this.times = [];
  }

  tick(nowMs) {
    this.times.push(nowMs);
    while (this.times.length > 2 && this.times[0] < nowMs - this.windowMs) this.times.shift();
  }

  get fps() {
    if (this.times.length < 2) return 0;
    const span = this.times.at(-1) - this.times[0];
    return span > 0 ? ((this.times.length - 1) * 1000) / span : 0;
  }

  reset() { this.times = []; }
}
