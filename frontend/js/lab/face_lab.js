// The face lab page: exposes window.faceLab so Playwright (the accuracy test, the benchmark)
// can run the app's own face worker on an image URL (a crop of it, as the monitor does).
import { FaceClient } from '../demographics/face_client.js';

class FaceLab {
  constructor(elements) {
    this.elements = elements;
    this.client = null;
  }

  async load(options = {}) {
    this.client?.close();
    this.client = new FaceClient(options);
    const info = await this.client.ready();
    this.elements.backend.textContent = info.backend;
    return info;
  }

  /** The face in `rect` ({x, y, width, height} in image pixels; whole image when null). */
  async estimateUrl(url, rect = null) {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    const whole = await createImageBitmap(await response.blob());
    const crop = rect ? await createImageBitmap(whole, rect.x, rect.y, rect.width, rect.height) : whole;
    if (crop !== whole) whole.close();
    const started = performance.now();
    const face = await this.client.estimate(crop);
    return { face, milliseconds: performance.now() - started };
  }
}

window.faceLab = new FaceLab({ backend: document.getElementById('lab-backend') });
document.body.dataset.labReady = 'yes';
