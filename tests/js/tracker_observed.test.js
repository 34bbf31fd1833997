// The tracker told which parts of a frame the detector looked at (update(..., { observed })):
// a track outside them is predicted (kept and reported with its predicted box), not lost; a
// track inside them that is not found is missed as before. Frames of a 25 frames/s video.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ByteTracker } from '../../frontend/js/tracker/byte_tracker.js';
import { TrackState } from '../../frontend/js/tracker/track.js';
import { holdsWhole, isObserved } from '../../frontend/js/tracker/observed.js';
import { detectionsFromRows } from '../../frontend/js/core/detections.js';

const FPS = 25;
const FRAME = { width: 768, height: 576 };
// Two crops of the frame side by side, overlapping by 100 px (x 0-434 and 334-768).
const LEFT = { x: 0, y: 0, width: 434, height: 576 };
const RIGHT = { x: 334, y: 0, width: 434, height: 576 };

/** A person 60 px tall and 24 wide at x (walking right 25 px/s) on the given frame. */
const person = (x0, frame, y = 200) => {
  const x = x0 + frame;
  return { box: [x, y, x + 24, y + 60], score: 0.9 };
};

/**
 * Feed `frames` ({ rows, observed }) to a fresh tracker; per frame the reported tracks as
 * [{ id, predicted }] and the tracker's state of track 1.
 */
function run(frames, options = {}) {
  const tracker = new ByteTracker(options);
  return frames.map(({ rows, observed = null }, index) => {
    const out = tracker.update(detectionsFromRows(rows), { frameIndex: index + 1, timestamp: index / FPS, ...FRAME, observed });
    const reported = Array.from(out.trackIds, (id, k) => ({ id, predicted: out.predicted[k] === 1 }));
    const first = tracker.activeTracks.find((track) => track.trackId === 1);
    return { reported, state: first ? first.state : 'gone' };
  });
}

const seen = (frame, x0 = 100) => ({ rows: [person(x0, frame)] });
const unseen = (observed) => ({ rows: [], observed });

test('observed regions: an unmatched track is predicted outside them and missed inside them', () => {
  const cases = [
    // name, the frames (person at x 100.. in LEFT only), expected reports of the gap frames, state after the gap, last frame
    { name: 'the whole frame looked at: lost, not reported', gap: [unseen(null), unseen(null)],
      reports: [[], []], state: TrackState.LOST },
    { name: 'only the other crop looked at: predicted, reported as predicted', gap: [unseen([RIGHT]), unseen([RIGHT])],
      reports: [[{ id: 1, predicted: true }], [{ id: 1, predicted: true }]], state: TrackState.TRACKED },
    { name: 'its own crop looked at and nobody found: lost', gap: [unseen([LEFT]), unseen([LEFT])],
      reports: [[], []], state: TrackState.LOST },
    { name: 'nothing looked at', gap: [unseen([]), unseen([])],
      reports: [[{ id: 1, predicted: true }], [{ id: 1, predicted: true }]], state: TrackState.TRACKED },
    { name: 'a whole-frame run that sees only people >= 100 px: predicted (60 px tall)',
      gap: [unseen([{ x: 0, y: 0, width: 768, height: 576, minHeight: 100 }])],
      reports: [[{ id: 1, predicted: true }]], state: TrackState.TRACKED },
    { name: 'a whole-frame run that sees people >= 40 px: lost',
      gap: [unseen([{ x: 0, y: 0, width: 768, height: 576, minHeight: 40 }])], reports: [[]], state: TrackState.LOST },
  ];
  for (const { name, gap, reports, state } of cases) {
    const frames = [seen(0), seen(1), seen(2), ...gap, seen(3 + gap.length)];
    const result = run(frames);
    assert.deepEqual(result[2].reported, [{ id: 1, predicted: false }], `${name}: confirmed before the gap`);
    assert.deepEqual(result.slice(3, 3 + gap.length).map((frame) => frame.reported), reports, name);
    assert.equal(result[2 + gap.length].state, state, name);
    assert.deepEqual(result.at(-1).reported, [{ id: 1, predicted: false }], `${name}: the same person found again`);
  }
});

