/**
 * Per-track age and gender estimates, made of a few face samples per track (never per frame).
 * Pure: no DOM, no worker, no clock. The caller (monitor/demographics_runner.js) asks plan()
 * after each counted frame which tracks to sample, crops the upper part of those boxes from
 * the full-resolution frame, has the face worker look at them, and hands each answer to
 * record(). estimate(trackId) combines the samples into one estimate.
 *
 * A track is sampled while it is seen (not predicted), its box is tall enough for a usable
 * face, it has fewer than maxSamples faces and maxAttempts tries, and sampleIntervalSeconds
 * have passed since its last try. At most maxConcurrent crops are out at once: the face work
 * never queues up behind the live pipeline.
 */
import { resolveOptions, requireNumber } from '../geometry/options.js';
import { ageBand, UNKNOWN } from './bands.js';

export const TRACK_DEMOGRAPHICS_DEFAULTS = Object.freeze({
  /** faces kept per track; sampling stops there */
  maxSamples: 4,
  /** tries per track (a try finds no face when it is turned away or too small) */
  maxAttempts: 12,
  /**
   * faces needed before a track gets an estimate (else "unknown"); one is enough on a busy
   * laptop where a face takes a second (a single unsure face still leaves the gender unknown)
   */
  minSamples: 1,
  /** stream seconds between two tries on one track */
  sampleIntervalSeconds: 0.4,
  /** person boxes shorter than this (pixels) are too far away for a usable face */
  minPersonHeight: 120,
  /** the crop: this share of the box's height from its top (head and shoulders), at least as deep as the box is wide */
  headShare: 0.4,
  /** the crop is widened by this share of the box width on each side */
  padding: 0.15,
  /** a mean probability below this leaves the gender "unknown" */
  minGenderConfidence: 0.65,
  /** crops at the face worker at once */
  maxConcurrent: 1,
  /** a track unseen for this many stream seconds is forgotten (its estimate too) */
  forgetAfterSeconds: 60,
});

/** One estimate from a track's face samples ({ age, gender, genderProbability, score }). */
export function combineSamples(samples, { minSamples = 1, minGenderConfidence = 0.65 } = {}) {
  if (samples.length < minSamples || samples.length === 0) {
    return { gender: UNKNOWN, genderConfidence: null, ageBand: UNKNOWN, age: null, samples: samples.length };
  }
  let weighted = 0;
  let weights = 0;
  for (const sample of samples) {
    const female = sample.gender === 'female' ? sample.genderProbability : 1 - sample.genderProbability;
    const weight = Math.max(sample.score || 0, 1e-3);
    weighted += female * weight;
    weights += weight;
  }
  const femaleShare = weighted / weights;
  const confidence = Math.max(femaleShare, 1 - femaleShare);
  const ages = samples.map((sample) => sample.age).sort((a, b) => a - b);
  const middle = ages.length >> 1;
  const age = ages.length % 2 ? ages[middle] : (ages[middle - 1] + ages[middle]) / 2;
  return {
    gender: confidence >= minGenderConfidence ? (femaleShare >= 0.5 ? 'female' : 'male') : UNKNOWN,
    genderConfidence: confidence,
    ageBand: ageBand(age),
    age,
    samples: samples.length,
  };
}

export class TrackDemographics {
  constructor(options = {}) {
    const resolved = resolveOptions('TrackDemographics', TRACK_DEMOGRAPHICS_DEFAULTS, options);
    for (const key of ['maxSamples', 'maxAttempts', 'maxConcurrent']) {
      requireNumber('TrackDemographics', key, resolved[key], { min: 1, integer: true });
    }
    requireNumber('TrackDemographics', 'minSamples', resolved.minSamples, { min: 1, max: resolved.maxSamples, integer: true });
    for (const key of ['sampleIntervalSeconds', 'minPersonHeight', 'padding', 'forgetAfterSeconds']) {
      requireNumber('TrackDemographics', key, resolved[key], { min: 0 });
    }
    requireNumber('TrackDemographics', 'headShare', resolved.headShare, { min: 0.05, max: 1 });
    requireNumber('TrackDemographics', 'minGenderConfidence', resolved.minGenderConfidence, { min: 0.5, max: 1 });
    this.options = resolved;
    this.tracks = new Map(); // trackId -> { samples, attempts, lastAttemptAt, inFlight, lastSeenAt }
    this.inFlight = 0;
  }

