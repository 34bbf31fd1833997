// The pipeline lab page: exposes window.pipelineLab so tools/evaluate.py can run the app's
// own detector and FramePipeline (tracker, counting engine, alerts: the code the monitor
// runs) on frames it decoded, every frame, and read back detections, tracks, counts, events
// and per-stage timings. Frames may also come as recorded detections (no detector needed).
import { createDetector } from '../detector/index.js';
import { decodePixels, plainDetections } from './plain.js';
import { PipelineLabRun, countTracks } from './pipeline_lab_run.js';
import { DETECTOR_SCORE_THRESHOLD } from '../pipeline/frame_pipeline.js';

const clock = () => performance.now();

/** The lab's `regions` as RegionPlanner options: one planner whatever the caller asks. */
function regionPlanOptions(regions, regionPlan) {
  if (regions === 'auto') return regionPlan;
  if (regions === null || regions === 'whole') return { ...regionPlan, override: 'whole' };
  if (Array.isArray(regions)) return { ...regionPlan, override: regions };
  throw new TypeError(`regions must be 'auto', 'whole' or a list of crops, got ${JSON.stringify(regions)}`);
}

class PipelineLab {
  constructor(elements) {
    this.elements = elements;
    this.detector = null;
    this.run = null;
    this.regions = null;
    elements.isolated.textContent = String(self.crossOriginIsolated);
  }

  log(text) {
    this.elements.log.textContent += `${text}\n`;
  }

  /** A fresh run without a detector (for recorded detections): { tracker, counting }. */
  start({ tracker = {}, counting = {}, cadence = null, regionPlan = {} } = {}) {
    this.run = new PipelineLabRun({ tracker, counting, clock, cadence, regionPlan });
    this.elements.frames.textContent = '0';
  }

  /**
   * options: { detector: createDetector options (scoreThreshold defaults to the pipeline's
   * DETECTOR_SCORE_THRESHOLD, as on the monitor), tracker: ByteTracker options, counting:
   * CountingEngine options, regions: 'auto' (the app's planner, region_plan.js; the default),
   * 'whole' (the whole frame only) or a fixed list of crops, regionPlan: RegionPlanner options }
   */
  async load({ detector = {}, tracker = {}, counting = {}, regions = 'auto', regionPlan = {}, cadence = null } = {}) {
    this.dispose();
    this.start({ tracker, counting, cadence, regionPlan: regionPlanOptions(regions, regionPlan) });
    this.regions = regions;
    const settings = { appearance: true, scoreThreshold: DETECTOR_SCORE_THRESHOLD, ...detector };
    this.detector = await createDetector({ ...settings, onStatus: (status) => this.log(`${status.stage}: ${status.message}`) });
    this.elements.backend.textContent = this.detector.backend;
    return { backend: this.detector.backend, inputSize: this.detector.inputSize, scoreThreshold: settings.scoreThreshold,
      runtime: this.detector.info.runtime, precision: this.detector.precision, crossOriginIsolated: self.crossOriginIsolated };
  }

  /** One frame: { frameIndex, timestamp, width, height, pixels (base64 RGBA), final (the video's last frame) }. */
  async processFrame({ frameIndex, timestamp, width, height, pixels, final = false }) {
    if (!this.detector) throw new Error('call pipelineLab.load() first');
    const plan = this.run.plan({ width, height, timestamp, inputSize: this.detector.inputSize, final });
    if (!plan.detect) return this.#shown(this.run.skip({ frameIndex, timestamp }, plan.reason));
    const image = new ImageData(decodePixels(pixels), width, height);
    const started = clock();
    let detections = await this.detector.detect(image, { regions: plan.regions });
    let regionRuns = plan.regions ? plan.regions.length : 1;
    let regionReason = plan.regionPlan?.reason ?? null;
    // Every crop of the frame's plan (crops in turn run some of them), for tools/evaluate.py's recall weighted as at full size.
    let planned = plan.regions ? plan.regionPlan?.regions ?? null : null;
    // A whole-frame run whose people may be too small for it: the survey runs on this frame.
    const closer = this.run.lookCloser(detections, { width, height, timestamp, inputSize: this.detector.inputSize });
    // The whole-frame run's detections, recorded for tools/far_view_replay.mjs (the frame's are the survey's).
    const surveyAfter = closer ? plainDetections(detections, { rounded: true }) : null;
    if (closer) {
      detections = await this.detector.detect(image, { regions: closer.regions });
      regionRuns += closer.regions.length;
      regionReason = closer.regionPlan.reason;
      planned = closer.regionPlan.regions ?? closer.regions;
    }
    const detect = clock() - started;
    const answer = this.run.process(detections, { frameIndex, timestamp, width, height }, { detect, detector: this.detector.timings });
    return this.#shown({ ...answer, cadence: plan.reason, regionRuns, regionReason, surveyAfter, planned });
  }

  /**
   * One detector run on a frame ({ width, height, pixels }) that is not tracked or counted
   * (compiles the model). The whole frame, without asking the pipeline: the warm-up is no frame
   * of the video, so the cadence and the region planner must not count it (with a cadence,
   * planning a frame without a timestamp threw).
   */
  async warmUp({ width, height, pixels }) {
    if (!this.detector) throw new Error('call pipelineLab.load() first');
    await this.detector.detect(new ImageData(decodePixels(pixels), width, height));
    return true;
  }

  /** One frame of recorded detections: { frameIndex, timestamp, width, height, detections (plain) }. */
  processDetections(frame) {
    if (!this.run) throw new Error('call pipelineLab.start() or load() first');
    return this.#shown(this.run.processRecorded(frame));
  }

  /** End of the video: every track ends, pending crossings become final, open alerts end. */
  finish() {
    return this.run.finish();
  }

  /** Ground truth or another tracker's tracks counted the same way (see countTracks). */
  countTracks(frames, counting) {
    return countTracks(frames, counting);
  }

  dispose() {
    if (this.detector) this.detector.dispose();
    this.detector = null;
  }

  #shown(answer) {
    this.elements.frames.textContent = String(this.run.frames);
    return answer;
  }
}

window.pipelineLab = new PipelineLab({
  isolated: document.getElementById('lab-isolated'),
  backend: document.getElementById('lab-backend'),
  frames: document.getElementById('lab-frames'),
  log: document.getElementById('lab-log'),
});
