// Pure: elapsed time, remaining time and speed of whole-video processing, from the fraction
// done and the frames counted at wall-clock times (seconds). No reading before there is
// something to measure: speed and the time left appear after MIN_SECONDS and MIN_FRAMES.
const MIN_SECONDS = 2;
const MIN_FRAMES = 3;

export class ProgressEstimate {
  constructor() { this.reset(); }

  reset() {
    this.startedAt = null;
    this.latest = null;
  }

  /** fraction: 0..1 of the video done; frames: frames counted so far; now: seconds. */
  observe({ fraction, frames, now }) {
    if (this.startedAt === null) this.startedAt = now;
    this.latest = { fraction: Math.min(1, Math.max(0, fraction)), frames, now };
  }

  /** { fraction, elapsedSeconds, remainingSeconds|null, framesPerSecond|null } */
  get reading() {
    if (!this.latest) return { fraction: 0, elapsedSeconds: 0, remainingSeconds: null, framesPerSecond: null };
    const { fraction, frames, now } = this.latest;
    const elapsedSeconds = now - this.startedAt;
    const measured = elapsedSeconds >= MIN_SECONDS && frames >= MIN_FRAMES && fraction > 0;
    return {
      fraction, elapsedSeconds,
      framesPerSecond: measured ? frames / elapsedSeconds : null,
      remainingSeconds: measured ? (elapsedSeconds * (1 - fraction)) / fraction : null,
    };
  }
}

/** "1:05", "1:02:03". */
export function clockText(seconds) {
  const whole = Math.max(0, Math.round(seconds));
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = String(whole % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** The line under the progress bar: "42 % · 1:05 elapsed · about 1:30 left · 6.2 frames/s". */
export function progressText(reading) {
  const parts = [`${Math.floor(reading.fraction * 100)} %`, `${clockText(reading.elapsedSeconds)} elapsed`];
  if (reading.remainingSeconds === null) parts.push('estimating the time left…');
  else parts.push(`about ${clockText(reading.remainingSeconds)} left`, `${reading.framesPerSecond.toFixed(1)} frames/s`);
  return parts.join(' · ');
}

/** The detector line's speed: nothing until it has been measured (never "0.0 frames/s"). */
export function speedText(framesPerSecond) {
  return framesPerSecond > 0 ? `${framesPerSecond.toFixed(1)} frames/s` : 'measuring speed…';
}
