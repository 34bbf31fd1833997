/**
 * Once-per-person counting shared by lines and bands. Each track has an origin side (where
 * it was before its first crossing). A crossing becomes final once the track has been seen
 * on the new side for `confirmFrames` observations, or for the time those take at the video's
 * rate ((confirmFrames - 1) frames of `frameSeconds`, at least one sighting after the
 * crossing's: a detector running twice a second confirms at its next run, not 2 s later),
 * or when the track ends there; then the track
 * counts once, in the direction origin -> new side. A later confirmed return to the origin
 * side cancels that count, so the totals are the net of each person's first and last side.
 */
const directionOf = (fromSide, toSide, flipped) => {
  const inward = fromSide < 0 && toSide > 0;
  return inward !== flipped ? 'in' : 'out';
};

export class CrossingLedger {
  constructor({ counterId, confirmFrames, flipped, frameSeconds = 1 / 25 }) {
    this.counterId = counterId;
    this.confirmFrames = confirmFrames;
    this.confirmSeconds = (confirmFrames - 1) * frameSeconds;
    this.flipped = flipped;
    this.reset();
  }

  reset() {
    this.tracks = new Map();
    this.counts = { in: 0, out: 0 };
  }

  #state(trackId) {
    let state = this.tracks.get(trackId);
    if (!state) {
      state = { originSide: 0, countedSide: 0, pending: null };
      this.tracks.set(trackId, state);
    }
    return state;
  }

  /**
   * A crossing from one side to the other (sides are -1 / 1); returns events. frame: when the
   * line was passed; seenAt: the time of the sighting that showed it (default frame.timestamp).
   */
  crossing(trackId, fromSide, toSide, frame, seenAt = frame.timestamp) {
    const state = this.#state(trackId);
    if (state.originSide === 0) state.originSide = fromSide;
    state.pending = { toSide, frames: 1, seenAt, frameIndex: frame.frameIndex, timestamp: frame.timestamp };
    const raw = {
      type: 'cross_raw', zoneId: this.counterId, trackId, direction: directionOf(fromSide, toSide, this.flipped),
      frameIndex: frame.frameIndex, timestamp: frame.timestamp,
    };
    return [raw, ...this.#confirmIfDue(trackId, state)];
  }

  /** The track was seen again (at `timestamp`, seconds) without crossing; returns events. */
  observe(trackId, timestamp = null) {
    const state = this.tracks.get(trackId);
    if (!state || !state.pending) return [];
    state.pending.frames += 1;
    if (timestamp !== null) state.pending.lastSeen = timestamp;
    return this.#confirmIfDue(trackId, state);
  }

  /** The track is gone: a pending crossing is final; returns events. */
  finish(trackId) {
    const state = this.tracks.get(trackId);
    if (!state) return [];
    const events = state.pending ? this.#confirm(trackId, state) : [];
    this.tracks.delete(trackId);
    return events;
  }

  /**
   * The track may have become someone else (the tracker found it again after a gap): a pending
   * crossing is final, and whatever the track does next is counted as a new person's (a
   * return crossing no longer cancels the count made so far); returns events.
   */
  restart(trackId) {
    return this.finish(trackId);
  }

  #confirmIfDue(trackId, state) {
    const { frames, seenAt, lastSeen } = state.pending;
    const onNewSide = lastSeen === undefined ? 0 : lastSeen - seenAt;
    const due = frames >= this.confirmFrames || (frames >= 2 && onNewSide >= this.confirmSeconds - 1e-9);
    return due ? this.#confirm(trackId, state) : [];
  }

  #confirm(trackId, state) {
    const { toSide, frameIndex, timestamp } = state.pending;
    state.pending = null;
    const base = { zoneId: this.counterId, trackId, frameIndex, timestamp };
    if (state.countedSide === 0 && toSide !== state.originSide) {
      state.countedSide = toSide;
      const type = directionOf(state.originSide, toSide, this.flipped);
      this.counts[type] += 1;
      return [{ type, ...base }];
    }
    if (state.countedSide !== 0 && toSide === state.originSide) {
      const type = directionOf(state.originSide, state.countedSide, this.flipped);
      state.countedSide = 0;
      this.counts[type] -= 1;
      return [{ type, cancelled: true, ...base }];
    }
    return [];
  }
}
