// createDetector(): the main-thread face of the detector. It resolves the model from
// frontend/models (index.json + manifest), starts worker.js and turns frames (ImageBitmap,
// ImageData, video, canvas) into Detections (see notes: contracts).
import { KNOWN_BACKENDS } from './backends.js';

/** Where Flask serves frontend/models (index.json, manifests, .onnx files). */
export const MODELS_URL = '/static/models/';

// 'ort': onnxruntime-web (.onnx); 'litert': LiteRT.js (.tflite). The default is the runtime of
// index.json's default model (docs/detection.md says which and why).
export const RUNTIMES = Object.freeze(['ort', 'litert']);

const DEFAULTS = Object.freeze({
  modelsUrl: MODELS_URL,
  modelUrl: null,
  manifestUrl: null,
  inputSize: null,
  precision: null,
  runtime: null,
  backends: ['webnn-gpu', 'webgpu', 'wasm'],
  threads: null,
  scoreThreshold: 0.25,
  iouThreshold: 0.7,
  maxDetections: 300,
  graphOptimizationLevel: 'all',
  ortBaseUrl: '/vendor/onnxruntime-web/',
  litertBaseUrl: '/vendor/@litertjs/core/',
  workerUrl: null,
  allowSoftwareGpu: false,
  intraOpSpinning: true,
  appearance: false,
  onStatus: null,
});

export function detectorDefaults() {
  return { ...DEFAULTS, backends: [...DEFAULTS.backends] };
}

function validate(options) {
  const unknown = Object.keys(options).filter((key) => !(key in DEFAULTS));
  if (unknown.length) throw new TypeError(`unknown detector option(s): ${unknown.join(', ')}`);
  const merged = { ...detectorDefaults(), ...options };
  if (!Array.isArray(merged.backends) || !merged.backends.length) throw new TypeError('backends must be a non-empty array');
  const badBackends = merged.backends.filter((backend) => !KNOWN_BACKENDS.includes(backend));
  if (badBackends.length) throw new TypeError(`unknown backend(s) ${badBackends.join(', ')}; known: ${KNOWN_BACKENDS.join(', ')}`);
  for (const key of ['scoreThreshold', 'iouThreshold']) {
    if (!(merged[key] >= 0 && merged[key] <= 1)) throw new RangeError(`${key} must be in [0, 1], got ${merged[key]}`);
  }
  if (merged.precision !== null && !['fp32', 'int8'].includes(merged.precision)) {
    throw new TypeError(`precision must be "fp32" or "int8", got ${merged.precision}`);
  }
  if (merged.runtime !== null && !RUNTIMES.includes(merged.runtime)) {
    throw new TypeError(`runtime must be one of ${RUNTIMES.map((name) => `"${name}"`).join(', ')}, got ${merged.runtime}`);
  }
  if (merged.threads !== null && !(Number.isInteger(merged.threads) && merged.threads >= 1)) {
    throw new RangeError(`threads must be a positive integer, got ${merged.threads}`);
  }
  if (merged.onStatus !== null && typeof merged.onStatus !== 'function') throw new TypeError('onStatus must be a function');
  return merged;
}