test('observed regions: a person astride the border of the crop looked at is not observed by it', () => {
  const cases = [
    // x of the person (24 px wide, predicted box), the crops looked at, observed?
    { x: 300, observed: [LEFT], expected: true },
    { x: 420, observed: [LEFT], expected: false, why: 'cut by LEFT\'s right border (434)' },
    { x: 420, observed: [RIGHT], expected: true, why: 'whole in RIGHT' },
    { x: 320, observed: [RIGHT], expected: false, why: 'cut by RIGHT\'s left border (334)' },
    { x: 750, observed: [RIGHT], expected: true, why: 'RIGHT\'s right border is the frame\'s edge' },
    { x: 760, observed: [RIGHT], expected: true, why: 'a box over the frame\'s edge is still seen' },
    { x: 100, observed: [RIGHT], expected: false, why: 'outside RIGHT' },
    { x: 100, observed: null, expected: true, why: 'the whole frame' },
  ];
  for (const { x, observed, expected, why } of cases) {
    assert.equal(isObserved([x, 200, x + 24, 260], observed, { ...FRAME, margin: 0.1 }), expected, `x ${x}: ${why || ''}`);
  }
  // With a margin of 0.1 x 60 px, a box 4 px from an inner border is not held; without, it is.
  assert.equal(holdsWhole(LEFT, [406, 200, 430, 260], { ...FRAME, margin: 0.1 }), false);
  assert.equal(holdsWhole(LEFT, [406, 200, 430, 260], { ...FRAME, margin: 0 }), true);
});

test('observed regions: a person seen once outside the crops looked at next is confirmed when seen again', () => {
  // (The tracker's first frame confirms everyone at once: the person comes on frame 2.)
  const result = run([{ rows: [] }, seen(1, 600), unseen([LEFT]), unseen([LEFT]), seen(4, 600), seen(5, 600)]);
  assert.deepEqual(result[1].reported, [], 'seen once: not confirmed yet');
  assert.deepEqual(result.slice(2, 4).map((frame) => frame.reported), [[], []], 'an unconfirmed track is never reported');
  assert.deepEqual(result[4].reported, [{ id: 1, predicted: false }], 'the second sighting confirms track 1');
  // The whole frame looked at: the unconfirmed track goes, the second sighting starts track 2.
  const whole = run([{ rows: [] }, seen(1, 600), unseen(null), unseen(null), seen(4, 600), seen(5, 600)]);
  assert.deepEqual(whole[4].reported, []);
  assert.deepEqual(whole[5].reported, [{ id: 2, predicted: false }]);
});

test('observed regions: a track unobserved longer than unobservedFrames is lost; 0 turns the rule off', () => {
  const cases = [
    { options: {}, gapFrames: 10, state: TrackState.TRACKED },
    { options: {}, gapFrames: 12, state: TrackState.LOST },
    { options: { unobservedFrames: 3 }, gapFrames: 5, state: TrackState.LOST },
    { options: { unobservedFrames: 0 }, gapFrames: 1, state: TrackState.LOST },
  ];
  for (const { options, gapFrames, state } of cases) {
    const gap = Array.from({ length: gapFrames }, () => unseen([RIGHT]));
    const result = run([seen(0), seen(1), seen(2), ...gap], options);
    assert.equal(result.at(-1).state, state, `${JSON.stringify(options)}, ${gapFrames} frames unobserved`);
  }
  assert.throws(() => new ByteTracker().update(detectionsFromRows([]), { frameIndex: 1, timestamp: 0, observed: [{ x: 0 }] }), /observed region/);
  assert.throws(() => new ByteTracker().update(detectionsFromRows([]), { frameIndex: 1, timestamp: 0, observed: 'left' }), /observed/);
});

test('observed regions: a track missed at its last look is predicted until its next look, not after a second miss', () => {
  const cases = [
    // the frames after three sightings of the person (in LEFT), expected reports per frame
    { name: 'missed once, then not looked at: predicted',
      frames: [unseen([LEFT]), unseen([RIGHT]), unseen([RIGHT])], reports: [[], [{ id: 1, predicted: true }], [{ id: 1, predicted: true }]] },
    { name: 'missed twice: no longer shown',
      frames: [unseen([LEFT]), unseen([RIGHT]), unseen([LEFT]), unseen([RIGHT])], reports: [[], [{ id: 1, predicted: true }], [], []] },
    { name: 'missed, then found again: the same track',
      frames: [unseen([LEFT]), unseen([RIGHT]), seen(5)], reports: [[], [{ id: 1, predicted: true }], [{ id: 1, predicted: false }]] },
    { name: 'the whole frame looked at each time: lost, not shown (as without observed regions)',
      frames: [unseen(null), unseen(null)], reports: [[], []] },
  ];
  for (const { name, frames, reports } of cases) {
    const result = run([seen(0), seen(1), seen(2), ...frames]);
    assert.deepEqual(result.slice(3).map((frame) => frame.reported), reports, name);
  }
});

