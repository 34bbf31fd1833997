/**
 * Everything that happens to one frame after detection, in one place: the tracker, the
 * counting engine (lines, bands, zones, dwell, zone alerts), the heatmap inputs, trails and
 * per-zone peaks. The monitor (through its CountingRunner), the pipeline lab (what
 * tools/evaluate.py measures) and the tests all drive this class; none re-implements a step.
 *
 * Pure: no DOM, no timers, no fetch. The frame index and timestamp are passed in; a clock is
 * injected only by callers that want the stage timings.
 *
 * Detector cadence (option `cadence`, see detector_cadence.js): the caller asks
 * `planDetection()` before each frame; a frame the detector skips enters through `skip()`,
 * which counts nothing and does not step the tracker (it predicts across the gap when the
 * detector runs again): it shows the last run's people where the tracker's Kalman filter
 * predicts them at that frame's time; a frame the detector saw enters through `process()`.
 * Detector regions (option `regionPlan`, see region_plan.js): `planDetection({ width, height,
 * timestamp, inputSize })` also answers `regions` (null: the whole frame) for the detector's
 * `detect(frame, { regions })`; each processed frame's detections teach the planner how tall
 * people are where; the pipeline sees only the merged Detections. When the plan's crops take
 * turns (region_rotation.js), process() tells the tracker which regions the detector looked at
 * (the people elsewhere are predicted, not lost) and drops the fragments cut by the crops run.
 */
import { requireDetections } from '../core/detections.js';
import { CountingEngine } from '../counting/counting_engine.js';
import { DecayingHeatmap } from '../counting/decaying_heatmap.js';
import { FloorHeatmap, Heatmap } from '../counting/heatmap.js';
import { requireNumber, resolveOptions } from '../geometry/options.js';
import { BYTE_TRACKER_DEFAULTS, ByteTracker } from '../tracker/byte_tracker.js';
import { TrackState } from '../tracker/track.js';
import { TrailBuffer } from './trail_buffer.js';
import { countingEdges, DetectorCadence } from './detector_cadence.js';
import { footVelocities, predictTracked, trackMeans } from './track_motion.js';
import { RegionPlanner } from './region_plan.js';
import { RegionRotation } from './region_rotation.js';
import { dropSlivers } from './person_shape.js';

/**
 * @typedef {object} FrameResult
 * @property {number} frameIndex
 * @property {number} timestamp             seconds of stream time
 * @property {import('../core/detections.js').Detections} tracked  the tracker's output (trackIds, predicted)
 * @property {number} personCount           tracks reported this frame
 * @property {Float32Array} feet            foot point (x, y) per tracked person
 * @property {{ lines: object, zones: object, events: object[], footPoints: Float32Array, heatPoints: Float32Array }} result
 *   the counting engine's output for this frame
 * @property {TrailBuffer} trails
 * @property {{ track: number, count: number }|null} timings  milliseconds (with a clock only)
 * @property {object[]|null} [observed]    process() only: the regions the detector looked at when its crops
 *   took turns (the tracker predicted the people elsewhere), null when it looked at the whole frame
 */

/**
 * The detector's score threshold for this pipeline: the tracker's low threshold, so its second
 * association (low-score detections keeping tracks alive) gets every detection it can use.
 */
export const DETECTOR_SCORE_THRESHOLD = BYTE_TRACKER_DEFAULTS.lowThreshold;

export const FRAME_PIPELINE_DEFAULTS = Object.freeze({
  /** ByteTracker options */
  tracker: {},
  /** CountingEngine options: { lines, bands, zones, keypointConfidence, staleFrames } */
  counting: {},
  /** image heatmap { width, height, cellSize } or null (no image heatmap) */
  heatmap: null,
  /** floor heatmap { imagePoints, floorPoints, cellSize } or null (no floor calibration) */
  floorHeatmap: null,
  /** heatmap fading: share lost per second, continuously (0: never fades) */
  heatmapDecayPerSecond: 0,
  /** foot points kept per track for the trails */
  trailLength: 30,
  /** () => milliseconds, to time the tracker and counting stages; null: no timings */
  clock: null,
  /** DetectorCadence options ({} for its defaults), or null: the detector runs on every frame */
  cadence: null,
  /** RegionPlanner options ({} for its defaults: automatic regions), or null: the whole frame always */
  regionPlan: {},
  /**
   * boxes narrower than this share of their height are dropped before the tracker (person_shape.js:
   * someone mostly out of view at the frame's edge; SLIVER_ASPECT, 0.15, is the measured choice).
   * 0 (the default): none. Off because the shared sequences disagree on whether such people count:
   * TUD-Campus's ground truth leaves them out, TUD-Stadtmitte's holds some (docs/detection.md,
   * "Boxes too thin to be a person")
   */
  minPersonAspect: 0,
});

