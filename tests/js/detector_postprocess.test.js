import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  decodeOutput, letterboxParams, mapToFrame, outputLayout, postprocess,
} from '../../frontend/js/detector/postprocess.js';
import { createDetections, pickDetections } from '../../frontend/js/core/detections.js';

/** A [1, channels, anchors] output from one row of channel values per anchor. */
function output(anchorsValues) {
  const channels = anchorsValues[0].length;
  const anchors = anchorsValues.length;
  const data = new Float32Array(channels * anchors);
  anchorsValues.forEach((values, anchor) => values.forEach((value, channel) => { data[channel * anchors + anchor] = value; }));
  return { data, anchors };
}

test('outputLayout derives channel counts and rejects mismatches', async (t) => {
  const cases = [
    { args: { task: 'detect', classCount: 80 }, channels: 84 },
    { args: { task: 'pose', classCount: 1, keypointCount: 17 }, channels: 56 },
    { args: { task: 'detect', classCount: 2, keypointCount: 17 }, channels: 6 },
  ];
  for (const { args, channels } of cases) {
    await t.test(`${args.task} ${args.classCount}`, () => assert.equal(outputLayout(args).channels, channels));
  }
  assert.throws(() => outputLayout({ task: 'pose', classCount: 1, keypointCount: 17, channels: 84 }), /56/);
  assert.throws(() => outputLayout({ task: 'segment', classCount: 1 }), TypeError);
  assert.throws(() => outputLayout({ task: 'pose', classCount: 1, keypointCount: 0 }), RangeError);
});

test('decodeOutput keeps confident anchors whose best class is a person', async (t) => {
  const detect = outputLayout({ task: 'detect', classCount: 2 });
  const pose = outputLayout({ task: 'pose', classCount: 1, keypointCount: 2 });
  const cases = [
    { name: 'detect: person kept, car-best and weak dropped', layout: detect,
      anchors: [[50, 60, 20, 40, 0.9, 0.1], [10, 10, 4, 4, 0.5, 0.8], [30, 30, 10, 10, 0.2, 0.1]],
      boxes: [40, 40, 60, 80], scores: [0.9], keypoints: null },
    { name: 'detect: threshold is strict', layout: detect, anchors: [[5, 5, 2, 2, 0.25, 0]],
      boxes: [], scores: [], keypoints: null },
    { name: 'pose: keypoints follow their anchor', layout: pose,
      anchors: [[10, 20, 4, 8, 0.3, 1, 2, 0.5, 3, 4, 0.6], [0, 0, 2, 2, 0.7, 5, 6, 0.9, 7, 8, 0.1]],
      boxes: [8, 16, 12, 24, -1, -1, 1, 1], scores: [0.3, 0.7], keypoints: [1, 2, 0.5, 3, 4, 0.6, 5, 6, 0.9, 7, 8, 0.1] },
  ];
  for (const { name, layout, anchors, boxes, scores, keypoints } of cases) {
    await t.test(name, () => {
      const { data, anchors: count } = output(anchors);
      const got = decodeOutput(data, count, layout, { scoreThreshold: 0.25 });
      assert.deepEqual(Array.from(got.boxes), boxes);
      assert.deepEqual(Array.from(got.scores), Array.from(Float32Array.from(scores)));
      assert.deepEqual(got.keypoints ? Array.from(got.keypoints).map((value) => Math.round(value * 100) / 100) : null, keypoints);
    });
  }
  assert.throws(() => decodeOutput(new Float32Array(5), 1, detect), RangeError);
});

test('mapToFrame undoes the letterbox and clips boxes to the region', async (t) => {
  const cases = [
    { name: 'VGA at 320: halve back, remove top padding', frame: [640, 480], size: 320, region: { x: 0, y: 0, width: 640, height: 480 },
      box: [10, 50, 110, 150], want: [20, 20, 220, 220], keypoint: [60, 100, 0.9], wantKeypoint: [120, 120, 0.9] },
    { name: 'outside the image is clipped', frame: [640, 480], size: 320, region: { x: 0, y: 0, width: 640, height: 480 },
      box: [-10, 20, 330, 300], want: [0, 0, 640, 480], keypoint: [-10, 20, 0.5], wantKeypoint: [-20, -40, 0.5] },
    { name: 'a region is offset into the frame', frame: [640, 480], size: 100, region: { x: 300, y: 200, width: 100, height: 100 },
      box: [10, 10, 20, 30], want: [310, 210, 320, 230], keypoint: [50, 50, 1], wantKeypoint: [350, 250, 1] },
  ];
  for (const { name, size, region, box, want, keypoint, wantKeypoint } of cases) {
    await t.test(name, () => {
      const params = letterboxParams(region.width, region.height, size);
      const candidates = createDetections({ count: 1, boxes: box, scores: [0.9], keypoints: keypoint, keypointCount: 1 });
      mapToFrame(candidates, params, region);
      assert.deepEqual(Array.from(candidates.boxes), want);
      assert.deepEqual(Array.from(candidates.keypoints).map((value) => Math.round(value * 100) / 100), wantKeypoint);
    });
  }
});

