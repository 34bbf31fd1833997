// The page's side of the face worker (I/O shell): starts it on first use only, so a source
// whose switch is off never downloads face-api or a face model. One request at a time is
// the caller's rule (TrackDemographics plans within its budget); this class just talks.

export const FACE_API_URL = '/vendor/@vladmandic/face-api';

export class FaceClient {
  /** @param {{ workerUrl?: string|URL, vendorUrl?: string, inputSize?: number, minFaceScore?: number, minFaceSize?: number }} options */
  constructor({ workerUrl = new URL('./face_worker.js', import.meta.url), vendorUrl = FACE_API_URL, inputSize = 160, minFaceScore = 0.5, minFaceSize = 24 } = {}) {
    this.workerUrl = workerUrl;
    this.options = { vendorUrl: new URL(vendorUrl, globalThis.location?.href).href, inputSize, minFaceScore, minFaceSize };
    this.worker = null;
    this.nextId = 1;
    this.waiting = new Map();
    this.readyPromise = null;
  }

  /** Starts the worker and loads the models (once); resolves with { backend, tfjsVersion }. */
  ready() {
    if (!this.readyPromise) {
      this.worker = new Worker(this.workerUrl, { type: 'module', name: 'face-estimator' });
      this.worker.onmessage = (event) => this.#answer(event.data);
      this.worker.onerror = (event) => this.#failAll(new Error(event.message || 'the face worker failed'));
      this.readyPromise = this.#ask({ type: 'init', options: this.options }, []);
    }
    return this.readyPromise;
  }

  /** The face in an ImageBitmap (transferred: the caller must not use it again), or null. */
  async estimate(image) {
    await this.ready();
    return this.#ask({ type: 'estimate', image }, [image]);
  }

  close() {
    this.worker?.terminate();
    this.#failAll(new Error('the face worker was closed'));
    this.worker = null;
    this.readyPromise = null;
  }

  #ask(message, transfer) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ ...message, id }, transfer);
    });
  }

  #answer(message) {
    const pending = this.waiting.get(message.id);
    if (!pending) return;
    this.waiting.delete(message.id);
    if (message.type === 'error') pending.reject(new Error(message.message));
    else pending.resolve(message.type === 'ready' ? message.info : message.face);
  }

  #failAll(error) {
    for (const pending of this.waiting.values()) pending.reject(error);
    this.waiting.clear();
  }
}
