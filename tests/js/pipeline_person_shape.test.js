import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectionsFromRows } from '../../frontend/js/core/detections.js';
import { FramePipeline } from '../../frontend/js/pipeline/frame_pipeline.js';
import { dropSlivers, SLIVER_ASPECT } from '../../frontend/js/pipeline/person_shape.js';

const rows = [
  { box: [100, 100, 140, 200], score: 0.9 }, // a person: 0.4 as wide as tall
  { box: [0, 100, 10, 200], score: 0.8 }, //    a sliver at the frame's edge: 0.1
  { box: [300, 100, 316, 200], score: 0.7 }, // 0.16: thin, but a person's shape
];

test('dropSlivers drops the boxes under SLIVER_ASPECT and keeps the rest in order', () => {
  assert.equal(SLIVER_ASPECT, 0.15);
  const kept = dropSlivers(detectionsFromRows(rows));
  assert.equal(kept.count, 2);
  assert.deepEqual(Array.from(kept.boxes), [100, 100, 140, 200, 300, 100, 316, 200]);
  assert.deepEqual(Array.from(kept.scores), [0.9, 0.8, 0.7].filter((_, i) => i !== 1).map(Math.fround));
  const none = detectionsFromRows([rows[0]]);
  assert.equal(dropSlivers(none), none, 'nothing to drop: the same object');
  assert.equal(dropSlivers(detectionsFromRows(rows), 0).count, 3, '0: keep all');
});

test('FramePipeline with minPersonAspect: a sliver is never tracked, counted or shown as a detection (by default it is)', () => {
  const zones = [{ id: 'edge', polygon: [[0, 0], [60, 0], [60, 480], [0, 480]] }];
  const frames = Array.from({ length: 8 }, (_, f) => detectionsFromRows([{ box: [0, 100, 12 + f, 260], score: 0.9 }]));
  const runWith = (options) => {
    const pipeline = new FramePipeline({ counting: { zones }, regionPlan: null, ...options });
    return frames.map((detections, index) => pipeline.process(detections, { frameIndex: index, timestamp: index / 25, width: 640, height: 480 }));
  };
  const outputs = runWith({ minPersonAspect: SLIVER_ASPECT });
  assert.ok(outputs.every((output) => output.personCount === 0 && output.detections.count === 0));
  assert.ok(outputs.every((output) => output.result.zones.edge.occupancy === 0));
  const kept = runWith({});
  assert.ok(kept.at(-1).personCount === 1 && kept.at(-1).result.zones.edge.occupancy === 1);
  assert.throws(() => new FramePipeline({ minPersonAspect: -1 }), /minPersonAspect/);
});
