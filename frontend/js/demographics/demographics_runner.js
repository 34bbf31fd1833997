// The monitor's demographics while counting (I/O shell around the pure TrackDemographics):
// after each frame the detector saw, the planned crops are cut from the full-resolution
// grabbed frame and handed to the face worker; answers come back asynchronously, so the
// live pipeline never waits for a face. The FramePipeline knows nothing of this: the
// controller calls observe() only when the source's switch is on.
//
// Duty cycle: the face worker shares the CPU with the person detector, so after each face
// (d ms) no new crop is sent for d * (1 / maxBusyShare - 1) ms: the face work takes at most
// maxBusyShare of one core's time (tools/bench_demographics.py measures what that costs the
// live frames/s).
import { TrackDemographics } from './track_demographics.js';

export const DEFAULT_MAX_BUSY_SHARE = 0.3;

export class DemographicsRunner {
  /**
   * @param {{ client: { estimate: (bitmap) => Promise<object|null>, close: () => void },
   *   tracks?: TrackDemographics, onError?: (error) => void, createBitmap?: Function,
   *   maxBusyShare?: number, clock?: () => number }} options  clock: milliseconds
   */
  constructor({ client, tracks = new TrackDemographics(), onError = () => {}, createBitmap = (...args) => createImageBitmap(...args), maxBusyShare = DEFAULT_MAX_BUSY_SHARE, clock = () => performance.now() }) {
    if (!(maxBusyShare > 0 && maxBusyShare <= 1)) throw new RangeError('DemographicsRunner: maxBusyShare must be in (0, 1]');
    this.client = client;
    this.maxBusyShare = maxBusyShare;
    this.clock = clock;
    this.resumeAt = -Infinity;
    this.tracks = tracks;
    this.onError = onError;
    this.createBitmap = createBitmap;
    this.failures = 0;
    this.tried = 0;
    this.found = 0;
    this.closed = false;
  }

  /** One counted frame (FrameResult) and the picture it came from (canvas of frame pixels). */
  observe(output, picture) {
    if (this.closed || !recentEnough(output) || this.clock() < this.resumeAt) return;
    const plans = this.tracks.plan(output.tracked, { timestamp: output.timestamp, width: picture.width, height: picture.height });
    for (const { trackId, rect } of plans) {
      this.tried += 1;
      const started = this.clock();
      // The bitmap is the picture as it is now (this frame), taken before the next grab.
      this.createBitmap(picture, rect.x, rect.y, rect.width, rect.height)
        .then((bitmap) => this.client.estimate(bitmap))
        .then((face) => { if (face) this.found += 1; this.tracks.record(trackId, face); }, (error) => this.#failed(trackId, error))
        .finally(() => this.#rest(this.clock() - started));
    }
  }

  /** The track's estimate now ({ gender, genderConfidence, ageBand, ... }). */
  estimateOf(trackId) {
    return this.tracks.estimate(trackId);
  }

  /** Is a first face of the track still being looked for (the tally waits for it)? */
  awaitingOf(trackId) {
    return !this.closed && this.tracks.awaiting(trackId);
  }

  close() {
    this.closed = true;
    this.client.close();
  }

  #rest(busyMs) {
    this.resumeAt = Math.max(this.resumeAt, this.clock() + busyMs * (1 / this.maxBusyShare - 1));
  }

  #failed(trackId, error) {
    this.tracks.fail(trackId);
    this.failures += 1;
    // One message, not one per frame: after the first failure the switch stays on but the
    // status says why estimates are missing.
    if (this.failures === 1 && !this.closed) this.onError(error);
  }
}

/** Seconds a frame the detector skipped may lie after its run for its people to be sampled. */
export const MAX_PREDICTION_SECONDS = 0.25;

/**
 * Whether a frame's boxes fit its picture well enough to crop faces from: a frame the detector
 * saw, or (with the detector cadence, where live runs finish beside later frames) a skipped
 * frame whose boxes the tracker predicted less than MAX_PREDICTION_SECONDS after the run.
 */
export function recentEnough(output) {
  if (output.detected !== false) return true;
  return Number.isFinite(output.detectedAt) && output.timestamp - output.detectedAt <= MAX_PREDICTION_SECONDS;
}
