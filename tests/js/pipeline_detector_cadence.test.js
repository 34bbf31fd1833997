import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CountingEngine } from '../../frontend/js/counting/counting_engine.js';
import { countingEdges, DetectorCadence, pointSegmentDistance, segmentDistance } from '../../frontend/js/pipeline/detector_cadence.js';

const FRAME = { width: 640, height: 480 };

/** Tracks the detector saw at frameIndex: boxes [x1, y1, x2, y2] (foot = bottom centre), ids 1.. */
function seen(frameIndex, boxes, predicted = boxes.map(() => 0)) {
  const feet = new Float32Array(boxes.flatMap(([x1, , x2, y2]) => [(x1 + x2) / 2, y2]));
  return { frameIndex, feet, tracked: { count: boxes.length, boxes: new Float32Array(boxes.flat()),
    trackIds: Int32Array.from(boxes, (_, index) => index + 1), predicted: Uint8Array.from(predicted) } };
}

const shift = (boxes, dx, dy) => boxes.map(([x1, y1, x2, y2]) => [x1 + dx, y1 + dy, x2 + dx, y2 + dy]);

test('pointSegmentDistance and segmentDistance measure to the segment, not the infinite line', () => {
  const cases = [
    { p: [5, 3], a: [0, 0], b: [10, 0], want: 3 },
    { p: [13, 4], a: [0, 0], b: [10, 0], want: 5 },
    { p: [-3, -4], a: [0, 0], b: [10, 0], want: 5 },
    { p: [2, 2], a: [1, 1], b: [1, 1], want: Math.SQRT2 },
  ];
  for (const { p, a, b, want } of cases) assert.ok(Math.abs(pointSegmentDistance(p, a, b) - want) < 1e-9, JSON.stringify(p));
  assert.equal(segmentDistance([5, -2], [5, 2], [0, 0], [10, 0]), 0, 'a path across the edge');
  assert.equal(segmentDistance([5, 3], [8, 3], [0, 0], [10, 0]), 3, 'a path along the edge');
  assert.equal(segmentDistance([12, -1], [12, 1], [0, 0], [10, 0]), 2, 'a path past the end of the edge');
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
  // Each case: the boxes at the previous detector run (frame 0) and their move by frame 1.
  const cases = [
    { name: 'standing far from the line', boxes: [[100, 100, 140, 200]], move: [0, 0], edges: [line], want: 'clear' },
    { name: 'walking along the line', boxes: [[300, 100, 330, 200]], move: [0, 8], edges: [line], want: 'clear' },
    { name: 'walking towards the line, crossing within 3 frames', boxes: [[270, 100, 310, 200]], move: [10, 0], edges: [line], want: 'near-edge' },
    { name: 'walking away from the line', boxes: [[270, 100, 310, 200]], move: [-4, 0], edges: [line], want: 'clear' },
    { name: 'too far to reach the line within 3 frames', boxes: [[200, 100, 240, 200]], move: [4, 0], edges: [line], want: 'clear' },
    { name: 'a margin in box heights catches the slow', boxes: [[270, 100, 310, 200]], move: [1, 0], edges: [line], options: { edgeMargin: 0.5 }, want: 'near-edge' },
    { name: 'heading past the end of a short segment', boxes: [[200, 300, 240, 400]], move: [6, 0], edges: [[[260, 0], [260, 100]]], want: 'clear' },
    { name: 'a zone side', boxes: [[380, 100, 420, 200]], move: [0, 5], edges: [[[350, 210], [450, 210]]], want: 'near-edge' },
    { name: 'foot point at the frame border (people enter there)', boxes: [[0, 100, 10, 200]], move: [0, 0], edges: [], want: 'entry' },
    { name: 'a coasting (predicted) track', boxes: [[100, 100, 140, 200]], move: [0, 0], predicted: [1], edges: [], want: 'coasting' },
    { name: 'nobody tracked', boxes: [], move: [0, 0], edges: [line], want: 'clear' },
  ];
  for (const { name, boxes, move, predicted, edges, options, want } of cases) {
    await t.test(name, () => {
      const cadence = new DetectorCadence(options);
      assert.deepEqual(cadence.decide(null, { edges, ...FRAME }), { detect: true, reason: 'start' });
      const first = cadence.decide(seen(0, boxes), { edges, ...FRAME });
      if (boxes.length) assert.deepEqual(first, { detect: true, reason: 'new-track' }, 'speed unknown at first sight');
      assert.deepEqual(cadence.decide(seen(1, shift(boxes, ...move), predicted), { edges, ...FRAME }),
        { detect: want !== 'clear', reason: want });
    });
  }
});

test('at most maxSkippedFrames frames are skipped in a row', async (t) => {
  for (const maxSkippedFrames of [0, 1, 2, 4]) {
    await t.test(`maxSkippedFrames ${maxSkippedFrames}`, () => {
      const cadence = new DetectorCadence({ maxSkippedFrames });
      const still = [[100, 100, 140, 200]];
      cadence.decide(seen(0, still), FRAME);
      let last = seen(1, still);
      const pattern = Array.from({ length: 12 }, (_, index) => {
        const { detect } = cadence.decide(last, FRAME);
        if (detect) last = seen(2 + index, still);
        return detect ? 'D' : '.';
      }).join('');
      // D: the detector runs; .: the tracker's last tracks stand.
      assert.equal(pattern, ('.'.repeat(maxSkippedFrames) + 'D').repeat(12).slice(0, 12));
    });
  }
});

test('reset starts over with a detector run; bad options are refused', () => {
  const cadence = new DetectorCadence({ maxSkippedFrames: 3 });
  const still = [[100, 100, 140, 200]];
  cadence.decide(null, FRAME);
  cadence.decide(seen(0, still), FRAME);
  assert.equal(cadence.decide(seen(1, still), FRAME).detect, false);
  cadence.reset();
  assert.deepEqual(cadence.decide(seen(1, still), FRAME), { detect: true, reason: 'start' });
  assert.throws(() => new DetectorCadence({ maxSkipped: 1 }), TypeError);
  assert.throws(() => new DetectorCadence({ maxSkippedFrames: 1.5 }), RangeError);
  assert.throws(() => new DetectorCadence({ entryMargin: 0.7 }), RangeError);
});
