import { test } from 'node:test';
import assert from 'node:assert/strict';
import { boxIou, nonMaxSuppression } from '../../frontend/js/detector/nms.js';

test('boxIou', async (t) => {
  const cases = [
    { a: [0, 0, 10, 10], b: [0, 0, 10, 10], want: 1 },
    { a: [0, 0, 10, 10], b: [5, 0, 15, 10], want: 50 / 150 },
    { a: [0, 0, 10, 10], b: [10, 0, 20, 10], want: 0 },
    { a: [0, 0, 10, 10], b: [2, 2, 4, 4], want: 4 / 100 },
    { a: [0, 0, 0, 0], b: [0, 0, 0, 0], want: 0 },
  ];
  for (const { a, b, want } of cases) {
    await t.test(`${a} vs ${b}`, () => assert.ok(Math.abs(boxIou(Float32Array.from(a), 0, Float32Array.from(b), 0) - want) < 1e-9));
  }
});

test('nonMaxSuppression keeps the best of overlapping boxes', async (t) => {
  const cases = [
    { name: 'overlap above threshold: best survives', boxes: [0, 0, 10, 10, 1, 0, 11, 10], scores: [0.6, 0.9], iou: 0.7, want: [1] },
    { name: 'overlap below threshold: both survive', boxes: [0, 0, 10, 10, 5, 0, 15, 10], scores: [0.6, 0.9], iou: 0.4, want: [1, 0] },
    { name: 'disjoint boxes sorted by score', boxes: [0, 0, 1, 1, 5, 5, 6, 6, 9, 9, 10, 10], scores: [0.3, 0.8, 0.5], iou: 0.5, want: [1, 2, 0] },
    { name: 'equal scores keep input order', boxes: [0, 0, 1, 1, 0, 0, 1, 1], scores: [0.5, 0.5], iou: 0.5, want: [0] },
    { name: 'a suppressed box suppresses nothing', boxes: [0, 0, 10, 10, 3, 0, 13, 10, 6, 0, 16, 10], scores: [0.9, 0.8, 0.7], iou: 0.5, want: [0, 2] },
    { name: 'empty input', boxes: [], scores: [], iou: 0.5, want: [] },
  ];
  for (const { name, boxes, scores, iou, want } of cases) {
    await t.test(name, () => assert.deepEqual(Array.from(nonMaxSuppression(Float32Array.from(boxes), Float32Array.from(scores), iou)), want));
  }
});

test('nonMaxSuppression caps the number kept and validates input', () => {
  const boxes = Float32Array.from([0, 0, 1, 1, 5, 5, 6, 6, 9, 9, 10, 10]);
  assert.deepEqual(Array.from(nonMaxSuppression(boxes, Float32Array.of(0.3, 0.8, 0.5), 0.5, 2)), [1, 2]);
  assert.throws(() => nonMaxSuppression(boxes, Float32Array.of(0.3), 0.5), RangeError);
  assert.throws(() => nonMaxSuppression(boxes, Float32Array.of(0.3, 0.8, 0.5), 1.5), RangeError);
});
