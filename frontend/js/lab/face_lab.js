// The face lab page: exposes window.faceLab so Playwright (the accuracy evaluation, the
// benchmark) can run the app's own pieces on still images: the person detector finds people,
// TrackDemographics cuts the upper part of each box as the monitor does, the face worker
// estimates, combineSamples makes the estimate a one-face track would get.
import { FaceClient } from '../demographics/face_client.js';
import { TrackDemographics, combineSamples } from '../demographics/track_demographics.js';
import { createDetector } from '../detector/index.js';
import { decodePixels } from './plain.js';

class FaceLab {
  constructor(elements) {
    this.elements = elements;
    this.client = null;
    this.detector = null;
    this.planner = new TrackDemographics();
  }

  async load(options = {}) {
    this.client?.close();
    this.client = new FaceClient(options);
    const info = await this.client.ready();
    this.elements.backend.textContent = info.backend;
    return info;
  }

  async loadDetector(options = {}) {
    this.detector?.dispose();
    this.detector = await createDetector(options);
    return { backend: this.detector.backend, inputSize: this.detector.inputSize };
  }

  /** The face in `rect` of an image URL ({x, y, width, height}; whole image when null). */
  async estimateUrl(url, rect = null) {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    return this.#estimate(await createImageBitmap(await response.blob()), rect);
  }

  /**
   * Every person the detector finds in an image (base64 bytes of a JPEG or PNG) whose box is
   * tall enough: { box, score, rect, face, estimate, milliseconds }.
   */
  async estimatePeople(base64, { minScore = 0.5 } = {}) {
    const whole = await createImageBitmap(new Blob([decodePixels(base64)]));
    try {
      const detections = await this.detector.detect(whole);
      const people = [];
      for (let i = 0; i < detections.count; i += 1) {
        const box = Array.from(detections.boxes.subarray(i * 4, i * 4 + 4));
        const score = detections.scores[i];
        if (score < minScore || box[3] - box[1] < this.planner.options.minPersonHeight) continue;
        const rect = this.planner.cropOf(box, whole.width, whole.height);
        if (!rect) continue;
        const { face, milliseconds } = await this.#estimate(whole, rect, false);
        people.push({ box, score, rect, face, estimate: combineSamples(face ? [face] : [], this.planner.options), milliseconds });
      }
      return { width: whole.width, height: whole.height, people };
    } finally {
      whole.close();
    }
  }

  async #estimate(whole, rect, closeWhole = true) {
    const crop = rect ? await createImageBitmap(whole, rect.x, rect.y, rect.width, rect.height) : whole;
    if (closeWhole && crop !== whole) whole.close();
    const started = performance.now();
    const face = await this.client.estimate(crop);
    return { face, milliseconds: performance.now() - started };
  }
}

window.faceLab = new FaceLab({ backend: document.getElementById('lab-backend') });
document.body.dataset.labReady = 'yes';
