import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CountingEngine } from '../../frontend/js/counting/counting_engine.js';
import { countingEdges, DetectorCadence, pointSegmentDistance } from '../../frontend/js/pipeline/detector_cadence.js';

const FRAME = { width: 640, height: 480 };

/** The last frame's tracks: boxes [x1, y1, x2, y2] (foot point = bottom centre), predicted flags. */
function last(boxes, predicted = boxes.map(() => 0)) {
  const feet = new Float32Array(boxes.flatMap(([x1, , x2, y2]) => [(x1 + x2) / 2, y2]));
  return { tracked: { count: boxes.length, boxes: new Float32Array(boxes.flat()), predicted: Uint8Array.from(predicted) }, feet };
}

test('pointSegmentDistance measures to the segment, not the infinite line', () => {
  const cases = [
    { p: [5, 3], a: [0, 0], b: [10, 0], want: 3 },
    { p: [13, 4], a: [0, 0], b: [10, 0], want: 5 },
    { p: [-3, -4], a: [0, 0], b: [10, 0], want: 5 },
    { p: [2, 2], a: [1, 1], b: [1, 1], want: Math.SQRT2 },
  ];
  for (const { p, a, b, want } of cases) assert.ok(Math.abs(pointSegmentDistance(p, a, b) - want) < 1e-9, JSON.stringify(p));
});

test('countingEdges takes lines, both band boundaries and every zone side from the engine', () => {
  const engine = new CountingEngine({
    lines: [{ id: 'door', a: [100, 0], b: [100, 480] }],
    bands: [{ id: 'walk', a: [0, 240], b: [640, 240], width: 40 }],
    zones: [{ id: 'queue', polygon: [[10, 10], [60, 10], [60, 60], [10, 60]] }],
  });
  const edges = countingEdges(engine);
  assert.equal(edges.length, 1 + 2 + 4);
  assert.deepEqual(edges[0], [[100, 0], [100, 480]]);
  assert.deepEqual(edges.slice(1, 3).map(([a]) => a[1]).sort((x, y) => x - y), [220, 260]);
  assert.deepEqual(edges.at(-1), [[10, 60], [10, 10]]);
});

test('the detector runs when something can change the counts, and skips elsewhere', async (t) => {
  const line = [[320, 0], [320, 480]];
  const cases = [
    { name: 'nobody near anything', boxes: [[100, 100, 140, 200]], edges: [line], want: { detect: false, reason: 'clear' } },
    { name: 'foot point near a line', boxes: [[270, 100, 310, 200]], edges: [line], want: { detect: true, reason: 'near-edge' } },
    { name: 'margin scales with the person: a small far person is not near', boxes: [[290, 100, 300, 120]], edges: [line], want: { detect: false, reason: 'clear' } },
    { name: 'near a line segment\'s end is near', boxes: [[200, 300, 240, 400]], edges: [[[260, 0], [260, 380]]], want: { detect: true, reason: 'near-edge' } },
    { name: 'beyond the end of a short segment is not near', boxes: [[200, 300, 240, 400]], edges: [[[500, 0], [500, 100]]], want: { detect: false, reason: 'clear' } },
    { name: 'a box at the frame border (people enter there)', boxes: [[2, 100, 40, 200]], edges: [], want: { detect: true, reason: 'entry' } },
    { name: 'a box at the bottom border', boxes: [[300, 380, 340, 479]], edges: [], want: { detect: true, reason: 'entry' } },
    { name: 'a coasting (predicted) track', boxes: [[100, 100, 140, 200]], predicted: [1], edges: [], want: { detect: true, reason: 'coasting' } },
    { name: 'nobody tracked', boxes: [], edges: [line], want: { detect: false, reason: 'clear' } },
  ];
  for (const { name, boxes, predicted, edges, want } of cases) {
    await t.test(name, () => {
      const cadence = new DetectorCadence();
      assert.deepEqual(cadence.decide(null, { edges, ...FRAME }), { detect: true, reason: 'start' });
      assert.deepEqual(cadence.decide(last(boxes, predicted), { edges, ...FRAME }), want);
    });
  }
});

test('at most maxSkippedFrames frames are skipped in a row', async (t) => {
  for (const maxSkippedFrames of [0, 1, 2, 4]) {
    await t.test(`maxSkippedFrames ${maxSkippedFrames}`, () => {
      const cadence = new DetectorCadence({ maxSkippedFrames });
      const quiet = last([[100, 100, 140, 200]]);
      const pattern = [cadence.decide(null, FRAME)].concat(Array.from({ length: 11 }, () => cadence.decide(quiet, FRAME)))
        .map(({ detect }) => (detect ? 'D' : '.')).join('');
      const period = 'D' + '.'.repeat(maxSkippedFrames);
      assert.equal(pattern, period.repeat(Math.ceil(12 / period.length)).slice(0, 12));
    });
  }
});

test('reset starts over with a detector run; bad options are refused', () => {
  const cadence = new DetectorCadence({ maxSkippedFrames: 3 });
  const quiet = last([[100, 100, 140, 200]]);
  cadence.decide(null, FRAME);
  assert.equal(cadence.decide(quiet, FRAME).detect, false);
  cadence.reset();
  assert.deepEqual(cadence.decide(quiet, FRAME), { detect: true, reason: 'start' });
  assert.throws(() => new DetectorCadence({ maxSkipped: 1 }), TypeError);
  assert.throws(() => new DetectorCadence({ maxSkippedFrames: 1.5 }), RangeError);
  assert.throws(() => new DetectorCadence({ entryMargin: 0.7 }), RangeError);
});
