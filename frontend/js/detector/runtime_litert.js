// LiteRT.js (@litertjs/core, XNNPACK in WASM) behind the detector worker's runtime interface
// (I/O: runs in the module worker). The model takes an NHWC float input and gives the ONNX
// model's [1, channels, anchors] output in input pixels (tools/export_litert.py).
//
// LiteRT.js loads its Emscripten script with importScripts(), which a module worker does not
// have, and finds its files from document.currentScript, which a worker does not have either.
// So the script is loaded first as a module through its AMD export (no eval: it works under a
// CSP with only 'wasm-unsafe-eval'), importScripts becomes a no-op for the loader, and
// self.Module tells the runtime where its .wasm is and which script its pthread workers load.
import { countOf } from '../ui/words.js';

const THREADED_SCRIPT = 'litert_wasm_threaded_internal.js';   // relaxed SIMD + threads
const SINGLE_SCRIPT = 'litert_wasm_internal.js';               // relaxed SIMD
const COMPAT_SCRIPT = 'litert_wasm_compat_internal.js';        // plain SIMD, one thread

/** ModuleFactory of an Emscripten MODULARIZE script, taken from its AMD `define` branch. */
async function importModuleFactory(scriptUrl, scope) {
  let factory = null;
  const define = (dependencies, make) => { factory = make(); };
  define.amd = true;
  scope.define = define;
  try {
    await import(scriptUrl);
  } finally {
    delete scope.define;
  }
  if (typeof factory !== 'function') throw new Error(`${scriptUrl} did not export its ModuleFactory`);
  return factory;
}

/** The build LiteRT.js itself would pick (its threaded build needs relaxed SIMD). */
async function buildFor(litert, threads) {
  const relaxedSimd = await litert.supportsFeature('relaxedSimd');
  if (!relaxedSimd) return { script: COMPAT_SCRIPT, threads: 1 };
  return threads > 1 ? { script: THREADED_SCRIPT, threads } : { script: SINGLE_SCRIPT, threads: 1 };
}

async function loadRuntime(options, scope, wantedThreads) {
  const litert = await import(new URL('index.js', options.litertBaseUrl).href);
  const { script, threads } = await buildFor(litert, wantedThreads);
  const wasmBase = new URL('wasm/', options.litertBaseUrl).href;
  const scriptUrl = new URL(script, wasmBase).href;
  const factory = await importModuleFactory(scriptUrl, scope);
  const ownImportScripts = Object.prototype.hasOwnProperty.call(scope, 'importScripts');
  const importScripts = scope.importScripts;
  scope.importScripts = () => {};          // the script is already loaded
  scope.ModuleFactory = factory;
  scope.Module = { mainScriptUrlOrBlob: scriptUrl, locateFile: (path) => new URL(path, wasmBase).href };
  try {
    await litert.loadLiteRt(wasmBase, { threads: threads > 1 });
  } finally {
    if (ownImportScripts) scope.importScripts = importScripts; else delete scope.importScripts;
  }
  return { litert, threads };
}

export async function createLiteRtRuntime(options, modelBytes, scope, status) {
  if (!options.backends.includes('wasm')) throw new Error('LiteRT.js runs here on its WASM (XNNPACK) backend only: add "wasm" to backends');
  status('creating-session', 'Starting LiteRT.js wasm');
  const { litert, threads } = await loadRuntime(options, scope, scope.crossOriginIsolated ? options.threads : 1);
  const label = `LiteRT.js wasm (${countOf(threads, 'thread')})`;
  const model = await litert.loadAndCompile(modelBytes, { accelerator: 'wasm', cpuOptions: { numThreads: threads } });
  const size = options.manifest.inputSize;
  const channels = options.manifest.outputShape[1];
  return {
    backend: label,
    threads,
    inputLayout: 'nhwc',
    async run(tensorData) {
      const input = new litert.Tensor(tensorData, [1, size, size, 3]);
      try {
        const [result] = await model.run([input]);
        const output = result.toTypedArray().slice();
        result.delete();
        return { output, anchors: output.length / channels };
      } finally {
        input.delete();
      }
    },
    release: () => model.delete(),
  };
}
