/**
 * ByteTrack (Zhang et al., 2022) in plain JavaScript: Kalman prediction, association of
 * high-score detections first, then of low-score ones to the remaining tracked tracks,
 * unconfirmed tracks that need a second hit, and a buffer of lost tracks that can be found
 * again. Pure: frame index and timestamp are passed in; each instance owns its id counter.
 */
import { resolveOptions, requireNumber, requireBoolean } from '../geometry/options.js';
import { linearAssignment } from './assignment.js';
import { addAppearance, fuseScore, iouDistance, similarityMatrix } from './association.js';
import { KalmanBoxFilter } from './kalman.js';
import { Track, TrackState } from './track.js';
import { trackableRows } from './detections.js';
import { createDetections } from '../core/detections.js';
import { recoveryCostMatrix } from './recovery.js';

export const BYTE_TRACKER_DEFAULTS = Object.freeze({
  /** detections at or above this score take part in the first association */
  highThreshold: 0.25,
  /** detections above this (and below highThreshold) take part in the second association */
  lowThreshold: 0.1,
  /** an unmatched high-score detection starts a new track only at or above this score */
  newTrackThreshold: 0.25,
  /** frames a lost track is kept for re-identification */
  trackBuffer: 30,
  /** first association: maximum cost (1 - IoU, fused with score) */
  matchThreshold: 0.8,
  /** second association (low-score detections): maximum 1 - IoU */
  lowMatchThreshold: 0.5,
  /** unconfirmed tracks against leftover detections: maximum cost */
  unconfirmedMatchThreshold: 0.7,
  /** multiply IoU by the detection score in the first association */
  fuseScore: true,
  /** tracked and lost tracks closer than this (1 - IoU) are duplicates; the younger goes */
  duplicateDistance: 0.15,
  /**
   * a confirmed track lost for at most this many frames (a person hidden behind another) is
   * still reported, with its Kalman-predicted box and `predicted` = 1; 0 reports only tracks
   * matched this frame
   */
  coastFrames: 10,
  /** a lost track coasts only while this share of its predicted box is covered by someone seen */
  coastOverlap: 0.3,
  /**
   * lost tracks left unmatched by IoU may take a leftover high-score detection whose centre is
   * within this many track heights (the gate widens by one height per 25 frames lost; see
   * recovery.js); 0 disables
   */
  recoveryDistance: 0.5,
  /** only tracks lost for at most this many frames are recovered by position */
  recoveryMaxFrames: 10,
  /** recovery also needs at least this appearance similarity (needs detections.embeddings) */
  recoveryMinSimilarity: 0.9,
  /** weight of appearance dissimilarity added to the IoU cost (needs detections.embeddings) */
  appearanceWeight: 0.3,
  /** share of a track's appearance signature kept at each update */
  appearanceKeep: 0.9,
});

export class ByteTracker {
  constructor(options = {}) {
    const resolved = resolveOptions('ByteTracker', BYTE_TRACKER_DEFAULTS, options);
    for (const key of ['highThreshold', 'lowThreshold', 'newTrackThreshold', 'matchThreshold',
      'lowMatchThreshold', 'unconfirmedMatchThreshold', 'duplicateDistance', 'recoveryMinSimilarity',
      'appearanceWeight', 'appearanceKeep', 'coastOverlap']) {
      requireNumber('ByteTracker', key, resolved[key], { min: 0, max: 1 });
    }
    requireNumber('ByteTracker', 'trackBuffer', resolved.trackBuffer, { min: 0, integer: true });
    requireNumber('ByteTracker', 'recoveryDistance', resolved.recoveryDistance, { min: 0 });
    requireNumber('ByteTracker', 'recoveryMaxFrames', resolved.recoveryMaxFrames, { min: 0, integer: true });
    requireNumber('ByteTracker', 'coastFrames', resolved.coastFrames, { min: 0, integer: true });
    requireBoolean('ByteTracker', 'fuseScore', resolved.fuseScore);
    if (resolved.lowThreshold > resolved.highThreshold) {
      throw new RangeError('ByteTracker: lowThreshold must not exceed highThreshold');
    }
    this.options = Object.freeze(resolved);
    this.filter = new KalmanBoxFilter();
    this.reset();
  }

  /** Forget every track and restart ids at 1. */
  reset() {
    this.trackedTracks = [];
    this.lostTracks = [];
    this.frameCount = 0;
    this.nextTrackId = 1;
    this.lastFrameIndex = null;
    this.lastTimestamp = null;
  }

  /** Tracks currently tracked or lost (for overlays and debugging). */
  get activeTracks() {
    return [...this.trackedTracks, ...this.lostTracks];
  }

