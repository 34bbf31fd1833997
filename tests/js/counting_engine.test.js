import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CountingEngine } from '../../frontend/js/counting/counting_engine.js';
import { footPoints } from '../../frontend/js/counting/foot_points.js';
import { detectionsFromRows } from '../../frontend/js/core/detections.js';
import { gap, hold, runPaths, trackedAt, walk } from './counting_helpers.js';

function withAnkles(leftConf, rightConf) {
  const keypoints = new Float32Array(17 * 3);
  keypoints.set([40, 180, leftConf], 15 * 3);
  keypoints.set([60, 184, rightConf], 16 * 3);
  return detectionsFromRows([{ box: [20, 10, 90, 200], keypoints }], { keypointCount: 17 });
}

const footCases = [
  { name: 'both ankles visible: between them, on the box\'s bottom edge (the floor, not the ankles\' height)', detections: withAnkles(0.9, 0.8), expected: [50, 200] },
  { name: 'one ankle hidden: bottom-centre of the box', detections: withAnkles(0.9, 0.2), expected: [55, 200] },
  { name: 'no keypoints: bottom-centre of the box', detections: detectionsFromRows([{ box: [20, 10, 90, 200] }]), expected: [55, 200] },
];
for (const { name, detections, expected } of footCases) {
  test(`foot point — ${name}`, () => assert.deepEqual(Array.from(footPoints(detections)), expected));
}

/** A person walking down the picture, 200 px tall, ankles seen 18 px above the box's bottom edge. */
function walkerWithAnkles(id, bottoms) {
  return bottoms.map((bottom) => {
    const keypoints = new Float32Array(17 * 3);
    keypoints.set([95, bottom - 18, 0.9], 15 * 3);
    keypoints.set([105, bottom - 18, 0.9], 16 * 3);
    return detectionsFromRows([{ id, box: [70, bottom - 200, 130, bottom], score: 0.9, keypoints }], { keypointCount: 17 });
  });
}

// Lines are drawn on the floor: what crosses them is where the person stands (the soles, the
// box's bottom edge), not the ankles, which stay ~9% of the height above it.
const floorCases = [
  { name: 'the soles step over a line the ankles never reach: counted', bottoms: [300, 305, 310, 315, 320, 325, 330, 335, 340, 340, 340], line: 325, expected: { in: 1, out: 0 } },
  { name: 'walking up the picture, the soles stop short of a line the ankles pass: nothing counted', bottoms: [340, 335, 330, 325, 320, 315, 315, 315, 315, 315, 315], line: 310, expected: { in: 0, out: 0 } },
  { name: 'walking along the line, soles on the far side all the time: nothing counted', bottoms: [331, 332, 331, 333, 332, 331, 332, 333, 331, 332, 331], line: 325, expected: { in: 0, out: 0 } },
];
for (const { name, bottoms, line, expected } of floorCases) {
  test(`foot point on the floor — ${name}`, () => {
    const engine = new CountingEngine({ lines: [{ id: 'floor', a: [0, line], b: [400, line], confirmFrames: 3 }] });
    walkerWithAnkles(1, bottoms).forEach((tracked, f) => engine.update(tracked, { frameIndex: f, timestamp: f / 25 }));
    engine.flush();
    assert.deepEqual(engine.snapshot().lines.floor, expected);
  });
}

test('the engine reports lines, bands and zones together, and reset clears them', () => {
  const engine = new CountingEngine({
    lines: [{ id: 'line', a: [100, 0], b: [100, 200] }],
    bands: [{ id: 'band', a: [100, 0], b: [100, 200], width: 20 }],
    zones: [{ id: 'left', polygon: [[0, 0], [100, 0], [100, 200], [0, 200]] }],
  });
  const { final, results } = runPaths(engine, { 5: walk([180, 100], [20, 100], 30) });
  assert.deepEqual(final, {
    lines: { line: { in: 1, out: 0 }, band: { in: 1, out: 0 } },
    zones: { left: { occupancy: 0, entries: 1, exits: 1, alertActive: false } },
  });
  assert.equal(results[29].zones.left.occupancy, 1);
  assert.deepEqual(Array.from(results[29].heatPoints), [20, 100]);
  engine.reset();
  assert.deepEqual(engine.snapshot().lines.line, { in: 0, out: 0 });
});

test('heatmap options are not the engine\'s: they are refused', () => {
  assert.throws(() => new CountingEngine({ heatmap: { width: 10, height: 10 } }), /unknown option\(s\) heatmap/);
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
  assert.deepEqual(Array.from(hidden.footPoints), [80, 100], 'the engine used the predicted foot point for occupancy');
  assert.deepEqual(Array.from(hidden.heatPoints), [], 'a predicted track adds no heat');
  assert.deepEqual(hidden.lines.line, { in: 0, out: 0 });
  const back = frame(2, 125, false);
  assert.deepEqual(back.lines.line, { in: 0, out: 0 }, 'the guess on the other side is not a crossing');
});

test('flush ends an alert still on at the last frame, with the alert\'s peak', () => {
  const engine = new CountingEngine({ zones: [{ id: 'z', polygon: [[0, 0], [200, 0], [200, 200], [0, 200]], threshold: 1 }] });
  const { events } = runPaths(engine, { 1: hold([50, 50], 10), 2: hold([60, 60], 10), 3: [...gap(4), ...hold([70, 70], 6)] });
  const alerts = events.filter((e) => e.type.startsWith('alert')).map((e) => [e.type, e.frameIndex, e.peakOccupancy ?? null]);
  assert.deepEqual(alerts, [['alert_start', 0, null], ['alert_end', 9, 3]]);
  assert.equal(engine.snapshot().zones.z.alertActive, false);
  assert.deepEqual(engine.flush().events, [], 'a second flush has nothing left to end');
});
