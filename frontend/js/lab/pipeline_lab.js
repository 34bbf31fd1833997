// The pipeline lab page: exposes window.pipelineLab so tools/evaluate.py can run the app's
// own detector and FramePipeline (tracker, counting engine, alerts: the code the monitor
// runs) on frames it decoded, every frame, and read back detections, tracks, counts, events
// and per-stage timings. Frames may also come as recorded detections (no detector).
import { createDetector } from '../detector/index.js';
import { detectionsFromRows } from '../core/detections.js';
import { FramePipeline } from '../pipeline/frame_pipeline.js';
import { decodePixels, detectionsFromPlain, plainDetections, plainTracks } from './plain.js';

const clock = () => performance.now();

class PipelineLab {
  constructor(elements) {
    this.elements = elements;
    this.detector = null;
    this.pipeline = null;
    this.regions = null;
    this.frames = 0;
    elements.isolated.textContent = String(self.crossOriginIsolated);
  }

  log(text) {
    this.elements.log.textContent += `${text}\n`;
  }

  /** A fresh FramePipeline without a detector (for recorded detections): { tracker, counting }. */
  start({ tracker = {}, counting = {} } = {}) {
    this.pipeline = new FramePipeline({ tracker, counting, clock });
    this.frames = 0;
    this.elements.frames.textContent = '0';
  }

  /** options: { detector: createDetector options, tracker: ByteTracker options, counting: CountingEngine options, regions } */
  async load({ detector = {}, tracker = {}, counting = {}, regions = null } = {}) {
    this.dispose();
    this.start({ tracker, counting });
    this.regions = regions;
    this.detector = await createDetector({ appearance: true, ...detector, onStatus: (status) => this.log(`${status.stage}: ${status.message}`) });
    this.elements.backend.textContent = this.detector.backend;
    return { backend: this.detector.backend, inputSize: this.detector.inputSize, crossOriginIsolated: self.crossOriginIsolated };
  }

  /** One frame: { frameIndex, timestamp, width, height, pixels (base64 RGBA) }. */
  async processFrame({ frameIndex, timestamp, width, height, pixels }) {
    if (!this.detector) throw new Error('call pipelineLab.load() first');
    const image = new ImageData(decodePixels(pixels), width, height);
    const started = clock();
    const detections = await this.detector.detect(image, { regions: this.regions });
    const detect = clock() - started;
    return this.#step(detections, { frameIndex, timestamp, width, height }, { detect, detector: this.detector.timings });
  }

  /** One frame of recorded detections: { frameIndex, timestamp, width, height, detections (plain) }. */
  processDetections({ frameIndex, timestamp, width, height, detections }) {
    if (!this.pipeline) throw new Error('call pipelineLab.start() or load() first');
    return this.#step(detectionsFromPlain(detections), { frameIndex, timestamp, width, height }, { detect: 0, detector: null });
  }

  /** End of the video: every track ends, pending crossings become final, open alerts end. */
  finish() {
    return this.pipeline.flush();
  }

  /**
   * Count given tracks (ground truth or another tracker's output) with the same pipeline's
   * counting: frames = [{ frameIndex, timestamp, tracks: [{ id, box }] }].
   */
  countTracks(frames, counting) {
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

  dispose() {
    if (this.detector) this.detector.dispose();
    this.detector = null;
  }

  #step(detections, frame, { detect, detector }) {
    if (!this.pipeline) throw new Error('call pipelineLab.load() first');
    const output = this.pipeline.process(detections, frame);
    this.frames += 1;
    this.elements.frames.textContent = String(this.frames);
    return {
      frameIndex: frame.frameIndex,
      detections: plainDetections(detections, { rounded: true }),
      tracks: plainTracks(output),
      lines: output.result.lines,
      zones: output.result.zones,
      events: output.result.events,
      timings: { detect, ...output.timings, detector },
    };
  }
}

window.pipelineLab = new PipelineLab({
  isolated: document.getElementById('lab-isolated'),
  backend: document.getElementById('lab-backend'),
  frames: document.getElementById('lab-frames'),
  log: document.getElementById('lab-log'),
});
