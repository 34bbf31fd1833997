// The detector lab page: exposes window.lab so Playwright (parity test, benchmark) can load a
// model and run the real detector on given RGBA pixels, as raw pixels or as an ImageBitmap.
import { createDetector } from '../detector/index.js';
import { decodePixels, plainDetections } from './plain.js';

class DetectorLab {
  constructor(elements) {
    this.elements = elements;
    this.detectors = new Map();   // slot name -> Detector (several, to interleave comparisons)
    this.frames = new Map();
    elements.isolated.textContent = String(self.crossOriginIsolated);
  }

  log(text) {
    this.elements.log.textContent += `${text}\n`;
  }

  /** Start a detector in `slot` (replacing the one there); its backend and input size. */
  async load(options = {}, slot = 'main') {
    if (this.detectors.has(slot)) this.detectors.get(slot).dispose();
    this.detectors.delete(slot);
    this.elements.backend.textContent = 'loading';
    const detector = await createDetector({ ...options, onStatus: (status) => this.log(`${status.stage}: ${status.message}`) });
    this.detectors.set(slot, detector);
    this.elements.backend.textContent = detector.backend;
    return { backend: detector.backend, inputSize: detector.inputSize, info: detector.info,
      crossOriginIsolated: self.crossOriginIsolated };
  }

  /** Keep a frame in the page (key -> ImageData) so repeated runs skip the transfer. */
  storeFrame(key, width, height, pixels) {
    this.frames.set(key, new ImageData(decodePixels(pixels), width, height));
    return this.frames.size;
  }

  clearFrames() {
    this.frames.clear();
  }

  async detectRgba(width, height, pixels, options = {}) {
    return this.detectImage(new ImageData(decodePixels(pixels), width, height), options);
  }

  async detectStored(key, options = {}) {
    const image = this.frames.get(key);
    if (!image) throw new Error(`no stored frame ${key}`);
    return this.detectImage(image, options);
  }

  /** options.as: 'imagedata' (exact pixels, the default) or 'bitmap' (the video path);
   * options.slot: which loaded detector. */
  async detectImage(image, { as = 'imagedata', regions = null, slot = 'main' } = {}) {
    const detector = this.detectors.get(slot);
    if (!detector) throw new Error(`no detector in slot ${slot}: call lab.load() first`);
    const source = as === 'bitmap' ? await createImageBitmap(image) : image;
    const started = performance.now();
    const detections = await detector.detect(source, { regions });
    const elapsed = performance.now() - started;
    if (as === 'bitmap') source.close();
    return { ...plainDetections(detections), timings: { ...detector.timings, total: elapsed } };
  }

  /**
   * Frames per second when `workers` detectors (each its own worker and session) take the
   * stored frames round-robin, all in flight at once: throughput, not latency.
   */
  async throughput(options, workers, rounds = 2) {
    const detectors = await Promise.all(Array.from({ length: workers }, () => createDetector(options)));
    try {
      const images = [...this.frames.values()];
      const runAll = () => Promise.all(detectors.map(async (detector, index) => {
        for (let key = index; key < images.length; key += workers) await detector.detect(images[key]);
      }));
      await runAll();   // warm-up
      const started = performance.now();
      for (let round = 0; round < rounds; round++) await runAll();
      const perFrame = (performance.now() - started) / (rounds * images.length);
      return { workers, backend: detectors[0].backend, msPerFrame: perFrame, fps: 1000 / perFrame };
    } finally {
      detectors.forEach((detector) => detector.dispose());
    }
  }

  dispose() {
    this.detectors.forEach((detector) => detector.dispose());
    this.detectors.clear();
  }
}

const lab = new DetectorLab({
  isolated: document.getElementById('lab-isolated'),
  backend: document.getElementById('lab-backend'),
  log: document.getElementById('lab-log'),
});
document.getElementById('lab-load').addEventListener('click', () => {
  lab.load().catch((error) => lab.log(`error: ${error.message}`));
});
window.lab = lab;
