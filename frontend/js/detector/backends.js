// Execution providers of onnxruntime-web: which the browser offers, the session options
// each needs, and the label reported to the user. Runs inside the detector worker.
import { countOf } from '../ui/words.js';

// 'webnn' alone lets onnxruntime-web pick the WebNN device.
export const KNOWN_BACKENDS = ['webnn', 'webnn-npu', 'webnn-gpu', 'webnn-cpu', 'webgpu', 'wasm'];

/** onnxruntime-web bundle that holds every backend in `backends` (plain WASM is smaller). */
export function bundleFor(backends) {
  return backends.every((backend) => backend === 'wasm') ? 'ort.wasm.min.mjs' : 'ort.all.min.mjs';
}

/** True when a WebGPU adapter renders on the CPU (SwiftShader): far slower than WASM. */
export function isSoftwareAdapter(adapter) {
  const info = adapter.info || {};
  if (adapter.isFallbackAdapter || info.isFallbackAdapter) return true;
  return /swiftshader|llvmpipe|software/i.test([info.vendor, info.architecture, info.description].join(' '));
}

/**
 * Why `backend` cannot run in this browser, or null when it may. A software WebGPU adapter
 * counts as unavailable unless allowSoftwareGpu (measured: ~100x slower than WASM).
 */
export async function unavailableReason(backend, scope, { allowSoftwareGpu = false } = {}) {
  if (backend.startsWith('webnn')) {
    return scope.navigator && 'ml' in scope.navigator ? null : 'WebNN is not offered (navigator.ml is missing)';
  }
  if (backend === 'webgpu') {
    if (!scope.navigator || !scope.navigator.gpu) return 'WebGPU is not offered (navigator.gpu is missing)';
    const adapter = await scope.navigator.gpu.requestAdapter().catch(() => null);
    if (!adapter) return 'WebGPU has no adapter (no usable GPU)';
    if (!allowSoftwareGpu && isSoftwareAdapter(adapter)) return 'WebGPU only has a software (CPU) adapter, slower than WASM';
    return null;
  }
  return null;
}

export function executionProvider(backend) {
  if (backend === 'webnn') return 'webnn';
  if (backend.startsWith('webnn')) return { name: 'webnn', deviceType: backend.slice('webnn-'.length) };
  return backend;
}

export function backendLabel(backend, threads) {
  if (backend === 'wasm') return `wasm (${countOf(threads, 'thread')})`;
  if (backend === 'webnn') return 'webnn';
  if (backend.startsWith('webnn')) return `webnn (${backend.slice('webnn-'.length)})`;
  return backend;
}
