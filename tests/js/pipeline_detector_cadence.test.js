import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CountingEngine } from '../../frontend/js/counting/counting_engine.js';
import { countingEdges, DetectorCadence, pointSegmentDistance, segmentDistance } from '../../frontend/js/pipeline/detector_cadence.js';

const FRAME = { width: 640, height: 480 };

/** Tracks the detector saw at frameIndex (time frameIndex / 25): boxes [x1, y1, x2, y2] (foot = bottom centre), ids 1.. */
function seen(frameIndex, boxes, predicted = boxes.map(() => 0)) {
  const feet = new Float32Array(boxes.flatMap(([x1, , x2, y2]) => [(x1 + x2) / 2, y2]));
  return { frameIndex, timestamp: frameIndex / 25, feet, tracked: { count: boxes.length, boxes: new Float32Array(boxes.flat()),
    trackIds: Int32Array.from(boxes, (_, index) => index + 1), predicted: Uint8Array.from(predicted) } };
}

/** The decision for frame `frameIndex` after the run `last`, every track walking `velocity` pixels per second. */
function decide(cadence, last, frameIndex, { velocity = [0, 0], pending = false, edges = [], final = false } = {}) {
  const velocities = last ? Float64Array.from({ length: 2 * last.tracked.count }, (_, k) => velocity[k % 2]) : null;
  return cadence.decide({ last, velocities, pending, final, timestamp: frameIndex / 25 }, { edges, ...FRAME });
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

test('the detector runs when something can change what is seen, and skips elsewhere', async (t) => {
  const line = [[320, 0], [320, 480]];
  // Each case: the boxes at the detector run of frame 0, their foot velocity (pixels per
  // second), and the decision for frame 1 (maxSkippedFrames 2: skipping it, the detector runs
  // again by frame 3 at the latest, 0.12 s after the run).
  const edgeRule = { nearEdge: true };
  const cases = [
    { name: 'standing far from the line', boxes: [[100, 100, 140, 200]], velocity: [0, 0], edges: [line], options: edgeRule, want: 'clear' },
    { name: 'walking along the line', boxes: [[300, 100, 330, 200]], velocity: [0, 200], edges: [line], options: edgeRule, want: 'clear' },
    { name: 'walking towards the line, reaching it by the latest next run', boxes: [[270, 100, 310, 200]], velocity: [250, 0], edges: [line], options: edgeRule, want: 'near-edge' },
    { name: 'walking away from the line', boxes: [[270, 100, 310, 200]], velocity: [-100, 0], edges: [line], options: edgeRule, want: 'clear' },
    { name: 'too far to reach the line by the latest next run', boxes: [[200, 100, 240, 200]], velocity: [100, 0], edges: [line], options: edgeRule, want: 'clear' },
    { name: 'a margin in box heights catches the slow', boxes: [[270, 100, 310, 200]], velocity: [25, 0], edges: [line], options: { ...edgeRule, edgeMargin: 0.5 }, want: 'near-edge' },
    { name: 'a margin in seconds of walk catches the fast', boxes: [[200, 100, 240, 200]], velocity: [300, 0], edges: [line], options: { ...edgeRule, speedMargin: 0.3 }, want: 'near-edge' },
    { name: 'heading past the end of a short segment', boxes: [[200, 300, 240, 400]], velocity: [150, 0], edges: [[[260, 0], [260, 100]]], options: edgeRule, want: 'clear' },
    { name: 'a zone side', boxes: [[380, 100, 420, 200]], velocity: [0, 125], edges: [[[350, 210], [450, 210]]], options: edgeRule, want: 'near-edge' },
    { name: 'the edge rule off (the default): walking onto the line', boxes: [[270, 100, 310, 200]], velocity: [250, 0], edges: [line], want: 'clear' },
    { name: 'foot point at the frame border (people enter there)', boxes: [[0, 100, 8, 200]], velocity: [0, 0], edges: [], want: 'entry' },
    { name: 'a person seen once, not confirmed yet', boxes: [[100, 100, 140, 200]], velocity: [0, 0], pending: true, edges: [], want: 'pending-track' },
    { name: 'pending people ignored when asked', boxes: [[100, 100, 140, 200]], velocity: [0, 0], pending: true, edges: [], options: { pendingTracks: false }, want: 'clear' },
    { name: 'a coasting (predicted) track, when asked', boxes: [[100, 100, 140, 200]], velocity: [0, 0], predicted: [1], edges: [], options: { coasting: true }, want: 'coasting' },
    { name: 'a coasting track by default', boxes: [[100, 100, 140, 200]], velocity: [0, 0], predicted: [1], edges: [], want: 'clear' },
    { name: 'nobody tracked', boxes: [], velocity: [0, 0], edges: [line], options: edgeRule, want: 'clear' },
  ];
  for (const { name, boxes, velocity, predicted, pending, edges, options, want } of cases) {
    await t.test(name, () => {
      const cadence = new DetectorCadence(options);
      assert.deepEqual(decide(cadence, null, 0, { edges }), { detect: true, reason: 'start' });
      assert.deepEqual(decide(cadence, seen(0, boxes, predicted), 1, { velocity, pending, edges }), { detect: want !== 'clear', reason: want });
    });
  }
});

test('a new person (first reported at the last run) keeps the detector on when asked', () => {
  const cadence = new DetectorCadence({ newTracks: true });
  const person = [[100, 100, 140, 200]];
  decide(cadence, null, 0);
  assert.deepEqual(decide(cadence, seen(0, person), 1), { detect: true, reason: 'new-track' });
  assert.deepEqual(decide(cadence, seen(1, person), 2), { detect: false, reason: 'clear' }, 'seen at two runs');
});

test('at most maxSkippedFrames frames are skipped in a row', async (t) => {
  for (const maxSkippedFrames of [0, 1, 2, 4]) {
    await t.test(`maxSkippedFrames ${maxSkippedFrames}`, () => {
      const cadence = new DetectorCadence({ maxSkippedFrames });
      const still = [[100, 100, 140, 200]];
      let last = seen(0, still);
      const pattern = Array.from({ length: 12 }, (_, index) => {
        const { detect } = decide(cadence, last, index + 1);
        if (detect) last = seen(index + 1, still);
        return detect ? 'D' : '.';
      }).join('');
      // D: the detector runs; .: the tracker predicts.
      assert.equal(pattern, ('.'.repeat(maxSkippedFrames) + 'D').repeat(12).slice(0, 12));
    });
  }
});

test('reset starts over with a detector run; bad options are refused', () => {
  const cadence = new DetectorCadence({ maxSkippedFrames: 3 });
  const still = [[100, 100, 140, 200]];
  assert.equal(decide(cadence, seen(0, still), 1).detect, false);
  cadence.reset();
  assert.deepEqual(decide(cadence, null, 2), { detect: true, reason: 'start' });
  assert.throws(() => new DetectorCadence({ maxSkipped: 1 }), TypeError);
  assert.throws(() => new DetectorCadence({ maxSkippedFrames: 1.5 }), RangeError);
  assert.throws(() => new DetectorCadence({ maxSkippedFrames: 1e9 }), RangeError);
  assert.throws(() => new DetectorCadence({ entryMargin: 0.7 }), RangeError);
  assert.throws(() => new DetectorCadence({ nearEdge: 'yes' }), TypeError);
  assert.throws(() => cadence.decide({ timestamp: Number.NaN }, FRAME), TypeError);
});

test('the bound holds in time too: a run older than maxSkippedFrames + 1 frames is followed at once', () => {
  // The monitor shows frames while a slow detector runs, and asks the cadence only when the
  // run is done: 0.2 s after the run's frame, the next frame gets the detector.
  const cadence = new DetectorCadence({ maxSkippedFrames: 2 });
  const still = [[100, 100, 140, 200]];
  assert.deepEqual(decide(cadence, seen(0, still), 5), { detect: true, reason: 'interval' });
  assert.deepEqual(decide(cadence, seen(5, still), 6), { detect: false, reason: 'clear' });
  assert.deepEqual(decide(cadence, seen(5, still), 8), { detect: true, reason: 'interval' }, '3 frames of 1/25 s after the run');
});

test('crossingRuns: every frame for that many runs after a person\'s raw crossing, while they are in view', () => {
  const cadence = new DetectorCadence({ crossingRuns: 2 });
  const person = [[100, 100, 140, 200]];
  const crossed = (frameIndex) => ({ ...seen(frameIndex, person), result: { events: [{ type: 'cross_raw', trackId: 1 }] } });
  const quiet = (frameIndex, boxes = person) => ({ ...seen(frameIndex, boxes), result: { events: [] } });
  assert.deepEqual(decide(cadence, quiet(0), 1), { detect: false, reason: 'clear' });
  assert.deepEqual(decide(cadence, crossed(2), 3), { detect: true, reason: 'crossing' });
  assert.deepEqual(decide(cadence, quiet(3), 4), { detect: true, reason: 'crossing' }, 'one run after the crossing');
  assert.deepEqual(decide(cadence, quiet(4), 5), { detect: false, reason: 'clear' }, 'two runs after: back to the cadence');
  assert.deepEqual(decide(cadence, crossed(6), 7), { detect: true, reason: 'crossing' });
  assert.deepEqual(decide(cadence, quiet(7, []), 8), { detect: false, reason: 'clear' }, 'the person left the picture');
  assert.deepEqual(decide(new DetectorCadence(), crossed(0), 1), { detect: false, reason: 'clear' }, 'off by default');
});

test('a video\'s final frame always gets the detector, whatever the other rules say', async (t) => {
  const still = [[100, 100, 140, 200]];
  // Each case: the frames decided after a run on frame 0 (final marks the video's last one)
  // and the decisions wanted; D/. = the detector runs / skips.
  const cases = [
    { name: 'a clear scene: the last frame, skipped otherwise, is a run', frames: [{ index: 1, final: true }], want: ['end'] },
    { name: 'the same frame without the mark is skipped', frames: [{ index: 1 }], want: ['clear'] },
    { name: 'a run due anyway keeps its reason', frames: [{ index: 1 }, { index: 2 }, { index: 3, final: true }], want: ['clear', 'clear', 'interval'] },
    { name: 'the interval starts over after it', frames: [{ index: 1, final: true }, { index: 2 }, { index: 3 }, { index: 4 }], want: ['end', 'clear', 'clear', 'interval'] },
    { name: 'with a long interval too', options: { maxSkippedFrames: 10 }, frames: [{ index: 1 }, { index: 2 }, { index: 3, final: true }], want: ['clear', 'clear', 'end'] },
  ];
  for (const { name, options, frames, want } of cases) {
    await t.test(name, () => {
      const cadence = new DetectorCadence(options);
      let last = seen(0, still);
      const reasons = frames.map(({ index, final }) => {
        const plan = decide(cadence, last, index, { final });
        assert.equal(plan.detect, plan.reason !== 'clear');
        if (plan.detect) last = seen(index, still);
        return plan.reason;
      });
      assert.deepEqual(reasons, want);
    });
  }
  const cadence = new DetectorCadence();
  assert.deepEqual(decide(cadence, null, 0, { final: true }), { detect: true, reason: 'start' }, 'a one-frame video');
  assert.throws(() => decide(cadence, seen(0, still), 1, { final: 1 }), TypeError);
});

// minRunSeconds caps the detector's rate: no run sooner than that after the last one, whatever
// else asks (a pending track here), but the first frame and a video's last always run.
const capCases = [
  { name: 'no cap: a pending track runs it on the next frame', options: {}, frame: 1, final: false, detect: true, reason: 'pending-track' },
  { name: '0.5 s cap: not 0.04 s after the last run', options: { minRunSeconds: 0.5 }, frame: 1, final: false, detect: false, reason: 'clear' },
  { name: '0.5 s cap: not 0.48 s after', options: { minRunSeconds: 0.5 }, frame: 12, final: false, detect: false, reason: 'clear' },
  { name: '0.5 s cap: 0.52 s after, the rules apply again', options: { minRunSeconds: 0.5 }, frame: 13, final: false, detect: true, reason: 'interval' },
  { name: '0.5 s cap: a video\'s last frame still runs', options: { minRunSeconds: 0.5 }, frame: 3, final: true, detect: true, reason: 'end' },
];
for (const { name, options, frame, final, detect, reason } of capCases) {
  test(`minRunSeconds — ${name}`, () => {
    const cadence = new DetectorCadence(options);
    assert.equal(decide(cadence, null, 0).reason, 'start');
    const last = seen(0, [[100, 100, 140, 220]]);
    let decision;
    for (let f = 1; f <= frame; f += 1) decision = decide(cadence, last, f, { pending: true, final: final && f === frame });
    assert.deepEqual({ detect: decision.detect, reason: decision.reason }, { detect, reason });
  });
}

test('minRunSeconds — a negative cap is refused', () => {
  assert.throws(() => new DetectorCadence({ minRunSeconds: -1 }), /minRunSeconds must be within/);
});
