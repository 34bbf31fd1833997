import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyHomography, invertHomography, solveHomography } from '../../frontend/js/geometry/homography.js';
import { FloorHeatmap, Heatmap } from '../../frontend/js/counting/heatmap.js';

const IMAGE_QUAD = [[120, 300], [520, 300], [620, 470], [20, 470]]; // a floor seen in perspective
const FLOOR_QUAD = [[0, 0], [4, 0], [4, 3], [0, 3]]; // metres

test('the homography maps the four calibration points exactly', () => {
  const h = solveHomography(IMAGE_QUAD, FLOOR_QUAD);
  IMAGE_QUAD.forEach(([x, y], i) => {
    const [u, v] = applyHomography(h, x, y);
    assert.ok(Math.abs(u - FLOOR_QUAD[i][0]) < 1e-9 && Math.abs(v - FLOOR_QUAD[i][1]) < 1e-9, `point ${i}`);
  });
});

test('image -> floor -> image round trip', () => {
  const h = solveHomography(IMAGE_QUAD, FLOOR_QUAD);
  const inverse = invertHomography(h);
  for (const [x, y] of [[320, 400], [100, 460], [500, 320], [321.5, 301.25]]) {
    const [u, v] = applyHomography(h, x, y);
    const [x2, y2] = applyHomography(inverse, u, v);
    assert.ok(Math.abs(x2 - x) < 1e-6 && Math.abs(y2 - y) < 1e-6, `${x},${y} -> ${x2},${y2}`);
  }
});

test('a perspective floor: equal floor steps are unequal image steps', () => {
  const heatmap = new FloorHeatmap({ imagePoints: IMAGE_QUAD, floorPoints: FLOOR_QUAD, cellSize: 0.5 });
  const near = heatmap.toImage(2, 3);
  const middle = heatmap.toImage(2, 1.5);
  const far = heatmap.toImage(2, 0);
  assert.ok(near[1] - middle[1] > middle[1] - far[1], 'the near half looks taller');
});

test('floor heatmap accumulates in floor cells and ignores points off the plan', () => {
  const heatmap = new FloorHeatmap({ imagePoints: IMAGE_QUAD, floorPoints: FLOOR_QUAD, cellSize: 1 });
  assert.deepEqual([heatmap.columns, heatmap.rows], [4, 3]);
  const [x, y] = heatmap.toImage(2.5, 1.5);
  assert.equal(heatmap.add(x, y), true);
  assert.equal(heatmap.add(320, 100), false, 'above the floor quad');
  const snapshot = heatmap.snapshot();
  assert.equal(snapshot.values[1 * 4 + 2], 1);
  assert.equal(snapshot.total, 1);
});

test('image heatmap bins foot points in cells', () => {
  const heatmap = new Heatmap({ width: 64, height: 48, cellSize: 16 });
  heatmap.add(5, 5);
  heatmap.add(6, 7);
  heatmap.add(63.9, 47.9);
  heatmap.add(64, 48);
  heatmap.add(-1, 10);
  const { values, columns, rows, max, total } = heatmap.snapshot();
  assert.deepEqual([columns, rows, max, total], [4, 3, 2, 4]);
  assert.equal(values[0], 2);
  assert.equal(values[2 * 4 + 3], 2);
});

const invalid = [
  [() => new FloorHeatmap({ imagePoints: [[0, 0], [1, 0], [2, 0], [0, 1]], floorPoints: FLOOR_QUAD }), /collinear/],
  [() => new FloorHeatmap({ imagePoints: IMAGE_QUAD.slice(0, 3), floorPoints: FLOOR_QUAD }), /exactly 4 points/],
  [() => new Heatmap({ width: 0, height: 10 }), /greater than 0/],
  [() => new Heatmap({ width: 10, height: 10, cellsize: 2 }), /unknown option\(s\) cellsize/],
];
for (const [make, message] of invalid) {
  test(`invalid heatmap throws ${message}`, () => assert.throws(make, message));
}