  /**
   * @param {object} detections  Detections (see the contract)
   * @param {{frameIndex: number, timestamp: number, width?: number, height?: number}} frame
   *   width/height (of the frame, optional): predicted boxes whose centre leaves it are not reported
   * @returns Detections of the confirmed tracks matched this frame (and of the coasting ones,
   *   see coastFrames), with trackIds, detectionIndices (-1 when predicted) and predicted flags
   */
  update(detections, { frameIndex, timestamp, width = Infinity, height = Infinity } = {}) {
    requireNumber('ByteTracker.update', 'frameIndex', frameIndex, { integer: true });
    requireNumber('ByteTracker.update', 'timestamp', timestamp);
    this.frameCount += 1;
    this.lastFrameIndex = frameIndex;
    this.lastTimestamp = timestamp;
    const step = { frame: this.frameCount, width, height, matched: [], newlyLost: [] };
    const { high, low } = this.#split(detections);
    const unconfirmed = this.trackedTracks.filter((track) => !track.isActivated);
    const pool = [...this.trackedTracks.filter((track) => track.isActivated), ...this.lostTracks];
    for (const track of pool) track.predict(this.filter);

    const { unmatchedPool, highLeft } = this.#associateHigh(step, pool, high);
    const leftovers = unmatchedPool.filter((track) => track.state === TrackState.TRACKED);
    const unplaced = this.#recoverLost(step, unmatchedPool, highLeft);
    this.#associateLow(step, leftovers, low);
    const unclaimed = this.#associateUnconfirmed(step, unconfirmed, unplaced);
    this.#startTracks(step, unclaimed);
    this.#dropStale(step.frame);
    this.#mergePools(step.matched, step.newlyLost);
    return this.#output(detections, step.frame, { width, height });
  }

  #apply(step, track, detection) {
    track.update(this.filter, detection, step.frame, this.options.appearanceKeep);
    step.matched.push(track);
  }

  /** 1. Confirmed and lost tracks against high-score detections (IoU fused with score, plus appearance). */
  #associateHigh(step, pool, high) {
    const { matchThreshold, appearanceWeight } = this.options;
    let cost = iouDistance(pool, high);
    if (this.options.fuseScore) cost = fuseScore(cost, pool.length, high);
    if (appearanceWeight > 0) cost = addAppearance(cost, similarityMatrix(pool, high), matchThreshold, appearanceWeight);
    const result = linearAssignment(cost, pool.length, high.length, matchThreshold + appearanceWeight);
    for (const [t, d] of result.matches) this.#apply(step, pool[t], high[d]);
    return { unmatchedPool: result.unmatchedRows.map((t) => pool[t]), highLeft: result.unmatchedColumns.map((d) => high[d]) };
  }

  /** 1b. Recently lost tracks against the high-score detections IoU could not place, by position and looks. */
  #recoverLost(step, unmatchedPool, candidates) {
    const { recoveryDistance, recoveryMaxFrames, recoveryMinSimilarity } = this.options;
    if (recoveryDistance === 0) return candidates;
    // A track last seen touching the frame's edge has most likely left the view.
    const lost = unmatchedPool.filter((track) => track.state === TrackState.LOST
      && step.frame - track.lastFrame <= recoveryMaxFrames
      && !touchesEdge(track.detectionBox, step.width, step.height));
    const cost = recoveryCostMatrix(lost, candidates, step.frame, similarityMatrix(lost, candidates),
      recoveryMinSimilarity, recoveryDistance);
    const result = linearAssignment(cost, lost.length, candidates.length, recoveryDistance + 1);
    for (const [t, d] of result.matches) this.#apply(step, lost[t], candidates[d]);
    return result.unmatchedColumns.map((d) => candidates[d]);
  }

  /** 2. Tracked tracks still unmatched against low-score detections (IoU only); the rest are lost. */
  #associateLow(step, leftovers, low) {
    const result = linearAssignment(iouDistance(leftovers, low), leftovers.length, low.length,
      this.options.lowMatchThreshold);
    for (const [t, d] of result.matches) this.#apply(step, leftovers[t], low[d]);
    for (const t of result.unmatchedRows) {
      leftovers[t].markLost();
      step.newlyLost.push(leftovers[t]);
    }
  }

  /** 3. Unconfirmed tracks against the high-score detections nobody took; unmatched ones go. */
  #associateUnconfirmed(step, unconfirmed, remaining) {
    let cost = iouDistance(unconfirmed, remaining);
    if (this.options.fuseScore) cost = fuseScore(cost, unconfirmed.length, remaining);
    const result = linearAssignment(cost, unconfirmed.length, remaining.length, this.options.unconfirmedMatchThreshold);
    for (const [t, d] of result.matches) this.#apply(step, unconfirmed[t], remaining[d]);
    for (const t of result.unmatchedRows) unconfirmed[t].markRemoved();
    return result.unmatchedColumns.map((d) => remaining[d]);
  }

  /** 4. New (unconfirmed) tracks from the confident detections left over. */
  #startTracks(step, candidates) {
    for (const candidate of candidates) {
      if (candidate.score < this.options.newTrackThreshold) continue;
      candidate.activate(this.filter, this.nextTrackId, step.frame);
      this.nextTrackId += 1;
      step.matched.push(candidate);
    }
  }

  /** 5. Lost tracks older than the track buffer are dropped. */
  #dropStale(frame) {
    for (const track of this.lostTracks) {
      if (track.state === TrackState.LOST && frame - track.lastFrame > this.options.trackBuffer) track.markRemoved();
    }
  }

  /** High and low score detections as Track candidates (boxes of zero size are skipped). */
  #split(detections) {
    const { highThreshold, lowThreshold } = this.options;
    const high = [];
    const low = [];
    for (const candidate of trackableRows(detections)) {
      if (candidate.score >= highThreshold) high.push(candidate);
      else if (candidate.score > lowThreshold) low.push(candidate);
    }
    const toTrack = (c) => new Track(c.box, c.score, c.index, c.embedding);
    return { high: high.map(toTrack), low: low.map(toTrack) };
  }

  #mergePools(matched, newlyLost) {
    const tracked = matched.filter((track) => track.state === TrackState.TRACKED);
    const trackedIds = new Set(tracked.map((track) => track.trackId));
    let lost = this.lostTracks.filter((track) => track.state === TrackState.LOST
      && !trackedIds.has(track.trackId));
    lost = lost.concat(newlyLost);
    // Drop duplicates between tracked and lost: the younger of two near-identical tracks.
    const distances = iouDistance(tracked, lost);
    const dropTracked = new Set();
    const dropLost = new Set();
    for (let i = 0; i < tracked.length; i += 1) {
      for (let j = 0; j < lost.length; j += 1) {
        if (distances[i * lost.length + j] >= this.options.duplicateDistance) continue;
        const ageTracked = tracked[i].lastFrame - tracked[i].startFrame;
        const ageLost = lost[j].lastFrame - lost[j].startFrame;
        if (ageTracked > ageLost) dropLost.add(j);
        else dropTracked.add(i);
      }
    }
    this.trackedTracks = tracked.filter((_, i) => !dropTracked.has(i));
    this.lostTracks = lost.filter((_, j) => !dropLost.has(j));
  }

  /**
   * Lost tracks still reported: recently lost, centre inside the frame, and hidden behind
   * someone seen this frame (the predicted box overlaps a matched track's box by at least
   * `coastOverlap` of its area); a track lost in the open was more likely a false detection.
   */
  #coasting(frame, { width, height }) {
    const { coastFrames, coastOverlap } = this.options;
    if (coastFrames === 0) return [];
    const visible = this.trackedTracks.filter((track) => track.lastFrame === frame).map((track) => track.detectionBox);
    return this.lostTracks.filter((track) => {
      if (frame - track.lastFrame > coastFrames) return false;
      const box = track.box;
      const [x1, y1, x2, y2] = box;
      const cx = (x1 + x2) / 2;
      const cy = (y1 + y2) / 2;
      if (!(cx >= 0 && cy >= 0 && cx <= width && cy <= height && x2 > x1 && y2 > y1)) return false;
      return visible.some((other) => coveredFraction(box, other) >= coastOverlap);
    });
  }

  /** Detections of the confirmed tracks updated this frame (then coasting ones), by track id. */
  #output(detections, frame, frameSize) {
    const shown = this.trackedTracks
      .filter((track) => track.isActivated && track.lastFrame === frame)
      .concat(this.#coasting(frame, frameSize))
      .sort((a, b) => a.trackId - b.trackId);
    return buildOutput(detections, shown, frame);
  }
}

