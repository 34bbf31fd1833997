import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ByteTracker } from '../../frontend/js/tracker/byte_tracker.js';
import { detectionsFromRows } from '../../frontend/js/core/detections.js';

/** A person walking: box 40x100 whose left edge moves by `speed` px per frame. */
const walker = (x0, speed, score = 0.9, y = 100) => (frame) => ({
  box: [x0 + speed * frame, y, x0 + speed * frame + 40, y + 100], score,
});

/** Run frames 1..n; `scene(frame)` returns the detections rows. Returns trackIds per frame. */
function run(tracker, frames, scene) {
  const ids = [];
  for (let frame = 1; frame <= frames; frame += 1) {
    const out = tracker.update(detectionsFromRows(scene(frame)), { frameIndex: frame, timestamp: frame / 25 });
    ids.push(Array.from(out.trackIds));
  }
  return ids;
}

const cases = [
  {
    name: 'ids stay stable through a short gap',
    frames: 30,
    scene: (f) => (f >= 12 && f <= 16 ? [] : [walker(0, 4)(f)]),
    check: (ids) => {
      assert.deepEqual(ids[10], [1]);
      assert.deepEqual(ids[13], []);
      assert.deepEqual(ids[20], [1]);
      assert.deepEqual(ids[29], [1]);
    },
  },
  {
    name: 'a low-score detection keeps the track alive (second association)',
    frames: 20,
    scene: (f) => [walker(0, 4, f >= 8 && f <= 12 ? 0.15 : 0.9)(f)],
    check: (ids) => {
      for (let f = 8; f <= 12; f += 1) assert.deepEqual(ids[f - 1], [1], `frame ${f}`);
      assert.deepEqual(ids[19], [1]);
    },
  },
  {
    name: 'a low-score detection alone never starts a track',
    frames: 10,
    scene: (f) => [walker(0, 4, 0.15)(f)],
    check: (ids) => ids.forEach((frameIds) => assert.deepEqual(frameIds, [])),
  },
  {
    name: 'new people get new ids after a confirmation frame',
    frames: 12,
    scene: (f) => [walker(0, 4)(f), ...(f >= 5 ? [walker(300, -4, 0.9, 200)(f)] : [])],
    check: (ids) => {
      assert.deepEqual(ids[3], [1]);
      assert.deepEqual(ids[4], [1], 'unconfirmed on its first frame');
      assert.deepEqual(ids[5], [1, 2]);
      assert.deepEqual(ids[11], [1, 2]);
    },
  },
  {
    name: 'a one-frame false positive never gets an id',
    frames: 10,
    scene: (f) => [walker(0, 4)(f), ...(f === 5 ? [{ box: [400, 300, 440, 400], score: 0.9 }] : [])],
    check: (ids) => ids.forEach((frameIds) => assert.deepEqual(frameIds, [1])),
  },
  {
    name: 'two people crossing paths keep their ids',
    frames: 40,
    scene: (f) => [walker(0, 5, 0.9, 100)(f), walker(200, -5, 0.9, 130)(f)],
    check: (ids) => {
      assert.deepEqual(ids[0], [1, 2]);
      assert.deepEqual(ids[39], [1, 2]);
    },
  },
];

for (const { name, frames, scene, check } of cases) {
  test(name, () => check(run(new ByteTracker(), frames, scene)));
}

test('a person gone longer than the track buffer comes back with a new id', () => {
  const tracker = new ByteTracker({ trackBuffer: 5 });
  const ids = run(tracker, 30, (f) => (f >= 10 && f <= 20 ? [] : [walker(0, 0)(f)]));
  assert.deepEqual(ids[8], [1]);
  assert.deepEqual(ids[22], [2]);
});

test('output boxes, scores and keypoints are the detections\' own', () => {
  const tracker = new ByteTracker();
  const keypoints = new Float32Array(17 * 3).fill(7);
  const detections = detectionsFromRows([{ box: [10, 20, 50, 120], score: 0.8, keypoints }], { keypointCount: 17 });
  const out = tracker.update(detections, { frameIndex: 0, timestamp: 0 });
  assert.deepEqual(Array.from(out.boxes), [10, 20, 50, 120]);
  assert.ok(Math.abs(out.scores[0] - 0.8) < 1e-6);
  assert.equal(out.keypoints.length, 51);
  assert.equal(out.keypoints[50], 7);
});

test('reset forgets tracks and restarts ids; instances do not share ids', () => {
  const first = new ByteTracker();
  const second = new ByteTracker();
  run(first, 5, (f) => [walker(0, 4)(f), walker(200, 4)(f)]);
  assert.deepEqual(run(second, 2, (f) => [walker(0, 4)(f)]).at(-1), [1]);
  first.reset();
  assert.equal(first.activeTracks.length, 0);
  assert.deepEqual(run(first, 2, (f) => [walker(500, 4)(f)]).at(-1), [1]);
});

const badOptions = [
  [{ trackBufer: 10 }, /unknown option\(s\) trackBufer/],
  [{ highThreshold: 1.5 }, /highThreshold must be within/],
  [{ lowThreshold: 0.6, highThreshold: 0.5 }, /lowThreshold must not exceed/],
  [{ trackBuffer: 2.5 }, /trackBuffer must be an integer/],
];
for (const [options, message] of badOptions) {
  test(`bad options throw: ${JSON.stringify(options)}`, () => {
    assert.throws(() => new ByteTracker(options), message);
  });
}

test('update requires frameIndex and timestamp', () => {
  assert.throws(() => new ByteTracker().update(detectionsFromRows([]), {}), /frameIndex/);
});

test('random crowds never give two outputs the same id in one frame', () => {
  let state = 7;
  const random = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const tracker = new ByteTracker({ coastFrames: 5 });
  for (let frame = 1; frame <= 300; frame += 1) {
    const rows = Array.from({ length: Math.floor(random() * 12) }, () => {
      const x = random() * 600;
      const y = random() * 400;
      return { box: [x, y, x + 20 + random() * 40, y + 60 + random() * 80], score: random() };
    });
    const out = tracker.update(detectionsFromRows(rows), { frameIndex: frame, timestamp: frame / 25 });
    const ids = Array.from(out.trackIds);
    assert.equal(new Set(ids).size, ids.length, `frame ${frame}`);
  }
});
