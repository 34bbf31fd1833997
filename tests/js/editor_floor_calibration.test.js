import { test } from 'node:test';
import assert from 'node:assert/strict';
import { floorPointsFor, validateImagePoints } from '../../frontend/js/heatmap_view/floor_calibration.js';
import { DecayingHeatmap } from '../../frontend/js/counting/decaying_heatmap.js';
import { Heatmap } from '../../frontend/js/counting/heatmap.js';

test('floor points follow the near-left, near-right, far-right, far-left order', () => {
  assert.deepEqual(floorPointsFor(4, 6), [[0, 6], [4, 6], [4, 0], [0, 0]]);
  assert.throws(() => floorPointsFor(0, 3), /metres/);
});

test('image corners must form a convex quadrilateral in order', () => {
  assert.doesNotThrow(() => validateImagePoints([[100, 400], [500, 400], [420, 200], [180, 200]]));
  assert.throws(() => validateImagePoints([[100, 400], [420, 200], [500, 400], [180, 200]]), /cross over/);
  assert.throws(() => validateImagePoints([[0, 0], [10, 0], [20, 0], [5, 5]]), /one line/);
  assert.throws(() => validateImagePoints([[0, 0]]), /exactly 4/);
});

test('a decaying heatmap halves after ln2/rate seconds and survives rebasing', () => {
  const rate = 0.5;
  const heatmap = new DecayingHeatmap({ create: () => new Heatmap({ width: 64, height: 64, cellSize: 16 }), decayPerSecond: rate });
  heatmap.addPoints(Float32Array.of(8, 8), 0);
  heatmap.addPoints(new Float32Array(0), Math.LN2 / rate);
  assert.ok(Math.abs(heatmap.snapshot().values[0] - 0.5) < 1e-4);
  heatmap.addPoints(Float32Array.of(40, 40), 40); // forces a rebase (rate * t > 10)
  const snapshot = heatmap.snapshot();
  assert.ok(Math.abs(snapshot.values[2 * 4 + 2] - 1) < 1e-4);
  assert.ok(Math.abs(snapshot.values[0] - Math.exp(-rate * 40)) < 1e-6);
});

test('without decay the heatmap is the plain accumulation', () => {
  const heatmap = new DecayingHeatmap({ create: () => new Heatmap({ width: 32, height: 32, cellSize: 16 }) });
  for (let t = 0; t < 5; t += 1) heatmap.addPoints(Float32Array.of(20, 4), t);
  assert.equal(heatmap.snapshot().values[1], 5);
});
