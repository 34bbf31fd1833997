/**
 * ByteTrack (Zhang et al., 2022) in plain JavaScript: Kalman prediction, association of
 * high-score detections first, then of low-score ones to the remaining tracked tracks,
 * unconfirmed tracks that need a second hit, and a buffer of lost tracks that can be found
 * again. Built for a detector that runs a few times a second: motion is in time (the filter
 * predicts over the real time between two updates), boxes that no longer overlap are
 * associated by distance relative to the person's size when they look alike, and a lost
 * track is stitched to a person appearing where it would have gone. Durations given in
 * frames are measured in time, one frame = `frameSeconds`. Pure: frame index and timestamp
 * are passed in; each instance owns its id counter.
 */
import { requireNumber } from '../geometry/options.js';
import { resolveTrackerOptions } from './byte_tracker_options.js';
import { linearAssignment } from './assignment.js';
import { addAppearance, addMotion, duplicates, fuseScore, gateFacing, gateLeaving, gateHeights, iouDistance, requireLooks, similarityMatrix, yieldToOverlap } from './association.js';
import { KalmanBoxFilter } from './kalman.js';
import { Track, TrackState } from './track.js';
import { trackableRows } from './detections.js';
import { recoveryCostMatrix } from './recovery.js';
import { facingOf } from '../core/facing.js';
import { buildOutput, centreInside, coveredFraction, leftThePicture, mostlyOutside, touchesEdge, walked } from './output.js';
import { addUnlookedTime, firstSighting, isObserved, lookedSecondsLost, requireObserved } from './observed.js';
import { dropLostTracks, isSceneCut, restartTracks } from './scene_cut.js';

/** The options and their defaults live in byte_tracker_options.js; importers of the tracker find them here too. */
export { BYTE_TRACKER_DEFAULTS } from './byte_tracker_options.js';

export class ByteTracker {
  constructor(options = {}) {
    this.options = resolveTrackerOptions(options);
    this.filter = new KalmanBoxFilter({ frameSeconds: this.options.frameSeconds });
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
   * @param {{frameIndex: number, timestamp: number, width?: number, height?: number, observed?: object[]|null, unseenBelow?: number}} frame
   *   width/height (of the frame, optional): predicted boxes whose centre leaves it are not reported;
   *   observed (optional): the regions the detector looked at on this frame (observed.js), null
   *   for the whole frame: unmatched tracks outside them are predicted, not lost (unobservedFrames);
   *   unseenBelow (optional): new tracks shorter than this (px) are confirmed at once (observed.js, firstSighting)
   * @returns Detections of the confirmed tracks matched this frame (and of the coasting and
   *   unobserved ones, with their predicted boxes), with trackIds, detectionIndices (-1 when
   *   predicted) and predicted flags
   */
  update(detections, { frameIndex, timestamp, width = Infinity, height = Infinity, observed = null, unseenBelow = 0 } = {}) {
    requireNumber('ByteTracker.update', 'frameIndex', frameIndex, { integer: true });
    requireNumber('ByteTracker.update', 'timestamp', timestamp);
    requireNumber('ByteTracker.update', 'unseenBelow', unseenBelow, { min: 0 });
    requireObserved(observed, 'ByteTracker.update');
    // The real time since the last update (a clock that steps back predicts nothing).
    const seconds = this.lastTimestamp === null ? 0 : Math.max(0, timestamp - this.lastTimestamp);
    this.frameCount += 1;
    this.lastFrameIndex = frameIndex;
    this.lastTimestamp = timestamp;
    const step = { frame: this.frameCount, timestamp, seconds, width, height, matched: [], newlyLost: [], observed, unobserved: [], unseenBelow };
    const { high, low } = this.#split(detections);
    const unconfirmed = this.trackedTracks.filter((track) => !track.isActivated);
    // ByteTrack's timing: a track lost for more than trackBuffer frames goes at the next update.
    this.#dropStale(timestamp, 1);
    const pool = [...this.trackedTracks.filter((track) => track.isActivated),
      ...this.lostTracks.filter((track) => track.state === TrackState.LOST)];
    for (const track of [...pool, ...unconfirmed]) track.predict(this.filter, seconds, this.frameCount - 1);
    addUnlookedTime([...pool, ...unconfirmed], seconds, observed, { width, height, margin: this.options.observedMargin });
    const seenBefore = pool.filter((track) => track.state === TrackState.TRACKED && track.lastFrame === this.frameCount - 1);
    const { unmatchedPool, highLeft } = this.#associateHigh(step, pool, high);
    const leftovers = unmatchedPool.filter((track) => track.state === TrackState.TRACKED);
    const unplaced = this.#recoverLost(step, unmatchedPool, highLeft);
    this.#associateLow(step, leftovers, low);
    const unclaimed = this.#associateUnconfirmed(step, unconfirmed, unplaced);
    const newPeople = unclaimed.filter((candidate) => candidate.score >= this.options.newTrackThreshold).length;
    if (isSceneCut(seenBefore, newPeople, this.options.sceneCutTracks)) { // lost tracks go, matched ones start afresh
      dropLostTracks([...this.lostTracks, ...step.newlyLost.splice(0)]);
      this.nextTrackId = restartTracks(step.matched, this.filter, this.nextTrackId, step.frame, step.timestamp);
    }
    this.#startTracks(step, unclaimed);
    this.#countMissedLooks(step, pool);
    this.#dropStale(timestamp);
    this.#mergePools([...step.matched, ...step.unobserved], step.newlyLost);
    return this.#output(detections, step, { width, height });
  }

  /** Time since the track was last detected, in frames of `frameSeconds`. */
  #framesLost(track, timestamp) {
    return (timestamp - track.lastTimestamp) / this.options.frameSeconds;
  }

