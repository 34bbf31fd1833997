// onnxruntime-web behind the detector worker's runtime interface (I/O: runs in the worker):
// createOrtRuntime(options, modelBytes, scope, status) ->
//   { backend, threads, inputLayout, run(tensorData) -> {output, anchors}, release() }.
import { backendLabel, bundleFor, executionProvider, unavailableReason } from './backends.js';

async function createSession(ort, modelBytes, options, threads, scope, status) {
  const failures = [];
  for (const backend of options.backends) {
    const reason = await unavailableReason(backend, scope, { allowSoftwareGpu: options.allowSoftwareGpu });
    if (reason) { failures.push(`${backend}: ${reason}`); status('backend-skipped', failures.at(-1)); continue; }
    status('creating-session', `Starting ${backendLabel(backend, threads)}`);
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
      status('backend-skipped', failures.at(-1));
    }
  }
  throw new Error(`no backend could run the model (${failures.join('; ')})`);
}

export async function createOrtRuntime(options, modelBytes, scope, status) {
  const ort = await import(new URL(bundleFor(options.backends), options.ortBaseUrl).href);
  ort.env.wasm.wasmPaths = options.ortBaseUrl;
  const threads = scope.crossOriginIsolated ? options.threads : 1;
  ort.env.wasm.numThreads = threads;
  ort.env.logLevel = 'error';
  const { session, backend } = await createSession(ort, modelBytes, options, threads, scope, status);
  const size = options.manifest.inputSize;
  const inputName = session.inputNames[0];
  const outputName = session.outputNames[0];
  return {
    backend: `onnxruntime-web ${backend}`,
    threads: backend.startsWith('wasm') ? threads : 0,
    inputLayout: 'nchw',
    async run(tensorData) {
      const input = new ort.Tensor('float32', tensorData, [1, 3, size, size]);
      const output = (await session.run({ [inputName]: input }))[outputName];
      return { output: output.data, anchors: output.dims[2] };
    },
    release: () => session.release(),
  };
}