test('postprocess merges overlapping detections of several regions into frame coordinates', () => {
  const layout = outputLayout({ task: 'detect', classCount: 1 });
  // The same person seen by two 100x100 crops that overlap by 50 px horizontally.
  const left = output([[75, 50, 40, 80, 0.8]]);
  const right = output([[25, 50, 40, 80, 0.9]]);
  const runs = [
    { output: left.data, anchors: 1, params: letterboxParams(100, 100, 100), region: { x: 0, y: 0, width: 100, height: 100 } },
    { output: right.data, anchors: 1, params: letterboxParams(100, 100, 100), region: { x: 50, y: 0, width: 100, height: 100 } },
  ];
  const detections = postprocess(runs, layout, { scoreThreshold: 0.25, iouThreshold: 0.5 });
  assert.equal(detections.count, 1);
  assert.deepEqual(Array.from(detections.boxes), [55, 10, 95, 90]);
  assert.ok(Math.abs(detections.scores[0] - 0.9) < 1e-6);
  assert.equal(detections.keypoints, null);
  assert.equal(detections.keypointCount, 0);
});

test('pickDetections returns the Detections shape in the given order', () => {
  const candidates = {
    count: 2, boxes: Float32Array.of(0, 0, 1, 1, 2, 2, 3, 3), scores: Float32Array.of(0.5, 0.9),
    classIds: Int32Array.of(0, 0), keypoints: Float32Array.of(1, 1, 1, 2, 2, 2), keypointCount: 1,
  };
  const detections = pickDetections(candidates, Int32Array.of(1, 0));
  assert.equal(detections.count, 2);
  assert.deepEqual(Array.from(detections.boxes), [2, 2, 3, 3, 0, 0, 1, 1]);
  assert.deepEqual(Array.from(detections.keypoints), [2, 2, 2, 1, 1, 1]);
  assert.equal(detections.keypointCount, 1);
  assert.ok(detections.classIds instanceof Int32Array);
});

test('backends: every known backend has a provider and a label', async (t) => {
  const { KNOWN_BACKENDS, backendLabel, executionProvider, bundleFor } = await import('../../frontend/js/detector/backends.js');
  const cases = [
    { backend: 'wasm', provider: 'wasm', label: 'wasm (2 threads)' },
    { backend: 'webgpu', provider: 'webgpu', label: 'webgpu' },
    { backend: 'webnn', provider: 'webnn', label: 'webnn' },
    { backend: 'webnn-cpu', provider: { name: 'webnn', deviceType: 'cpu' }, label: 'webnn (cpu)' },
  ];
  for (const { backend, provider, label } of cases) {
    await t.test(backend, () => {
      assert.ok(KNOWN_BACKENDS.includes(backend));
      assert.deepEqual(executionProvider(backend), provider);
      assert.equal(backendLabel(backend, 2), label);
    });
  }
  assert.equal(backendLabel('wasm', 1), 'wasm (1 thread)');
  assert.equal(bundleFor(['wasm']), 'ort.wasm.min.mjs');
  assert.equal(bundleFor(['webgpu', 'wasm']), 'ort.all.min.mjs');
});

test('backends: availability from what the browser offers; software WebGPU refused', async (t) => {
  const { unavailableReason } = await import('../../frontend/js/detector/backends.js');
  const gpu = (adapter) => ({ navigator: { gpu: { requestAdapter: async () => adapter } } });
  const cases = [
    { name: 'wasm always', backend: 'wasm', scope: { navigator: {} }, available: true },
    { name: 'no navigator.ml', backend: 'webnn-gpu', scope: { navigator: {} }, available: false },
    { name: 'navigator.ml', backend: 'webnn-cpu', scope: { navigator: { ml: {} } }, available: true },
    { name: 'no navigator.gpu', backend: 'webgpu', scope: { navigator: {} }, available: false },
    { name: 'no adapter', backend: 'webgpu', scope: gpu(null), available: false },
    { name: 'hardware adapter', backend: 'webgpu', scope: gpu({ info: { vendor: 'intel', architecture: 'gen-12lp' } }), available: true },
    { name: 'SwiftShader adapter', backend: 'webgpu', scope: gpu({ info: { vendor: 'google', architecture: 'swiftshader' } }), available: false },
    { name: 'fallback adapter', backend: 'webgpu', scope: gpu({ isFallbackAdapter: true, info: {} }), available: false },
    { name: 'SwiftShader allowed', backend: 'webgpu', scope: gpu({ info: { architecture: 'swiftshader' } }), options: { allowSoftwareGpu: true }, available: true },
  ];
  for (const { name, backend, scope, options, available } of cases) {
    await t.test(name, async () => assert.equal((await unavailableReason(backend, scope, options)) === null, available));
  }
});