async function fetchJson(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}${response.status === 404 ? ' (run `make model`)' : ''}`);
  return response.json();
}

/**
 * The exported models (frontend/models/index.json): { models: [{ name, inputSize, precision,
 * manifest }], default, defaultSize } (defaultSize: the input size of the default model).
 */
export async function readModelIndex(modelsUrl = MODELS_URL) {
  const index = await fetchJson(new URL('index.json', new URL(modelsUrl, location.href)));
  const models = index.models || [];
  const defaultSize = (models.find((model) => model.name === index.default) || models[0])?.inputSize ?? null;
  return { ...index, models, defaultSize };
}

/** { modelUrl, manifest } of the requested model: explicit URLs, else index.json by size. */
async function resolveModel(options) {
  const base = new URL(options.modelsUrl, location.href);
  let manifestUrl = options.manifestUrl && new URL(options.manifestUrl, location.href);
  if (!manifestUrl && options.modelUrl) manifestUrl = new URL(String(options.modelUrl).replace(/\.(onnx|tflite)$/, '.json'), location.href);
  if (!manifestUrl) {
    const index = await readModelIndex(options.modelsUrl);
    const models = index.models;
    const fallback = models.find((model) => model.name === index.default) || models[0];
    if (!fallback) throw new Error(`no model is listed in ${new URL('index.json', base)} (run \`make model\`)`);
    const precisionOf = (model) => model.precision || 'fp32';
    const runtimeOf = (model) => model.runtime || 'ort';
    const precision = options.precision || precisionOf(fallback);
    const size = options.inputSize == null ? fallback.inputSize : options.inputSize;
    const family = (model) => model.name.replace(/(-litert)?(-int8)?-\d+$/, '');
    const matching = models.filter((model) => model.inputSize === size && precisionOf(model) === precision
      && (!options.runtime || runtimeOf(model) === options.runtime));
    // Without an explicit runtime the default model's is preferred, else any that has the model.
    const rank = (model) => (runtimeOf(model) === runtimeOf(fallback) ? 0 : 2) + (family(model) === family(fallback) ? 0 : 1);
    const entry = matching.sort((first, second) => rank(first) - rank(second))[0];
    if (!entry) {
      const runtime = options.runtime ? ` and runtime ${options.runtime}` : '';
      throw new Error(`no exported model has input size ${size} and precision ${precision}${runtime}; available: ${models.map((model) => model.name).join(', ')}`);
    }
    manifestUrl = new URL(entry.manifest, base);
  }
  const manifest = await fetchJson(manifestUrl);
  const modelUrl = options.modelUrl ? new URL(options.modelUrl, location.href) : new URL(manifest.file, manifestUrl);
  if (options.precision && (manifest.precision || 'fp32') !== options.precision) {
    throw new Error(`${manifestUrl} is a ${manifest.precision || 'fp32'} model, precision ${options.precision} was asked for`);
  }
  if (options.runtime && (manifest.runtime || 'ort') !== options.runtime) {
    throw new Error(`${manifestUrl} is a model for runtime ${manifest.runtime || 'ort'}, runtime ${options.runtime} was asked for`);
  }
  if (options.inputSize != null && manifest.inputSize !== options.inputSize) {
    throw new Error(`${manifestUrl} is a ${manifest.inputSize} px model, inputSize ${options.inputSize} was asked for`);
  }
  return { modelUrl: modelUrl.href, manifest };
}

/** The frame as something the worker takes: raw RGBA (copied) or an ImageBitmap (owned). */
async function frameMessage(source) {
  if (source && source.data && Number.isInteger(source.width) && Number.isInteger(source.height)
      && (typeof ImageBitmap === 'undefined' || !(source instanceof ImageBitmap))) {
    if (source.data.length !== source.width * source.height * 4) {
      throw new RangeError(`pixel data holds ${source.data.length} bytes, ${source.width}x${source.height} RGBA needs ${source.width * source.height * 4}`);
    }
    const copy = new Uint8ClampedArray(source.data);
    return { frame: { rgba: copy.buffer, width: source.width, height: source.height }, transfer: [copy.buffer] };
  }
  if (typeof ImageBitmap !== 'undefined' && source instanceof ImageBitmap) {
    const bitmap = await createImageBitmap(source);
    return { frame: { bitmap }, transfer: [bitmap] };
  }
  if (typeof HTMLVideoElement !== 'undefined' && source instanceof HTMLVideoElement && source.readyState < 2) {
    throw new Error('the video has no frame yet (readyState < HAVE_CURRENT_DATA)');
  }
  try {
    const bitmap = await createImageBitmap(source);
    return { frame: { bitmap }, transfer: [bitmap] };
  } catch (error) {
    throw new TypeError(`cannot read pixels from ${source && source.constructor ? source.constructor.name : typeof source}: ${error.message}`);
  }
}