/** Share of box `a`'s area covered by box `b`. */
function coveredFraction([ax1, ay1, ax2, ay2], [bx1, by1, bx2, by2]) {
  const w = Math.min(ax2, bx2) - Math.max(ax1, bx1);
  const h = Math.min(ay2, by2) - Math.max(ay1, by1);
  if (w <= 0 || h <= 0) return 0;
  return (w * h) / ((ax2 - ax1) * (ay2 - ay1));
}

/** Is the box within 1% of the frame size from an edge? (false when the size is unknown) */
function touchesEdge([x1, y1, x2, y2], width, height) {
  if (!Number.isFinite(width) || !Number.isFinite(height)) return false;
  const marginX = width * 0.01;
  const marginY = height * 0.01;
  return x1 <= marginX || y1 <= marginY || x2 >= width - marginX || y2 >= height - marginY;
}

/** The Detections the tracker returns; a coasting track has its predicted box and no keypoints. */
function buildOutput(detections, shown, frame) {
  const n = shown.length;
  const keypointCount = detections.keypoints ? (detections.keypointCount || 17) : 0;
  const size = keypointCount * 3;
  const output = createDetections({
    count: n, keypointCount, trackIds: new Int32Array(n), detectionIndices: new Int32Array(n), predicted: new Uint8Array(n),
  });
  shown.forEach((track, k) => {
    output.trackIds[k] = track.trackId;
    if (track.lastFrame !== frame) {
      output.boxes.set(track.box, k * 4);
      output.scores[k] = track.score;
      output.detectionIndices[k] = -1;
      output.predicted[k] = 1;
      return;
    }
    const i = track.detectionIndex;
    output.boxes.set(detections.boxes.subarray(i * 4, i * 4 + 4), k * 4);
    output.scores[k] = detections.scores[i];
    output.classIds[k] = detections.classIds ? detections.classIds[i] : 0;
    if (keypointCount) output.keypoints.set(detections.keypoints.subarray(i * size, (i + 1) * size), k * size);
    output.detectionIndices[k] = i;
  });
  return output;
}