  /**
   * The crops to take from this frame: [{ trackId, rect: { x, y, width, height } }] in frame
   * pixels (whole pixels, inside the frame). Each is marked in flight until record()/fail().
   * @param {object} tracked  the tracker's Detections (boxes, trackIds, predicted)
   */
  plan(tracked, { timestamp, width, height }) {
    const candidates = [];
    for (let i = 0; i < tracked.count; i += 1) {
      const trackId = tracked.trackIds[i];
      const state = this.#state(trackId);
      state.lastSeenAt = timestamp;
      if (tracked.predicted && tracked.predicted[i]) continue;
      const box = tracked.boxes.subarray(i * 4, i * 4 + 4);
      if (!this.#wants(state, box, timestamp)) continue;
      const rect = this.cropOf(box, width, height);
      if (rect) {
        state.wanted = true; // big enough for a face: its estimate is awaited until it is tried out
        candidates.push({ trackId, rect, state, boxHeight: box[3] - box[1] });
      }
    }
    this.#forget(timestamp);
    const budget = this.options.maxConcurrent - this.inFlight;
    if (budget <= 0 || !candidates.length) return [];
    // The least-sampled tracks first, then the nearest (tallest): everyone gets a turn.
    candidates.sort((a, b) => a.state.samples.length - b.state.samples.length || b.boxHeight - a.boxHeight);
    return candidates.slice(0, budget).map(({ trackId, rect, state }) => {
      state.inFlight = true;
      state.attempts += 1;
      state.lastAttemptAt = timestamp;
      this.inFlight += 1;
      return { trackId, rect };
    });
  }

  /** The upper part of a box (x1, y1, x2, y2), widened, clipped to the frame; null when empty. */
  cropOf(box, width, height) {
    const boxWidth = box[2] - box[0];
    const boxHeight = box[3] - box[1];
    const x1 = Math.max(0, Math.floor(box[0] - boxWidth * this.options.padding));
    const x2 = Math.min(width, Math.ceil(box[2] + boxWidth * this.options.padding));
    const y1 = Math.max(0, Math.floor(box[1] - boxHeight * 0.05));
    // A standing person's head is in the top headShare of the box; a box about as wide as
    // tall is a head and shoulders (near the camera, or cut by the frame): take a square.
    const depth = Math.min(boxHeight, Math.max(boxHeight * this.options.headShare, boxWidth));
    const y2 = Math.min(height, Math.ceil(box[1] + depth));
    if (x2 - x1 < 2 || y2 - y1 < 2) return null;
    return { x: x1, y: y1, width: x2 - x1, height: y2 - y1 };
  }

  /** The face worker's answer for a planned crop: a face sample, or null (no usable face). */
  record(trackId, face) {
    const state = this.#settle(trackId);
    if (state && face) state.samples.push({ age: face.age, gender: face.gender, genderProbability: face.genderProbability, score: face.score });
  }

  /** The planned crop could not be looked at (worker error): the try does not count. */
  fail(trackId) {
    const state = this.#settle(trackId);
    if (state) state.attempts = Math.max(0, state.attempts - 1);
  }

  /** Is the track still being sampled (a crop out, or tries left and fewer faces than wanted)? */
  pending(trackId) {
    const state = this.tracks.get(trackId);
    if (!state) return false;
    return state.inFlight || (state.samples.length < this.options.maxSamples && state.attempts < this.options.maxAttempts);
  }

  /**
   * Is a first estimate still to come for this track: a crop out, or its box was big enough
   * for a face (waiting for its turn at the worker, or a try found none) with fewer faces than
   * minSamples and tries left? A track never big enough for a face is not awaited.
   */
  awaiting(trackId) {
    const state = this.tracks.get(trackId);
    if (!state) return false;
    return state.inFlight || (state.wanted && state.samples.length < this.options.minSamples
      && state.attempts < this.options.maxAttempts);
  }

  /** { gender, genderConfidence, ageBand, age, samples } ("unknown" without enough faces). */
  estimate(trackId) {
    const state = this.tracks.get(trackId);
    return combineSamples(state ? state.samples : [], this.options);
  }

  #state(trackId) {
    let state = this.tracks.get(trackId);
    if (!state) {
      state = { samples: [], attempts: 0, lastAttemptAt: -Infinity, inFlight: false, lastSeenAt: -Infinity, wanted: false };
      this.tracks.set(trackId, state);
    }
    return state;
  }

  #wants(state, box, timestamp) {
    const { maxSamples, maxAttempts, sampleIntervalSeconds, minPersonHeight } = this.options;
    return !state.inFlight && state.samples.length < maxSamples && state.attempts < maxAttempts
      && timestamp - state.lastAttemptAt >= sampleIntervalSeconds - 1e-9 && box[3] - box[1] >= minPersonHeight;
  }

  #settle(trackId) {
    const state = this.tracks.get(trackId);
    if (!state || !state.inFlight) return null;
    state.inFlight = false;
    this.inFlight -= 1;
    return state;
  }

  #forget(timestamp) {
    for (const [trackId, state] of this.tracks) {
      if (!state.inFlight && timestamp - state.lastSeenAt > this.options.forgetAfterSeconds) this.tracks.delete(trackId);
    }
  }
}