  #apply(step, track, detection) {
    track.update(this.filter, detection, step.frame, step.timestamp, this.options.appearanceKeep);
    step.matched.push(track);
  }

  /** IoU cost (fused with score), lowered by motion where the boxes overlap too little (low rates only). */
  #overlapOrMotionCost(step, tracks, detections, { limit, similarity }) {
    // clipAtEdge: a detection cut by the picture's edge against the part of a track's box inside it
    const clip = this.options.clipAtEdge && step.seconds >= this.options.confirmAtOnceSeconds;
    const distance = iouDistance(tracks, detections, clip ? step : undefined);
    let cost = this.options.fuseScore ? fuseScore(distance, tracks.length, detections) : distance;
    const { motionSpeed, motionMinSeconds, motionMinSimilarity } = this.options;
    if (motionSpeed === 0 || (step.seconds < motionMinSeconds && step.observed === null)) return cost;
    // A track predicted out of the picture, or lost at its edge, has left: someone appearing
    // there is someone else.
    const whole = step.seconds >= this.options.confirmAtOnceSeconds;
    const gone = tracks.map((track) => leftThePicture(track, step, { whole }));
    cost = yieldToOverlap(addMotion(cost, tracks, detections, step.timestamp, {
      speed: motionSpeed, floor: 0.5, limit, similarity, minSimilarity: motionMinSimilarity, skip: gone,
    }), cost, tracks, detections.length, limit);
    // Across a gap (a track not seen at the previous run) looks must confirm any match; with crops
    // in turn frames still come fast and a match by overlap needs no more than at full rate.
    // At those rates, someone facing against the way a track walks (or faced), or back inside
    // from where a track walked out through the picture's edge, is someone else.
    if (step.seconds >= motionMinSeconds) {
      cost = requireLooks(cost, tracks, detections.length, similarity, motionMinSimilarity, gone);
      cost = gateLeaving(gateFacing(cost, tracks, detections, step.timestamp), tracks, detections, step);
    }
    return this.options.maxHeightChange === 0 ? cost : gateHeights(cost, tracks, detections, this.options.maxHeightChange);
  }

  /** 1. Confirmed and lost tracks against high-score detections (IoU fused with score or motion, plus appearance). */
  #associateHigh(step, pool, high) {
    const { matchThreshold, appearanceWeight } = this.options;
    const similarity = similarityMatrix(pool, high);
    let cost = this.#overlapOrMotionCost(step, pool, high, { limit: matchThreshold, similarity });
    if (appearanceWeight > 0) cost = addAppearance(cost, similarity, matchThreshold, appearanceWeight);
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
      && this.#framesLost(track, step.timestamp) <= recoveryMaxFrames
      && !touchesEdge(track.detectionBox, step.width, step.height));
    const framesLost = lost.map((track) => this.#framesLost(track, step.timestamp));
    const cost = recoveryCostMatrix(lost, candidates, framesLost, similarityMatrix(lost, candidates),
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
      if (this.#unobserved(step, leftovers[t])) {
        step.unobserved.push(leftovers[t]);
        continue;
      }
      leftovers[t].markLost();
      step.newlyLost.push(leftovers[t]);
    }
  }

  /** 3. Unconfirmed tracks against the high-score detections nobody took; unmatched ones go. */
  #associateUnconfirmed(step, unconfirmed, remaining) {
    const { unconfirmedMatchThreshold } = this.options;
    const similarity = similarityMatrix(unconfirmed, remaining);
    const cost = this.#overlapOrMotionCost(step, unconfirmed, remaining, { limit: unconfirmedMatchThreshold, similarity });
    const result = linearAssignment(cost, unconfirmed.length, remaining.length, this.options.unconfirmedMatchThreshold);
    for (const [t, d] of result.matches) this.#apply(step, unconfirmed[t], remaining[d]);
    for (const t of result.unmatchedRows) {
      if (this.#unobserved(step, unconfirmed[t])) step.unobserved.push(unconfirmed[t]);
      else unconfirmed[t].markRemoved();
    }
    return result.unmatchedColumns.map((d) => remaining[d]);
  }

  /**
   * Looks that missed a track (the detector looked where it is and did not find it) since it
   * was last seen: with observed regions, a track missed at one look is predicted until the next.
   */
  #countMissedLooks(step, pool) {
    for (const track of pool) {
      if (track.lastFrame === step.frame) track.missedLooks = 0;
      else if (track.state === TrackState.LOST && !this.#unobserved(step, track)) track.missedLooks += 1;
    }
  }

  /**
   * An unmatched track the detector did not look at this frame (its predicted box outside the
   * observed regions), detected at most unobservedFrames ago: kept as it is, not missed.
   */
  #unobserved(step, track) {
    const { unobservedFrames, observedMargin } = this.options;
    if (step.observed === null || unobservedFrames === 0) return false;
    if (this.#framesLost(track, step.timestamp) > unobservedFrames + 1e-6) return false;
    return !isObserved(track.box, step.observed, { width: step.width, height: step.height, margin: observedMargin });
  }

  /** 4. New (unconfirmed) tracks from the confident detections left over. */
  #startTracks(step, candidates) {
    const runsApart = step.seconds >= this.options.confirmAtOnceSeconds;
    for (const candidate of candidates) {
      if (candidate.score < this.options.newTrackThreshold) continue;
      if (runsApart && mostlyOutside(candidate.detectionBox, step)) continue;
      candidate.activate(this.filter, this.nextTrackId, step.frame, step.timestamp);
      if (this.#confirmsAtOnce(step, candidate) || firstSighting(candidate.detectionBox, step.unseenBelow)) candidate.isActivated = true;
      this.nextTrackId += 1;
      step.matched.push(candidate);
    }
  }

  /**
   * A new track needs a second hit to be confirmed (ByteTrack: one-frame false detections
   * never become tracks). When the detector runs at least `confirmAtOnceSeconds` apart, that
   * wait is a whole run of not seeing someone, and a person seen at one run only is never
   * counted; a confident detection (`confirmAtOnceScore`) is then confirmed at once.
   */
  #confirmsAtOnce(step, candidate) {
    const { confirmAtOnceScore, confirmAtOnceSeconds } = this.options;
    return confirmAtOnceScore > 0 && step.seconds >= confirmAtOnceSeconds && candidate.score >= confirmAtOnceScore;
  }

  /** 5. Lost tracks older than the track buffer are dropped. */
  #dropStale(timestamp, slackFrames = 0) {
    for (const track of this.lostTracks) {
      if (track.state === TrackState.LOST
        && this.#framesLost(track, timestamp) > this.options.trackBuffer + slackFrames) track.markRemoved();
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
    const toTrack = (c) => new Track(c.box, c.score, c.index, c.embedding,
      facingOf(detections, c.index, this.options.facingMinShift));
    return { high: high.map(toTrack), low: low.map(toTrack) };
  }

  #mergePools(matched, newlyLost) {
    const tracked = matched.filter((track) => track.state === TrackState.TRACKED);
    const trackedIds = new Set(tracked.map((track) => track.trackId));
    let lost = this.lostTracks.filter((track) => track.state === TrackState.LOST
      && !trackedIds.has(track.trackId));
    lost = lost.concat(newlyLost);
    const { dropTracked, dropLost } = duplicates(tracked, lost, this.options.duplicateDistance);
    this.trackedTracks = tracked.filter((_, i) => !dropTracked.has(i));
    this.lostTracks = lost.filter((_, j) => !dropLost.has(j));
  }

  /**
   * Lost tracks still reported: recently lost, centre inside the frame, and hidden behind
   * someone seen this frame (the predicted box overlaps a matched track's box by at least
   * `coastOverlap` of its area); a track lost in the open was more likely a false detection.
   */
  #coasting(step, frameSize) {
    const { coastFrames, coastOverlap } = this.options;
    if (coastFrames === 0) return [];
    // Crops in turn: a track missed at its last look and not looked at since is predicted till the next.
    const awaiting = (track) => step.observed !== null && track.missedLooks <= 1 && this.#unobserved(step, track);
    // Someone seen this frame, or (crops in turn) kept where the detector did not look.
    const visible = this.trackedTracks.filter((track) => track.lastFrame === step.frame || track.isActivated)
      .map((track) => (track.lastFrame === step.frame ? track.detectionBox : track.box));
    return this.lostTracks.filter((track) => lookedSecondsLost(track, step.timestamp) / this.options.frameSeconds <= coastFrames
      && centreInside(track.box, frameSize) && (awaiting(track) || visible.some((other) => coveredFraction(track.box, other) >= coastOverlap)));
  }

  /**
   * Detections of the confirmed tracks updated this frame, of the unobserved ones (predicted,
   * centre inside the frame), then of the coasting ones, by track id.
   */
  #output(detections, step, frameSize) {
    const shown = this.trackedTracks
      .filter((track) => track.isActivated && (track.lastFrame === step.frame || centreInside(track.box, frameSize)))
      .concat(this.#coasting(step, frameSize))
      .sort((a, b) => a.trackId - b.trackId);
    return buildOutput(detections, shown, step.frame, (track) => (track.state === TrackState.TRACKED
      ? walked(track.detectionBox, track.mean, step.timestamp - track.lastTimestamp) : track.box));
  }
}
