// What /lab/pipeline does with one run, without the page: frames (decoded by the detector or
// recorded) through one FramePipeline, each answered as plain JSON for tools/evaluate.py.
import { detectionsFromRows } from '../core/detections.js';

const EMPTY_DETECTIONS = detectionsFromRows([]);
import { FramePipeline } from '../pipeline/frame_pipeline.js';
import { detectionsFromPlain, plainDetections, plainTracks } from './plain.js';

export class PipelineLabRun {
  /** @param {{ tracker?: object, counting?: object, clock?: () => number, cadence?: object|null, regionPlan?: object|null }} options */
  constructor({ tracker = {}, counting = {}, clock = null, cadence = null, regionPlan = {} } = {}) {
    this.pipeline = new FramePipeline({ tracker, counting, clock, cadence, regionPlan });
    this.frames = 0;
    this.detectorRuns = 0;
  }

  /**
   * Whether the detector must run on the coming frame, and where ({ detect, reason, regions });
   * final: it is the video's last frame (the cadence then always runs the detector).
   */
  plan({ width, height, timestamp, inputSize = null, final = false }) {
    return this.pipeline.planDetection({ width, height, timestamp, inputSize, final });
  }

  /**
   * After a whole-frame run: the survey's { regions, regionPlan } to run on the same frame before
   * process(), or null (FramePipeline.lookCloser).
   */
  lookCloser(detections, { width, height, timestamp, inputSize = null }) {
    return this.pipeline.lookCloser(detections, { width, height, timestamp, inputSize });
  }

  /** A frame the detector skipped (the pipeline's cadence): answered like process(). */
  skip({ frameIndex, timestamp }, reason) {
    const output = this.pipeline.skip({ frameIndex, timestamp });
    this.frames += 1;
    return {
      frameIndex,
      detected: false,
      cadence: reason,
      detections: plainDetections(EMPTY_DETECTIONS, { rounded: true }),
      tracks: plainTracks(output),
      lines: output.result.lines,
      zones: output.result.zones,
      events: output.result.events,
      timings: { detect: 0, ...output.timings, detector: null },
    };
  }

  /**
   * One frame of Detections; stageTimings: { detect, detector } measured by the caller.
   * Returns { frameIndex, detections, tracks, lines, zones, events, timings }.
   */
  process(detections, { frameIndex, timestamp, width, height }, stageTimings = { detect: 0, detector: null }) {
    const output = this.pipeline.process(detections, { frameIndex, timestamp, width, height });
    this.frames += 1;
    this.detectorRuns += 1;
    return {
      frameIndex,
      detected: true,
      detections: plainDetections(output.detections || detections, { rounded: true }),
      // the regions the detector looked at when its crops took turns (null: the whole frame)
      observed: output.observed || null,
      tracks: plainTracks(output),
      lines: output.result.lines,
      zones: output.result.zones,
      events: output.result.events,
      timings: { detect: stageTimings.detect, ...output.timings, detector: stageTimings.detector },
    };
  }

  /** One frame of recorded detections (plain arrays, as the lab answers them). */
  processRecorded({ frameIndex, timestamp, width, height, detections }) {
    return this.process(detectionsFromPlain(detections), { frameIndex, timestamp, width, height });
  }

  /** End of the video: every track ends, pending crossings become final, open alerts end. */
  finish() {
    return this.pipeline.flush();
  }
}

/**
 * Count given tracks (ground truth or another tracker's output) with the same pipeline's
 * counting: frames = [{ frameIndex, timestamp, tracks: [{ id, box }] }].
 */
export function countTracks(frames, counting) {
  const pipeline = new FramePipeline({ counting });
  const perFrame = [];
  const events = [];
  for (const { frameIndex, timestamp, tracks } of frames) {
    const { result } = pipeline.countTracked(detectionsFromRows(tracks), { frameIndex, timestamp });
    perFrame.push({ frameIndex, lines: result.lines, zones: result.zones });
    events.push(...result.events);
  }
  const flushed = pipeline.flush();
  events.push(...flushed.events);
  return { perFrame, events, final: { lines: flushed.lines, zones: flushed.zones } };
}
