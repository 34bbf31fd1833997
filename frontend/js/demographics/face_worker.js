// The demographics module worker: owns face-api (TF.js bundled, its CPU backend: no GPU, no
// eval, no extra .wasm) and its two models, loaded only when a source's switch is on.
// Protocol: {type:'init', id, options:{ vendorUrl, inputSize, minFaceScore, minFaceSize }}
//             -> {type:'ready', id, info:{ backend, tfjsVersion }};
//           {type:'estimate', id, image: ImageBitmap} -> {type:'result', id, face}
//             face: { age, gender, genderProbability, score, size } or null (no usable face);
//           any failure -> {type:'error', id, message}.
// The crop is closed here and nothing of it leaves the worker but those five numbers.

class FaceWorker {
  constructor(scope) {
    this.scope = scope;
    this.faceapi = null;
    this.options = null;
    this.queue = Promise.resolve();
  }

  async init({ vendorUrl, inputSize = 160, minFaceScore = 0.5, minFaceSize = 24 }) {
    const faceapi = await import(`${vendorUrl}/dist/face-api.esm.js`);
    const tf = faceapi.tf;
    // A worker has no document: face-api's environment is set to the worker's own pieces
    // (it only needs fetch for the weights; inputs arrive as tensors, never as elements).
    const none = class NotInAWorker {};
    faceapi.env.setEnv({
      Canvas: OffscreenCanvas, CanvasRenderingContext2D: OffscreenCanvasRenderingContext2D,
      Image: none, ImageData, Video: none,
      createCanvasElement: () => new OffscreenCanvas(1, 1),
      createImageElement: () => { throw new Error('no image elements in a worker'); },
      createVideoElement: () => { throw new Error('no video elements in a worker'); },
      fetch: (...args) => fetch(...args),
      readFile: () => { throw new Error('no files in a worker'); },
    });
    await tf.setBackend('cpu');
    await tf.ready();
    const modelUrl = `${vendorUrl}/model`;
    await faceapi.nets.tinyFaceDetector.loadFromUri(modelUrl);
    await faceapi.nets.ageGenderNet.loadFromUri(modelUrl);
    this.faceapi = faceapi;
    this.detectorOptions = new faceapi.TinyFaceDetectorOptions({ inputSize, scoreThreshold: minFaceScore });
    this.minFaceSize = minFaceSize;
    return { backend: tf.getBackend(), tfjsVersion: tf.version_core || null, inputSize };
  }

  async estimate(image) {
    const { tf } = this.faceapi;
    const pixels = tf.browser.fromPixels(image);
    image.close();
    try {
      const found = await this.faceapi.detectSingleFace(pixels, this.detectorOptions).withAgeAndGender();
      if (!found) return null;
      const box = found.detection.box;
      const size = Math.min(box.width, box.height);
      if (size < this.minFaceSize) return null;
      return { age: found.age, gender: found.gender, genderProbability: found.genderProbability,
        score: found.detection.score, size };
    } finally {
      pixels.dispose();
    }
  }

  handle(message) {
    const { type, id } = message;
    this.queue = this.queue.then(async () => {
      try {
        if (type === 'init') this.scope.postMessage({ type: 'ready', id, info: await this.init(message.options) });
        else if (type === 'estimate') this.scope.postMessage({ type: 'result', id, face: await this.estimate(message.image) });
        else throw new Error(`unknown message ${type}`);
      } catch (error) {
        message.image?.close?.();
        this.scope.postMessage({ type: 'error', id, message: error && error.message ? error.message : String(error) });
      }
    });
  }
}

const worker = new FaceWorker(self);
self.onmessage = (event) => worker.handle(event.data);