export class FramePipeline {
  constructor(options = {}) {
    const resolved = resolveOptions('FramePipeline', FRAME_PIPELINE_DEFAULTS, options);
    if (resolved.clock !== null && typeof resolved.clock !== 'function') throw new TypeError('FramePipeline: clock must be a function or null');
    this.options = resolved;
    this.decayPerSecond = requireNumber('FramePipeline', 'heatmapDecayPerSecond', resolved.heatmapDecayPerSecond, { min: 0 });
    requireNumber('FramePipeline', 'trailLength', resolved.trailLength, { min: 1, integer: true });
    requireNumber('FramePipeline', 'minPersonAspect', resolved.minPersonAspect, { min: 0 });
    this.tracker = new ByteTracker(resolved.tracker);
    this.engine = new CountingEngine(resolved.counting);
    this.imageHeatmap = resolved.heatmap ? this.#fading(() => new Heatmap(resolved.heatmap)) : null;
    this.floorHeatmap = null;
    this.setFloorCalibration(resolved.floorHeatmap);
    this.trails = new TrailBuffer({ length: resolved.trailLength });
    this.peaks = new Map();
    this.lastFrame = null;
    this.lastDetected = null;
    this.cadence = resolved.cadence === null ? null : new DetectorCadence(resolved.cadence);
    this.countingEdges = countingEdges(this.engine);
    this.regionPlanner = resolved.regionPlan === null ? null : new RegionPlanner(resolved.regionPlan);
    this.regionRotation = this.regionPlanner ? new RegionRotation({ turnSeconds: this.regionPlanner.options.turnSeconds,
      extraRuns: this.regionPlanner.options.extraRuns, crowdedWaiting: this.regionPlanner.options.crowdedWaiting }) : null;
    /** where the detector looks on the frame planned last ({ observed: regions or null, unseenBelow }), for process() */
    this.looking = null;
    /** the largest scale (model input / frame pixels) the detector has looked at so far at this frame and model size */
    this.finest = { key: null, scale: null };
    /** the time of the newest frame given to skip() or process(), and the time between the last two (the source's frame interval) */
    this.newestFrame = { timestamp: null, seconds: null };
  }

  /**
   * Whether the detector must run on the coming frame (at `timestamp`, seconds): an object
   * `{ detect: boolean, reason: string }` (always `detect: true` without a cadence; with one,
   * from the tracks of the last frame the detector saw and the speeds the tracker measured).
   * `final`: the frame is the source's last (a recorded video's end): with a cadence the
   * detector always runs on it, so flush() ends the counts on a real sighting.
   * More plans may join it as fields (e.g. detector regions).
   */
  planDetection({ width, height, timestamp, inputSize = null, final = false }) {
    const plan = this.#cadencePlan({ width, height, timestamp, final });
    // Regions are planned only for a run: a survey the planner decides on is then really made.
    return plan.detect ? { ...plan, ...this.#regions({ width, height, timestamp, inputSize }) } : plan;
  }

  /** The cadence's answer: { detect, reason }. */
  #cadencePlan({ width, height, timestamp, final }) {
    if (!this.cadence) return { detect: true, reason: 'every frame' };
    if (!this.lastDetected) return this.cadence.decide({ timestamp, final }, { edges: this.countingEdges, width, height });
    const velocities = footVelocities(this.lastDetected.tracked, trackMeans(this.tracker));
    const pending = this.tracker.activeTracks.some((track) => !track.isActivated);
    return this.cadence.decide({ last: this.lastDetected, velocities, pending, final, timestamp },
      { edges: this.countingEdges, width, height });
  }