class Detector {
  constructor(worker, info, onStatus) {
    this.worker = worker;
    this.backend = info.backend;
    this.inputSize = info.inputSize;
    this.info = info;
    this.timings = null;
    this.pending = new Map();
    this.nextId = 1;
    this.onStatus = onStatus;
    this.disposed = false;
    worker.onmessage = (event) => this.receive(event.data);
    worker.onerror = (event) => this.failAll(new Error(`detector worker failed: ${event.message || 'unknown error'}`));
  }

  receive(message) {
    if (message.type === 'status') { if (this.onStatus) this.onStatus(message); return; }
    const waiting = this.pending.get(message.id);
    if (!waiting) return;
    this.pending.delete(message.id);
    if (message.type === 'error') waiting.reject(new Error(message.message));
    else waiting.resolve(message);
  }

  failAll(error) {
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
  }

  request(payload, transfer = []) {
    if (this.disposed) return Promise.reject(new Error('the detector was disposed'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, ...payload }, transfer);
    });
  }

  /** Detections of the people in `source` (frame coordinates); regions: crops to run on. */
  async detect(source, { regions = null } = {}) {
    const started = performance.now();
    const { frame, transfer } = await frameMessage(source);
    const handedOver = performance.now();
    const reply = await this.request({ type: 'detect', frame, regions }, transfer);
    const total = performance.now() - started;
    this.timings = { ...reply.timings, grab: reply.timings.grab + (handedOver - started), total };
    return reply.detections;
  }

  dispose() {
    if (this.disposed) return;
    this.disposed = true;
    this.failAll(new Error('the detector was disposed'));
    this.worker.terminate();
  }
}

/**
 * Start a detector. Options (all optional): modelsUrl, modelUrl, manifestUrl, inputSize,
 * precision ('fp32'|'int8'; default: the precision of index.json's default model),
 * runtime ('ort'|'litert'; default: the runtime of index.json's default model),
 * backends (tried in order; 'webnn-npu'|'webnn-gpu'|'webnn-cpu'|'webgpu'|'wasm'), threads,
 * scoreThreshold, iouThreshold, maxDetections, graphOptimizationLevel, ortBaseUrl, litertBaseUrl,
 * workerUrl, allowSoftwareGpu (accept a CPU-emulated WebGPU adapter; off: it is ~100x slower
 * than WASM), intraOpSpinning (false: idle WASM threads sleep instead of spinning),
 * appearance (true: each Detections also carries `embeddings`, the colour signatures the
 * tracker uses to tell people apart), onStatus({stage, message}).
 */
export async function createDetector(options = {}) {
  const settings = validate(options);
  const { modelUrl, manifest } = await resolveModel(settings);
  // Every core, at most 4: on a 2-core machine 2 threads beat 1 by 1.6x, interleaved
  // (docs/detection.md); more threads than cores only slow it down.
  const threads = settings.threads ?? Math.max(1, Math.min(4, navigator.hardwareConcurrency || 1));
  const workerUrl = settings.workerUrl || new URL('./worker.js', import.meta.url);
  const worker = new Worker(workerUrl, { type: 'module', name: 'detector' });
  const detector = new Detector(worker, { backend: null, inputSize: manifest.inputSize }, settings.onStatus);
  try {
    const reply = await detector.request({
      type: 'init',
      options: {
        modelUrl, manifest, threads, backends: settings.backends,
        scoreThreshold: settings.scoreThreshold, iouThreshold: settings.iouThreshold,
        maxDetections: settings.maxDetections, graphOptimizationLevel: settings.graphOptimizationLevel,
        allowSoftwareGpu: Boolean(settings.allowSoftwareGpu),
        intraOpSpinning: settings.intraOpSpinning !== false,
        appearance: Boolean(settings.appearance),
        ortBaseUrl: new URL(settings.ortBaseUrl, location.href).href,
        litertBaseUrl: new URL(settings.litertBaseUrl, location.href).href,
      },
    });
    Object.assign(detector, { backend: reply.info.backend, inputSize: reply.info.inputSize, precision: reply.info.precision, info: reply.info });
  } catch (error) {
    detector.dispose();
    throw error;
  }
  if (settings.onStatus) settings.onStatus({ stage: 'ready', message: `Detector ready: ${detector.backend} · ${detector.precision}` });
  return detector;
}
