import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DetectorSlot, detectorLabel } from '../../frontend/js/monitor/detector_slot.js';

/** A loader whose loads finish when the test says so: loads[i].finish() / .fail(error). */
function controlledLoader() {
  const loads = [];
  const load = (onMessage, inputSize) => new Promise((resolve, reject) => {
    const detector = { inputSize, backend: 'wasm', disposed: false, dispose() { this.disposed = true; } };
    loads.push({ inputSize, finish: () => resolve(detector), fail: reject, detector });
  });
  return { loads, load };
}

function slotWith(loader, size = { value: 416 }) {
  const messages = [];
  const errors = [];
  const ready = [];
  const slot = new DetectorSlot({ load: loader.load, preferredSize: () => size.value, onMessage: (text) => messages.push(text), onError: (error) => errors.push(error), onReady: (value) => ready.push(value) });
  return { slot, messages, errors, ready };
}

test('one load serves every caller; the detector is kept', async () => {
  const loader = controlledLoader();
  const { slot, messages, ready } = slotWith(loader);
  const first = slot.get();
  const second = slot.get();
  assert.equal(loader.loads.length, 1);
  loader.loads[0].finish();
  assert.equal(await first, await second);
  assert.equal(await slot.get(), loader.loads[0].detector);
  assert.equal(loader.loads.length, 1);
  assert.deepEqual(messages, ['Loading the person detector…', 'Detector ready: wasm · 416 px']);
  // Start waits for this: not ready while loading, ready once loaded, and not again after.
  assert.deepEqual(ready, [false, true]);
  slot.switchModel({ loadNow: false });
  assert.deepEqual(ready, [false, true, false]);
});

test('a size picked while loading: the loaded detector is disposed and the new size loads', async () => {
  const loader = controlledLoader();
  const size = { value: 416 };
  const { slot, messages } = slotWith(loader, size);
  const waiting = slot.get();
  size.value = 640;
  slot.switchModel({ loadNow: true });
  assert.equal(messages.at(-1), 'Switching the model…');
  loader.loads[0].finish();
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(loader.loads[0].detector.disposed, true);
  assert.equal(loader.loads[1].inputSize, 640);
  loader.loads[1].finish();
  assert.equal((await waiting).inputSize, 640);
});

test('a failed load is reported once and the next get() tries again', async () => {
  const loader = controlledLoader();
  const { slot, errors, messages } = slotWith(loader);
  const waiting = slot.get();
  loader.loads[0].fail(new Error('no model'));
  await assert.rejects(waiting, /no model/);
  assert.equal(errors.length, 1);
  assert.equal(messages.at(-1), 'Detector failed to load');
  const again = slot.get();
  assert.equal(loader.loads.length, 2);
  loader.loads[1].finish();
  assert.equal((await again).inputSize, 416);
});

test('the label names the backend, the precision (when the detector has one) and the input size', () => {
  assert.equal(detectorLabel({ backend: 'LiteRT.js wasm (2 threads)', precision: 'int8', inputSize: 416 }),
    'LiteRT.js wasm (2 threads) · int8 · 416 px');
  assert.equal(detectorLabel({ backend: 'wasm', inputSize: 320 }), 'wasm · 320 px');
});
