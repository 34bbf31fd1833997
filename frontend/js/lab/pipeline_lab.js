// The pipeline lab page: exposes window.pipelineLab so tools/evaluate.py can run the app's
// own detector and FramePipeline (tracker, counting engine, alerts: the code the monitor
// runs) on frames it decoded, every frame, and read back detections, tracks, counts, events
// and per-stage timings. Frames may also come as recorded detections (no detector needed).
import { createDetector } from '../detector/index.js';
import { decodePixels } from './plain.js';
import { PipelineLabRun, countTracks } from './pipeline_lab_run.js';
import { DETECTOR_SCORE_THRESHOLD } from '../pipeline/frame_pipeline.js';

const clock = () => performance.now();

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
  start({ tracker = {}, counting = {}, cadence = null } = {}) {
    this.run = new PipelineLabRun({ tracker, counting, clock, cadence });
    this.elements.frames.textContent = '0';
  }

  /**
   * options: { detector: createDetector options (scoreThreshold defaults to the pipeline's
   * DETECTOR_SCORE_THRESHOLD, as on the monitor), tracker: ByteTracker options, counting:
   * CountingEngine options, regions }
   */
  async load({ detector = {}, tracker = {}, counting = {}, regions = null, cadence = null } = {}) {
    this.dispose();
    this.start({ tracker, counting, cadence });
    this.regions = regions;
    const settings = { appearance: true, scoreThreshold: DETECTOR_SCORE_THRESHOLD, ...detector };
    this.detector = await createDetector({ ...settings, onStatus: (status) => this.log(`${status.stage}: ${status.message}`) });
    this.elements.backend.textContent = this.detector.backend;
    return { backend: this.detector.backend, inputSize: this.detector.inputSize, scoreThreshold: settings.scoreThreshold, crossOriginIsolated: self.crossOriginIsolated };
  }

  /** One frame: { frameIndex, timestamp, width, height, pixels (base64 RGBA) }. */
  async processFrame({ frameIndex, timestamp, width, height, pixels }) {
    if (!this.detector) throw new Error('call pipelineLab.load() first');
    const plan = this.run.plan({ width, height, timestamp });
    if (!plan.detect) return this.#shown(this.run.skip({ frameIndex, timestamp }, plan.reason));
    const image = new ImageData(decodePixels(pixels), width, height);
    const started = clock();
    const detections = await this.detector.detect(image, { regions: this.regions });
    const detect = clock() - started;
    return this.#shown(this.run.process(detections, { frameIndex, timestamp, width, height }, { detect, detector: this.detector.timings }));
  }

  /** One detector run on a frame ({ width, height, pixels }) that is not tracked or counted (compiles the model). */
  async warmUp({ width, height, pixels }) {
    if (!this.detector) throw new Error('call pipelineLab.load() first');
    await this.detector.detect(new ImageData(decodePixels(pixels), width, height), { regions: this.regions });
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
