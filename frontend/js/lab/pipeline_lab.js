// The pipeline lab page: exposes window.pipelineLab so tools/evaluate.py can run the app's
// own detector, tracker and counting engine on frames it decoded, every frame, and read back
// detections, tracks, counts, events and per-stage timings.
import { createDetector } from '../detector/index.js';
import { ByteTracker } from '../tracker/byte_tracker.js';
import { CountingEngine } from '../counting/counting_engine.js';
import { footPoints } from '../counting/foot_points.js';

function decodeBase64(text) {
  const binary = atob(text);
  const bytes = new Uint8ClampedArray(binary.length);
  for (let index = 0; index < binary.length; index += 1) bytes[index] = binary.charCodeAt(index);
  return bytes;
}

const round = (value) => Math.round(value * 100) / 100;

function plainDetections(detections) {
  return {
    count: detections.count,
    boxes: Array.from(detections.boxes, round),
    scores: Array.from(detections.scores, (score) => Math.round(score * 1e4) / 1e4),
    keypoints: detections.keypoints ? Array.from(detections.keypoints, round) : null,
    keypointCount: detections.keypointCount || 0,
  };
}

function plainTracks(tracked) {
  const feet = footPoints(tracked);
  return Array.from({ length: tracked.count }, (_, i) => ({
    id: tracked.trackIds[i],
    box: Array.from(tracked.boxes.subarray(i * 4, i * 4 + 4), round),
    score: Math.round(tracked.scores[i] * 1e4) / 1e4,
    foot: [round(feet[i * 2]), round(feet[i * 2 + 1])],
  }));
}

/** Detections with trackIds from plain rows [{ id, box }] (ground truth, peer tracks). */
function trackedFromRows(rows) {
  const n = rows.length;
  const boxes = new Float32Array(4 * n);
  const trackIds = new Int32Array(n);
  rows.forEach((row, i) => {
    boxes.set(row.box, i * 4);
    trackIds[i] = row.id;
  });
  return { count: n, boxes, scores: new Float32Array(n).fill(1), classIds: new Int32Array(n), keypoints: null, keypointCount: 0, trackIds };
}

class PipelineLab {
  constructor(elements) {
    this.elements = elements;
    this.detector = null;
    this.tracker = null;
    this.engine = null;
    this.frames = 0;
    elements.isolated.textContent = String(self.crossOriginIsolated);
  }

  log(text) {
    this.elements.log.textContent += `${text}\n`;
  }

  /** options: { detector: createDetector options, tracker: ByteTracker options, counting: CountingEngine options, regions } */
  async load({ detector = {}, tracker = {}, counting = {}, regions = null } = {}) {
    this.dispose();
    this.tracker = new ByteTracker(tracker);
    this.engine = new CountingEngine(counting);
    this.regions = regions;
    this.detector = await createDetector({ appearance: true, ...detector, onStatus: (status) => this.log(`${status.stage}: ${status.message}`) });
    this.elements.backend.textContent = this.detector.backend;
    this.frames = 0;
    return { backend: this.detector.backend, inputSize: this.detector.inputSize, crossOriginIsolated: self.crossOriginIsolated };
  }

  /** One frame: { frameIndex, timestamp, width, height, pixels (base64 RGBA) }. */
  async processFrame({ frameIndex, timestamp, width, height, pixels }) {
    if (!this.detector) throw new Error('call pipelineLab.load() first');
    const image = new ImageData(decodeBase64(pixels), width, height);
    const frame = { frameIndex, timestamp };
    const started = performance.now();
    const detections = await this.detector.detect(image, { regions: this.regions });
    const detected = performance.now();
    const tracked = this.tracker.update(detections, { ...frame, width, height });
    const trackedAt = performance.now();
    const result = this.engine.update(tracked, frame);
    const counted = performance.now();
    this.frames += 1;
    this.elements.frames.textContent = String(this.frames);
    return {
      frameIndex,
      detections: plainDetections(detections),
      tracks: plainTracks(tracked),
      lines: result.lines,
      zones: result.zones,
      events: result.events,
      timings: {
        detect: detected - started, track: trackedAt - detected, count: counted - trackedAt,
        detector: this.detector.timings,
      },
    };
  }

  /** One detector run on a frame ({ width, height, pixels }) that is not tracked or counted (compiles the model). */
  async warmUp({ width, height, pixels }) {
    if (!this.detector) throw new Error('call pipelineLab.load() first');
    await this.detector.detect(new ImageData(decodeBase64(pixels), width, height), { regions: this.regions });
    return true;
  }

  /** End of the video: every track ends, pending crossings become final. */
  finish() {
    return this.engine.flush();
  }

  /**
   * Count given tracks (ground truth or another tracker's output) with the same counting
   * engine: frames = [{ frameIndex, timestamp, tracks: [{ id, box }] }].
   */
  countTracks(frames, counting) {
    const engine = new CountingEngine(counting);
    const perFrame = [];
    const events = [];
    for (const { frameIndex, timestamp, tracks } of frames) {
      const result = engine.update(trackedFromRows(tracks), { frameIndex, timestamp });
      perFrame.push({ frameIndex, lines: result.lines, zones: result.zones });
      events.push(...result.events);
    }
    const flushed = engine.flush();
    events.push(...flushed.events);
    return { perFrame, events, final: { lines: flushed.lines, zones: flushed.zones } };
  }

  dispose() {
    if (this.detector) this.detector.dispose();
    this.detector = null;
  }
}

window.pipelineLab = new PipelineLab({
  isolated: document.getElementById('lab-isolated'),
  backend: document.getElementById('lab-backend'),
  frames: document.getElementById('lab-frames'),
  log: document.getElementById('lab-log'),
});
