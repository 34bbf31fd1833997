// The detector's module Web Worker: owns the inference runtime (onnxruntime-web or LiteRT.js),
// grabs pixels, letterboxes, runs the model and post-processes, off the main thread.
// Protocol: {type:'init', id, options} -> {type:'ready', id, info};
//           {type:'detect', id, frame, regions} -> {type:'result', id, detections, timings};
//           any failure -> {type:'error', id, message}.
import { letterboxRgba, normaliseRegion } from './letterbox.js';
import { outputLayout, postprocess } from './postprocess.js';
import { createOrtRuntime } from './runtime_ort.js';
import { createLiteRtRuntime } from './runtime_litert.js';
import { appearanceEmbeddings } from '../tracker/appearance.js';
import { fetchModelBytes } from './model_fetch.js';

const RUNTIMES = { ort: createOrtRuntime, litert: createLiteRtRuntime };

class DetectorWorker {
  constructor(scope) {
    this.scope = scope;
    this.runtime = null;
    this.tensorData = null;
    this.canvas = null;
    this.queue = Promise.resolve();
  }

  status(stage, message, extra = {}) {
    this.scope.postMessage({ type: 'status', stage, message, ...extra });
  }

  async init(options) {
    const create = RUNTIMES[options.manifest.runtime || 'ort'];
    if (!create) throw new Error(`unknown runtime ${options.manifest.runtime} in the model's manifest`);
    this.status('loading-model', 'Downloading the person detector…', { loaded: 0, total: 0 });
    let lastReport = 0;
    const { bytes: modelBytes, fromCache } = await fetchModelBytes(options.modelUrl, {
      onProgress: (loaded, total) => {
        if (loaded - lastReport < 256 * 1024 && loaded !== total) return; // a few reports, not thousands
        lastReport = loaded;
        this.status('loading-model', 'Downloading the person detector…', { loaded, total });
      },
    });
    this.status('preparing-model', fromCache ? 'Preparing the person detector (kept from an earlier visit)…' : 'Preparing the person detector…');
    this.runtime = await create(options, modelBytes, this.scope, (stage, message) => this.status(stage, message));
    this.manifest = options.manifest;
    this.size = options.manifest.inputSize;
    this.layout = outputLayout({
      task: options.manifest.task,
      classCount: options.manifest.classNames.length,
      keypointCount: options.manifest.keypoints ? options.manifest.keypoints.count : 0,
      keypointDims: options.manifest.keypoints ? options.manifest.keypoints.dims : 3,
      channels: options.manifest.outputShape ? options.manifest.outputShape[1] : undefined,
    });
    this.postOptions = {
      scoreThreshold: options.scoreThreshold,
      iouThreshold: options.iouThreshold,
      maxDetections: options.maxDetections,
      personClassIds: options.manifest.personClassIds || [0],
    };
    // The tracker's appearance cue: colour signatures of each box, made here where the
    // pixels already are (detections.embeddings).
    this.appearance = Boolean(options.appearance);
    this.tensorData = new Float32Array(3 * this.size * this.size);
    const { backend, threads, inputLayout } = this.runtime;
    return { backend, threads, runtime: options.manifest.runtime || 'ort', inputLayout,
      precision: options.manifest.precision || 'fp32',
      crossOriginIsolated: Boolean(this.scope.crossOriginIsolated),
      inputSize: this.size, modelName: options.manifest.name, task: options.manifest.task };
  }

  grab(frame) {
    if (frame.rgba) return { rgba: new Uint8ClampedArray(frame.rgba), width: frame.width, height: frame.height };
    const { bitmap } = frame;
    if (!this.canvas || this.canvas.width !== bitmap.width || this.canvas.height !== bitmap.height) {
      this.canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      this.context = this.canvas.getContext('2d', { willReadFrequently: true });
    }
    const { width, height } = bitmap;
    this.context.drawImage(bitmap, 0, 0);
    bitmap.close();
    return { rgba: this.context.getImageData(0, 0, width, height).data, width, height };
  }

  async detect(frame, regions) {
    if (!this.runtime) throw new Error('the detector is not initialised');
    const now = () => this.scope.performance.now();
    const started = now();
    const { rgba, width, height } = this.grab(frame);
    const grabbed = now();
    const runs = [];
    let preprocess = 0, inference = 0;
    for (const region of regions && regions.length ? regions : [null]) {
      const before = now();
      const crop = normaliseRegion(region, width, height);
      const params = letterboxRgba(rgba, width, height, this.size, this.tensorData, crop,
        { layout: this.runtime.inputLayout });
      const between = now();
      const { output, anchors } = await this.runtime.run(this.tensorData);
      runs.push({ output, anchors, params, region: crop });
      preprocess += between - before;
      inference += now() - between;
    }
    const decodeStarted = now();
    const detections = postprocess(runs, this.layout, this.postOptions, { width, height });
    if (this.appearance) detections.embeddings = appearanceEmbeddings({ data: rgba, width, height }, detections);
    const timings = { grab: grabbed - started, preprocess, inference, decode: now() - decodeStarted };
    return { detections, timings, width, height };
  }

  handle(message) {
    const reply = (payload, transfer = []) => this.scope.postMessage({ id: message.id, ...payload }, transfer);
    const work = async () => {
      try {
        if (message.type === 'init') {
          reply({ type: 'ready', info: await this.init(message.options) });
        } else if (message.type === 'detect') {
          const result = await this.detect(message.frame, message.regions);
          const { detections } = result;
          const transfer = [detections.boxes.buffer, detections.scores.buffer, detections.classIds.buffer];
          if (detections.keypoints) transfer.push(detections.keypoints.buffer);
          if (detections.embeddings) transfer.push(detections.embeddings.buffer);
          reply({ type: 'result', ...result }, transfer);
        } else if (message.type === 'dispose') {
          if (this.runtime) await this.runtime.release();
          this.runtime = null;
          reply({ type: 'disposed' });
        } else {
          throw new Error(`unknown message type ${message.type}`);
        }
      } catch (error) {
        reply({ type: 'error', message: error && error.message ? error.message : String(error) });
      }
    };
    // One message at a time: the tensor buffer and the runtime are shared.
    this.queue = this.queue.then(work);
  }
}

const detectorWorker = new DetectorWorker(self);
self.onmessage = (event) => detectorWorker.handle(event.data);