  /**
   * Where the detector looks at full resolution (region_plan.js): { regions, regionPlan };
   * regions null = the whole frame only, else the crops run on this frame (region_rotation.js:
   * when frames come fast the plan's crops take turns; process() tells the tracker).
   * Needs the model's input size (inputSize); without it (or with regionPlan: null) no fields
   * are added.
   */
  #regions({ width, height, timestamp, inputSize }) {
    if (!this.regionPlanner || !inputSize) return {};
    const bandEdges = this.engine.bands.flatMap((band) => band.boundaries.map(([a, b]) => ({ a, b })));
    const regionPlan = this.regionPlanner.plan({ width, height, modelSize: inputSize,
      lines: [...this.engine.lines, ...bandEdges], zones: this.engine.zones });
    const regions = this.regionRotation.choose(regionPlan, timestamp, { width, height, needy: this.#needy(timestamp) });
    const wholeScale = Math.min(inputSize / width, inputSize / height);
    this.looking = {
      observed: this.regionRotation.observed({ width, height, wholeFrameMinHeight: this.regionPlanner.options.minModelHeight / wholeScale }),
      unseenBelow: this.#unseenBelow(regionPlan, wholeScale, `${width}x${height}@${inputSize}`),
    };
    if (!this.regionRotation.partial) return { regions, regionPlan };
    // The plan as shown (debug layer, the detector's runs a frame): this frame's share of its crops.
    return { regions, regionPlan: { ...regionPlan, runs: regions.length, plannedRuns: regionPlan.runs,
      reason: `${regionPlan.reason}; ${regions.length} of them this frame, in turn` } };
  }

  /**
   * After a whole-frame run, before process(): when its detections ask the planner for a survey
   * (unsure candidates only, or people mostly too small for the whole frame: region_plan.js),
   * the survey is planned for this same frame, so the people it finds are not missing for a
   * frame. Answers { regions, regionPlan } like planDetection() (the caller runs the detector on
   * those regions of the same frame and passes process() their detections instead of these:
   * the survey covers the whole frame), or null (process() these detections). Only after a
   * planDetection() that planned regions (inputSize known); the frame is { width, height, timestamp }.
   */
  lookCloser(detections, { width, height, timestamp, inputSize = null }) {
    requireDetections(detections, 'FramePipeline.lookCloser');
    if (!this.regionPlanner || !inputSize || !this.looking || !Number.isFinite(height)) return null;
    if (!this.regionPlanner.wantsSurvey(detections, { height })) return null;
    this.regionPlanner.observe(detections, { height });
    const answer = this.#regions({ width, height, timestamp, inputSize });
    return answer.regions ? answer : null;
  }

  /**
   * Looking closer than ever before (a survey, or crops finer than all earlier runs): people
   * shorter than the earlier runs could find (minModelHeight at their finest scale) are seen for
   * the first time, and the tracker confirms them at once (observed.js, firstSighting). 0 otherwise,
   * and always while the plan is the whole frame (the full-size sequences). Another frame or model
   * size (key) starts over, as the planner does.
   */
  #unseenBelow(regionPlan, wholeScale, key) {
    const scale = regionPlan.regions ? regionPlan.scale : wholeScale;
    if (!Number.isFinite(scale)) return 0;
    const finest = this.finest.key === key ? this.finest.scale : null;
    this.finest = { key, scale: Math.max(finest ?? 0, scale) };
    return finest !== null && scale > finest ? this.regionPlanner.options.minModelHeight / finest : 0;
  }

