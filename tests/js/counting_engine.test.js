import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CountingEngine } from '../../frontend/js/counting/counting_engine.js';
import { footPoints } from '../../frontend/js/counting/foot_points.js';
import { runPaths, trackedAt, walk } from './counting_helpers.js';

function withAnkles(leftConf, rightConf) {
  const keypoints = new Float32Array(17 * 3);
  keypoints.set([40, 180, leftConf], 15 * 3);
  keypoints.set([60, 184, rightConf], 16 * 3);
  return { count: 1, boxes: Float32Array.from([20, 10, 90, 200]), keypoints, keypointCount: 17 };
}

const footCases = [
  { name: 'both ankles visible: their midpoint', detections: withAnkles(0.9, 0.8), expected: [50, 182] },
  { name: 'one ankle hidden: bottom-centre of the box', detections: withAnkles(0.9, 0.2), expected: [55, 200] },
  { name: 'no keypoints: bottom-centre of the box', detections: { count: 1, boxes: Float32Array.from([20, 10, 90, 200]), keypoints: null, keypointCount: 0 }, expected: [55, 200] },
];
for (const { name, detections, expected } of footCases) {
  test(`foot point — ${name}`, () => assert.deepEqual(Array.from(footPoints(detections)), expected));
}

test('the engine reports lines, bands and zones together, and reset clears them', () => {
  const engine = new CountingEngine({
    lines: [{ id: 'line', a: [100, 0], b: [100, 200] }],
    bands: [{ id: 'band', a: [100, 0], b: [100, 200], width: 20 }],
    zones: [{ id: 'left', polygon: [[0, 0], [100, 0], [100, 200], [0, 200]] }],
    heatmap: { width: 200, height: 200, cellSize: 50 },
  });
  const { final, results } = runPaths(engine, { 5: walk([180, 100], [20, 100], 30) });
  assert.deepEqual(final, {
    lines: { line: { in: 1, out: 0 }, band: { in: 1, out: 0 } },
    zones: { left: { occupancy: 0, entries: 1, exits: 1, alertActive: false } },
  });
  assert.equal(results[29].zones.left.occupancy, 1);
  assert.equal(engine.heatmap.snapshot().total, 30);
  engine.reset();
  assert.deepEqual(engine.snapshot().lines.line, { in: 0, out: 0 });
  assert.equal(engine.heatmap.snapshot().total, 0);
});

test('events carry the counter id, track id, frame index and the time the movement passed the line', () => {
  const engine = new CountingEngine({ lines: [{ id: 7, a: [100, 0], b: [100, 200], confirmFrames: 1 }] });
  // From x 106 (frame 0) to x 94 (frame 1): the line is passed halfway.
  const { events } = runPaths(engine, { 9: [[106, 50], [94, 50]] });
  assert.deepEqual(events, [
    { type: 'cross_raw', zoneId: 7, trackId: 9, direction: 'in', frameIndex: 1, timestamp: 0.5 / 25 },
    { type: 'in', zoneId: 7, trackId: 9, frameIndex: 1, timestamp: 0.5 / 25 },
  ]);
});

const invalid = [
  [{ line: [] }, /unknown option\(s\) line/],
  [{ lines: [{ id: 'a', a: [0, 0], b: [0, 0] }] }, /zero-length line/],
  [{ zones: [{ id: 'a', polygon: [[0, 0], [1, 1]] }] }, /at least 3 points/],
  [{ lines: [{ id: 'a', a: [0, 0], b: [0, 1] }], zones: [{ id: 'a', polygon: [[0, 0], [1, 0], [0, 1]] }] }, /duplicate/],
  [{ lines: 'x' }, /lines must be an array/],
];
for (const [options, message] of invalid) {
  test(`invalid engine options throw ${message}`, () => assert.throws(() => new CountingEngine(options), message));
}

test('update without track ids is an error', () => {
  const engine = new CountingEngine();
  const untracked = { ...trackedAt([{ id: 1, x: 5, y: 5 }]), trackIds: undefined };
  assert.throws(() => engine.update(untracked, { frameIndex: 0, timestamp: 0 }), /trackIds/);
});

test('predicted (hidden) tracks count in zone occupancy but never cross a line', () => {
  const engine = new CountingEngine({
    lines: [{ id: 'line', a: [100, 0], b: [100, 200], confirmFrames: 1 }],
    zones: [{ id: 'all', polygon: [[0, 0], [200, 0], [200, 200], [0, 200]] }],
  });
  const frame = (frameIndex, x, predicted) => {
    const tracked = trackedAt([{ id: 1, x, y: 100 }]);
    tracked.predicted = Uint8Array.from([predicted ? 1 : 0]);
    return engine.update(tracked, { frameIndex, timestamp: frameIndex / 25 });
  };
  frame(0, 120, false);
  const hidden = frame(1, 80, true);
  assert.equal(hidden.zones.all.occupancy, 1);
  assert.deepEqual(hidden.lines.line, { in: 0, out: 0 });
  const back = frame(2, 125, false);
  assert.deepEqual(back.lines.line, { in: 0, out: 0 }, 'the guess on the other side is not a crossing');
});
