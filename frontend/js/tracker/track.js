/** One tracked person: Kalman state plus the bookkeeping ByteTrack needs. */
import { blendEmbedding } from './appearance.js';
import { boxToMeasurement, meanToBox } from './kalman.js';

export const TrackState = Object.freeze({ TRACKED: 'tracked', LOST: 'lost', REMOVED: 'removed' });

export class Track {
  /**
   * A candidate made from detection `detectionIndex` (box [x1, y1, x2, y2], score).
   * It has no id and no Kalman state until activate().
   */
  constructor(box, score, detectionIndex, embedding = null, facing = 0) {
    this.embedding = embedding ? Float32Array.from(embedding) : null;
    /** which way the person faces across the picture (+1 right, -1 left, 0 not known; see facing.js): the latest known */
    this.facing = facing;
    this.detectionBox = box;
    this.score = score;
    this.detectionIndex = detectionIndex;
    this.trackId = 0;
    this.state = TrackState.TRACKED;
    this.isActivated = false;
    this.mean = null;
    this.covariance = null;
    this.trackletLength = 0;
    this.startFrame = 0;
    this.lastFrame = 0;
    /** times (s) of the first and the latest detection of the track */
    this.startTimestamp = 0;
    this.lastTimestamp = 0;
    /** looks that missed the track since it was last seen (see ByteTracker's observed regions) */
    this.missedLooks = 0;
    /** seconds since the last detection during which the detector did not look at the track (observed.js) */
    this.unlookedSeconds = 0;
  }

  /** Current box [x1, y1, x2, y2]: the Kalman estimate once activated, else the detection. */
  get box() {
    return this.mean ? meanToBox(this.mean) : this.detectionBox;
  }

  /** Start a new track with a fresh id (confirmed at once only on the tracker's first frame). */
  activate(filter, trackId, frame, timestamp) {
    this.trackId = trackId;
    ({ mean: this.mean, covariance: this.covariance } = filter.initiate(boxToMeasurement(...this.detectionBox)));
    this.trackletLength = 0;
    this.state = TrackState.TRACKED;
    this.isActivated = frame === 1;
    this.startFrame = frame;
    this.lastFrame = frame;
    this.startTimestamp = timestamp;
    this.lastTimestamp = timestamp;
    this.unlookedSeconds = 0;
  }

  /**
   * Kalman prediction `seconds` ahead; a track not currently tracked, or not seen at the last
   * update (`previousFrame`: the detector did not look there, see observed.js), keeps its height still.
   */
  predict(filter, seconds, previousFrame = null) {
    const mean = Float64Array.from(this.mean);
    if (this.state !== TrackState.TRACKED || (previousFrame !== null && this.lastFrame < previousFrame)) mean[7] = 0;
    ({ mean: this.mean, covariance: this.covariance } = filter.predict(mean, this.covariance, seconds));
  }

  /** Correct with a matched detection (a tracked track, or a lost one found again). */
  update(filter, detection, frame, timestamp, embeddingKeep = 0.9) {
    this.embedding = blendEmbedding(this.embedding, detection.embedding, embeddingKeep);
    if (detection.facing) this.facing = detection.facing;
    const wasLost = this.state !== TrackState.TRACKED;
    ({ mean: this.mean, covariance: this.covariance } = filter.update(
      this.mean, this.covariance, boxToMeasurement(...detection.detectionBox)));
    this.trackletLength = wasLost ? 0 : this.trackletLength + 1;
    this.state = TrackState.TRACKED;
    this.isActivated = true;
    this.lastFrame = frame;
    this.lastTimestamp = timestamp;
    this.unlookedSeconds = 0;
    this.score = detection.score;
    this.detectionBox = detection.detectionBox;
    this.detectionIndex = detection.detectionIndex;
  }

  markLost() {
    this.state = TrackState.LOST;
  }

  markRemoved() {
    this.state = TrackState.REMOVED;
  }
}
