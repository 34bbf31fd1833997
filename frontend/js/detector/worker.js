// The detector's module Web Worker: owns the onnxruntime-web session, grabs pixels,
// letterboxes, runs the model and post-processes, off the main thread.
// Protocol: {type:'init', id, options} -> {type:'ready', id, info};
//           {type:'detect', id, frame, regions} -> {type:'result', id, detections, timings};
//           any failure -> {type:'error', id, message}.
import { letterboxRgba, normaliseRegion } from './letterbox.js';
import { outputLayout, postprocess } from './postprocess.js';
import { backendLabel, bundleFor, executionProvider, unavailableReason } from './backends.js';
import { appearanceEmbeddings } from '../tracker/appearance.js';

class DetectorWorker {
  constructor(scope) {
    this.scope = scope;
    this.session = null;
    this.tensorData = null;
    this.canvas = null;
    this.queue = Promise.resolve();
  }

  status(stage, message) {
    this.scope.postMessage({ type: 'status', stage, message });
  }

  async init(options) {
    const ort = await import(new URL(bundleFor(options.backends), options.ortBaseUrl).href);
    ort.env.wasm.wasmPaths = options.ortBaseUrl;
    const isolated = Boolean(this.scope.crossOriginIsolated);
    const threads = isolated ? options.threads : 1;
    ort.env.wasm.numThreads = threads;
    ort.env.logLevel = 'error';
    this.status('loading-model', `Loading ${options.modelUrl}`);
    const response = await fetch(options.modelUrl);
    if (!response.ok) throw new Error(`model ${options.modelUrl}: HTTP ${response.status}`);
    const modelBytes = new Uint8Array(await response.arrayBuffer());
    const { session, backend } = await this.createSession(ort, modelBytes, options, threads);
    this.ort = ort;
    this.session = session;
    this.manifest = options.manifest;
    this.size = options.manifest.inputSize;
    this.inputName = session.inputNames[0];
    this.outputName = session.outputNames[0];
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
    return { backend, threads: backend.startsWith('wasm') ? threads : 0, crossOriginIsolated: isolated,
      inputSize: this.size, modelName: options.manifest.name, task: options.manifest.task };
  }

  async createSession(ort, modelBytes, options, threads) {
    const failures = [];
    for (const backend of options.backends) {
      const reason = await unavailableReason(backend, this.scope, { allowSoftwareGpu: options.allowSoftwareGpu });
      if (reason) { failures.push(`${backend}: ${reason}`); this.status('backend-skipped', failures.at(-1)); continue; }
      this.status('creating-session', `Starting ${backendLabel(backend, threads)}`);
      try {
        const session = await ort.InferenceSession.create(modelBytes, {
          executionProviders: [executionProvider(backend)],
          graphOptimizationLevel: options.graphOptimizationLevel,
          // Idle WASM threads spin by default, taking CPU the page may need.
          ...(options.intraOpSpinning === false ? { extra: { session: { intra_op: { allow_spinning: '0' } } } } : {}),
        });
        return { session, backend: backendLabel(backend, threads) };
      } catch (error) {
        failures.push(`${backend}: ${error.message || error}`);
        this.status('backend-skipped', failures.at(-1));
      }
    }
    throw new Error(`no backend could run the model (${failures.join('; ')})`);
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
    if (!this.session) throw new Error('the detector is not initialised');
    const now = () => this.scope.performance.now();
    const started = now();
    const { rgba, width, height } = this.grab(frame);
    const grabbed = now();
    const runs = [];
    let preprocess = 0, inference = 0;
    for (const region of regions && regions.length ? regions : [null]) {
      const before = now();
      const crop = normaliseRegion(region, width, height);
      const params = letterboxRgba(rgba, width, height, this.size, this.tensorData, crop);
      const input = new this.ort.Tensor('float32', this.tensorData, [1, 3, this.size, this.size]);
      const between = now();
      const outputs = await this.session.run({ [this.inputName]: input });
      const output = outputs[this.outputName];
      runs.push({ output: output.data, anchors: output.dims[2], params, region: crop });
      preprocess += between - before;
      inference += now() - between;
    }
    const decodeStarted = now();
    const detections = postprocess(runs, this.layout, this.postOptions);
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
          if (this.session) await this.session.release();
          this.session = null;
          reply({ type: 'disposed' });
        } else {
          throw new Error(`unknown message type ${message.type}`);
        }
      } catch (error) {
        reply({ type: 'error', message: error && error.message ? error.message : String(error) });
      }
    };
    // One message at a time: the tensor buffer and the session are shared.
    this.queue = this.queue.then(work);
  }
}

const detectorWorker = new DetectorWorker(self);
self.onmessage = (event) => detectorWorker.handle(event.data);