test('observed regions: a track not looked at is shown as its last box walked on, with its height', () => {
  const tracker = new ByteTracker();
  const speed = 2;   // px a frame
  let out = null;
  for (let frame = 0; frame < 12; frame++) {
    const x = 100 + speed * frame;
    // seen every third frame (crops in turn), else the detector looked at RIGHT only
    const looked = frame % 3 === 0;
    out = tracker.update(detectionsFromRows(looked ? [{ box: [x, 200, x + 24, 260], score: 0.9 }] : []),
      { frameIndex: frame + 1, timestamp: frame / FPS, ...FRAME, observed: looked ? null : [RIGHT] });
    if (frame < 4 || looked) continue;
    assert.equal(out.count, 1);
    assert.equal(out.predicted[0], 1);
    const box = Array.from(out.boxes);
    assert.ok(Math.abs(box[0] - x) <= 1.5, `frame ${frame}: x ${box[0]} vs ${x}`);
    assert.ok(Math.abs(box[3] - box[1] - 60) < 1e-6, `frame ${frame}: height ${box[3] - box[1]}`);
  }
});

test('observed regions: a person looked at every third frame is associated by motion when boxes no longer overlap', () => {
  // Seen once (no velocity yet), then 3 frames later 18 px further: too far for IoU (0.14).
  const frames = [{ rows: [] }, seen(1, 600), unseen([LEFT]), unseen([LEFT]), { rows: [person(618, 4)], observed: [RIGHT] }];
  const cases = [
    { options: {}, ids: [1], why: 'by motion: the same person, confirmed' },
    { options: { motionSpeed: 0 }, ids: [], why: 'without motion: a new, unconfirmed track' },
  ];
  for (const { options, ids, why } of cases) {
    const result = run(frames, options);
    assert.deepEqual(result.at(-1).reported.map((track) => track.id), ids, why);
  }
});

test('observed regions: a person hidden behind someone coasts for coastFrames frames the detector looked at, however often', () => {
  // A (24x60, track 1) stands behind B (30x80) and is hidden from frame 5 on; B is detected whenever
  // the detector looks at LEFT, which holds both. Frames after A's last detection (frame 4).
  const hidden = { box: [310, 205, 334, 265], score: 0.9 };
  const front = { box: [300, 195, 330, 275], score: 0.9 };
  const cases = [
    // how the detector looks after frame 4, expected: A reported (predicted) n frames after its last detection
    { name: 'the whole frame every frame', looks: () => null, shown: { 8: true, 12: false, 20: false } },
    { name: 'LEFT every frame', looks: () => [LEFT], shown: { 8: true, 12: false, 20: false } },
    // 4 looks by n 12, 7 by n 20, 9 by n 26: within coastFrames (10) of looks
    { name: 'LEFT every third frame (crops in turn)', looks: (n) => (n % 3 === 1 ? [LEFT] : [RIGHT]),
      shown: { 8: true, 12: true, 20: true, 26: true } },
    { name: 'LEFT every third frame, coastFrames 3', options: { coastFrames: 3 }, looks: (n) => (n % 3 === 1 ? [LEFT] : [RIGHT]),
      shown: { 6: true, 12: false } },
  ];
  for (const { name, options = {}, looks, shown } of cases) {
    const frames = [0, 1, 2, 3, 4].map(() => ({ rows: [hidden, front] }));
    for (let n = 1; n <= 26; n++) {
      const observed = looks(n);
      const looksAtLeft = observed === null || observed.includes(LEFT);
      frames.push({ rows: looksAtLeft ? [front] : [], observed });
    }
    const result = run(frames, options);
    assert.deepEqual(result[4].reported, [{ id: 1, predicted: false }, { id: 2, predicted: false }], `${name}: both seen`);
    for (const [n, expected] of Object.entries(shown)) {
      const reported = result[4 + Number(n)].reported;
      assert.deepEqual(reported.filter((track) => track.id === 1), expected ? [{ id: 1, predicted: true }] : [], `${name}: A, n ${n}`);
      assert.equal(reported.some((track) => track.id === 2), true, `${name}: B, n ${n}`);
    }
  }
});
