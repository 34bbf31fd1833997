import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  concatDetections, createDetections, detectionsFromRows, emptyDetections, pickDetections, requireDetections,
} from '../../frontend/js/core/detections.js';

test('createDetections allocates the parallel arrays (keypoints only with a keypoint count)', () => {
  const plain = createDetections({ count: 2 });
  assert.deepEqual([plain.boxes.length, plain.scores.length, plain.classIds.length, plain.keypoints, plain.keypointCount], [8, 2, 2, null, 0]);
  const pose = createDetections({ count: 2, keypointCount: 17 });
  assert.equal(pose.keypoints.length, 2 * 17 * 3);
  assert.ok(pose.boxes instanceof Float32Array && pose.classIds instanceof Int32Array);
  assert.equal(emptyDetections().count, 0);
});

test('detectionsFromRows: boxes, default score 1, keypoints, and track ids when every row has one', () => {
  const keypoints = Array.from({ length: 6 }, (_, i) => i);
  const tracked = detectionsFromRows([{ id: 4, box: [1, 2, 3, 4], keypoints }, { id: 9, box: [5, 6, 7, 8], score: 0.5, keypoints }], { keypointCount: 2 });
  assert.deepEqual([...tracked.boxes], [1, 2, 3, 4, 5, 6, 7, 8]);
  assert.deepEqual([...tracked.scores], [1, 0.5]);
  assert.deepEqual([...tracked.trackIds], [4, 9]);
  assert.deepEqual([...tracked.keypoints.subarray(6)], keypoints);
  assert.equal(detectionsFromRows([{ box: [0, 0, 1, 1] }]).trackIds, undefined);
});

test('pickDetections and concatDetections keep every field in step', () => {
  const a = detectionsFromRows([{ box: [0, 0, 1, 1], score: 0.1, keypoints: [1, 1, 1] }, { box: [2, 2, 3, 3], score: 0.2, keypoints: [2, 2, 2] }], { keypointCount: 1 });
  const b = detectionsFromRows([{ box: [4, 4, 5, 5], score: 0.3, keypoints: [3, 3, 3] }], { keypointCount: 1 });
  const joined = concatDetections([a, b], 1);
  assert.equal(joined.count, 3);
  const picked = pickDetections(joined, [2, 0]);
  assert.deepEqual([...picked.boxes], [4, 4, 5, 5, 0, 0, 1, 1]);
  assert.deepEqual([...picked.scores].map((s) => Math.round(s * 10) / 10), [0.3, 0.1]);
  assert.deepEqual([...picked.keypoints], [3, 3, 3, 1, 1, 1]);
  assert.equal(picked.embeddings, undefined);
  // Appearance signatures (two numbers a detection here) follow their rows.
  const signed = { ...joined, embeddings: Float32Array.of(1, 2, 3, 4, 5, 6) };
  assert.deepEqual([...pickDetections(signed, [2, 0]).embeddings], [5, 6, 1, 2]);
});

const broken = [
  [null, /detections missing/],
  [{ count: -1, boxes: [], scores: [] }, /count must be an integer/],
  [{ count: 2, boxes: new Float32Array(4), scores: new Float32Array(2) }, /4 numbers per detection/],
  [{ count: 1, boxes: new Float32Array(4), scores: new Float32Array(0) }, /one number per detection/],
  [{ count: 1, boxes: new Float32Array(4), scores: new Float32Array(1), keypoints: new Float32Array(3), keypointCount: 17 }, /keypointCount x 3/],
  [{ count: 2, boxes: new Float32Array(8), scores: new Float32Array(2), trackIds: new Int32Array(1) }, /trackIds must hold one value/],
];
for (const [detections, message] of broken) {
  test(`requireDetections refuses ${message}`, () => assert.throws(() => requireDetections(detections, 'Test'), message));
}

test('createDetections refuses fields the type does not have', () => {
  assert.throws(() => createDetections({ count: 1, trackIDs: [1] }), /unknown field trackIDs/);
});