  /**
   * Boxes of the people waiting for a sighting (region_rotation.js runs their crop out of turn
   * when it can): seen once (unconfirmed), or missed at a recent look (lost within 2 x turnSeconds).
   */
  #needy(timestamp) {
    const recent = this.regionPlanner.options.turnSeconds;
    return this.tracker.activeTracks.filter((track) => track.mean && (!track.isActivated
      || (track.state === TrackState.LOST && timestamp - track.lastTimestamp <= 2 * recent))).map((track) => track.box);
  }

  /**
   * A frame the detector skipped: nothing is counted and the tracker is not stepped. The last
   * run's people are shown where the tracker predicts them at `timestamp` (boxes, keypoints,
   * foot points; their `predicted` flags are the run's); counts, occupancy, trails and heat
   * stand as the last run left them (no events). Marked `detected: false`, with the last
   * run's time as `detectedAt`.
   */
  skip({ frameIndex, timestamp }) {
    if (!this.lastDetected) throw new Error('FramePipeline.skip: the first frame needs the detector');
    this.#noteFrame(timestamp);
    const started = this.#now();
    const seconds = timestamp - this.lastDetected.timestamp;
    const { tracked, feet } = predictTracked(this.lastDetected.tracked, trackMeans(this.tracker), seconds,
      { keypointConfidence: this.engine.keypointConfidence });
    const predictedAt = this.#now();
    this.lastFrame = { ...this.lastDetected, frameIndex, timestamp, detected: false, detectedAt: this.lastDetected.timestamp, tracked, feet,
      result: { ...this.lastDetected.result, events: [], footPoints: feet, heatPoints: new Float32Array(0) },
      timings: this.options.clock ? { track: predictedAt - started, count: 0 } : null };
    return this.lastFrame;
  }

  /**
   * One frame: this frame's Detections in, everything the callers need out.
   * @param {import('../core/detections.js').Detections} detections
   * @param {{ frameIndex: number, timestamp: number, width?: number, height?: number }} frame
   * @returns {FrameResult}
   */
  process(detections, { frameIndex, timestamp, width = Infinity, height = Infinity }) {
    requireDetections(detections, 'FramePipeline.process');
    const started = this.#now();
    // Crops taking turns (the last planDetection()): the tracker is told where the detector looked.
    const observed = this.looking ? this.looking.observed : null;
    const unseenBelow = this.looking ? this.looking.unseenBelow : 0;
    this.looking = null;
    detections = dropSlivers(detections, this.options.minPersonAspect);
    if (observed) detections = this.regionRotation.dropFragments(detections, { width, height });
    const tracked = this.tracker.update(detections, { frameIndex, timestamp, width, height, observed, unseenBelow });
    if (this.regionPlanner && Number.isFinite(height)) this.regionPlanner.observe(detections, { height, partial: Boolean(observed) });
    this.#noteFrame(timestamp);
    this.lastDetected = this.#count(tracked, { frameIndex, timestamp, plannedSeconds: this.#plannedSeconds() }, started, this.#now());
    this.lastDetected.detections = detections;
    this.lastDetected.observed = observed;
    return this.lastDetected;
  }

  /**
   * One frame of tracks made elsewhere (ground truth, another tracker's output): the same
   * counting, heat, trails and peaks, without this pipeline's tracker.
   */
  countTracked(tracked, { frameIndex, timestamp }) {
    requireDetections(tracked, 'FramePipeline.countTracked');
    const started = this.#now();
    return this.#count(tracked, { frameIndex, timestamp }, started, started);
  }

  /**
   * End of the run: every track ends, pending crossings become final, an alert still on ends
   * with its peak. Returns the final { lines, zones, events, frameIndex, timestamp }.
   */
  flush() {
    return this.engine.flush();
  }

  /** calibration: { imagePoints, floorPoints, cellSize } (other keys are ignored) or null. */
  setFloorCalibration(calibration) {
    if (!calibration) {
      this.floorHeatmap = null;
      return;
    }
    const { imagePoints, floorPoints, cellSize } = calibration;
    this.floorHeatmap = this.#fading(() => new FloorHeatmap({ imagePoints, floorPoints, cellSize }));
  }

  setHeatmapDecay(decayPerSecond) {
    this.decayPerSecond = requireNumber('FramePipeline', 'heatmapDecayPerSecond', decayPerSecond, { min: 0 });
    this.imageHeatmap?.setDecay(this.decayPerSecond);
    this.floorHeatmap?.setDecay(this.decayPerSecond);
  }

  clearHeatmaps() {
    this.imageHeatmap?.reset();
    this.floorHeatmap?.reset();
  }

  #count(tracked, frame, started, trackedAt) {
    const result = this.engine.update(tracked, frame);
    this.imageHeatmap?.addPoints(result.heatPoints, frame.timestamp);
    this.floorHeatmap?.addPoints(result.heatPoints, frame.timestamp);
    this.trails.update(tracked.trackIds || new Int32Array(0), result.footPoints, frame.frameIndex);
    for (const [key, counts] of Object.entries(result.zones)) {
      this.peaks.set(key, Math.max(this.peaks.get(key) || 0, counts.occupancy));
    }
    const counted = this.#now();
    this.lastFrame = {
      frameIndex: frame.frameIndex,
      timestamp: frame.timestamp,
      tracked,
      personCount: tracked.count,
      feet: result.footPoints,
      result,
      trails: this.trails,
      detected: true,
      timings: this.options.clock ? { track: trackedAt - started, count: counted - trackedAt } : null,
    };
    return this.lastFrame;
  }

  /**
   * For the counting engine's found-again rule: the longest time between detector runs this
   * pipeline's cadence plans (frames it skips on purpose are not a low rate), or 0: no cadence, or
   * a source whose frames come as far apart as the rule's low rate (regainSeconds) by themselves,
   * where the detector could not have looked more often whatever the cadence skips.
   */
  #plannedSeconds() {
    const { seconds } = this.newestFrame;
    if (!this.cadence || seconds === null || seconds >= this.engine.regainSeconds) return 0;
    return this.cadence.longestPlannedSeconds;
  }

  /** A frame's time (skip or process; a live run's detections may enter after later frames were shown). */
  #noteFrame(timestamp) {
    const newest = this.newestFrame.timestamp;
    if (newest !== null && !(timestamp > newest)) return;
    this.newestFrame = { timestamp, seconds: newest === null ? null : timestamp - newest };
  }

  #fading(create) {
    return new DecayingHeatmap({ create, decayPerSecond: this.decayPerSecond });
  }

  #now() {
    return this.options.clock ? this.options.clock() : 0;
  }
}
