import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectionsFromRows } from '../../frontend/js/core/detections.js';
import { RegionRotation } from '../../frontend/js/pipeline/region_rotation.js';
import { FramePipeline } from '../../frontend/js/pipeline/frame_pipeline.js';

// 3x2 crops of a 768x576 frame, overlapping by 124 px (region_plan.js's 6 crops x1.19).
const CROPS = [0, 1].flatMap((row) => [0, 1, 2].map((column) => ({ x: 215 * column, y: 226 * row, width: 339, height: 350 })));
const PLAN = { regions: CROPS, runs: 6 };
const FRAME = { width: 768, height: 576 };
const WHOLE = { x: 0, y: 0, width: 768, height: 576 };
const boxesOf = (detections) => Array.from({ length: detections.count }, (_, index) => Array.from(detections.boxes.subarray(4 * index, 4 * index + 4)));
const indices = (regions) => regions.map((region) => CROPS.indexOf(region));

test('RegionRotation.choose: at 25 fps each crop every third frame (turnSeconds 0.1); at 7 fps, or 0 s, every crop every frame', () => {
  const cases = [
    // fps, turnSeconds, crops run per frame from the second frame on
    { fps: 25, turnSeconds: 0.1, perFrame: 2 },
    { fps: 25, turnSeconds: 0.2, perFrame: 1 },
    { fps: 12.5, turnSeconds: 0.1, perFrame: 3 },
    { fps: 7, turnSeconds: 0.1, perFrame: 6 },
    { fps: 25, turnSeconds: 0, perFrame: 6 },
  ];
  for (const { fps, turnSeconds, perFrame } of cases) {
    const rotation = new RegionRotation({ turnSeconds });
    const chosen = Array.from({ length: 13 }, (_, frame) => indices(rotation.choose(PLAN, frame / fps, FRAME)));
    const name = `${fps} fps, ${turnSeconds} s`;
    assert.deepEqual(chosen[0], [0, 1, 2, 3, 4, 5], `${name}: a new plan runs all its crops first`);
    for (const share of chosen.slice(2)) assert.equal(share.length, perFrame, `${name}: ${JSON.stringify(chosen)}`);
    // every crop runs at least once in any 6 / perFrame frames in a row
    const window = 6 / perFrame;
    for (let start = 1; start + window <= chosen.length; start++) {
      const seen = new Set(chosen.slice(start, start + window).flat());
      assert.equal(seen.size, 6, `${name}: frames ${start}-${start + window - 1}: ${JSON.stringify(chosen)}`);
    }
  }
  assert.equal(new RegionRotation().choose({ regions: null }, 0, FRAME), null, 'the whole frame alone: nothing to rotate');
});

test('RegionRotation.choose: a whole-frame run runs on every frame; moved crops keep the turns, another count starts over', () => {
  const rotation = new RegionRotation({ turnSeconds: 0.1 });
  const withWhole = { regions: [WHOLE, ...CROPS], runs: 7 };
  const runs = Array.from({ length: 6 }, (_, frame) => rotation.choose(withWhole, frame / 25, FRAME));
  assert.ok(runs.every((regions) => regions[0] === WHOLE), 'the whole frame every time');
  assert.deepEqual(runs.slice(1).map((regions) => regions.length), [3, 3, 3, 3, 3]);
  // The same number of crops, moved by a pixel: the turn goes on (no frame with every crop).
  const moved = { regions: [WHOLE, ...CROPS.map((region) => ({ ...region, x: region.x + 1 }))], runs: 7 };
  assert.equal(rotation.choose(moved, 6 / 25, FRAME).length, 3);
  assert.equal(rotation.choose({ regions: [WHOLE, ...CROPS.slice(0, 4)], runs: 5 }, 7 / 25, FRAME).length, 5, 'another count: all first');
});

test('RegionRotation.observed and dropFragments: the crops run now, and the people they cut', () => {
  const rotation = new RegionRotation({ turnSeconds: 0.1 });
  rotation.choose(PLAN, 0, FRAME);
  assert.equal(rotation.observed({ ...FRAME, wholeFrameMinHeight: 100 }), null, 'every crop ran: the whole frame');
  const unchanged = detectionsFromRows([{ box: [320, 20, 339, 90], score: 0.6 }]);
  assert.equal(rotation.dropFragments(unchanged, FRAME), unchanged, 'every crop ran: nothing dropped here');
  let frame = 1;
  for (; frame < 10; frame++) {
    const ran = indices(rotation.choose(PLAN, frame / 25, FRAME));
    if (ran.includes(0) && !ran.includes(1)) break;
  }
  assert.ok(frame < 10);
  assert.deepEqual(rotation.observed(FRAME).map(({ x, y, minHeight }) => [x, y, minHeight]),
    rotation.ran.map((region) => [region.x, region.y, 0]));
  const cases = [
    // box, kept?, why
    { box: [320, 20, 339, 90], kept: false, why: 'cut by crop 0\'s right border (339), crop 1 (sees it whole) not run' },
    { box: [300, 20, 330, 90], kept: true, why: 'whole in crop 0' },
    { box: [0, 20, 20, 90], kept: true, why: 'on the frame\'s edge' },
  ];
  const out = boxesOf(rotation.dropFragments(detectionsFromRows(cases.map(({ box }) => ({ box, score: 0.9 }))), FRAME));
  for (const { box, kept, why } of cases) assert.equal(out.some((b) => b[0] === box[0] && b[2] === box[2]), kept, why);
  // A whole-frame run observes only the people big enough for its scale.
  const whole = new RegionRotation({ turnSeconds: 0.1 });
  whole.choose({ regions: [WHOLE, ...CROPS], runs: 7 }, 0, FRAME);
  whole.choose({ regions: [WHOLE, ...CROPS], runs: 7 }, 1 / 25, FRAME);
  assert.equal(whole.observed({ ...FRAME, wholeFrameMinHeight: 118 })[0].minHeight, 118);
});

/** 12 people 55 px tall spread over a 768x576 frame, walking right 1 px a frame. */
const people = (frame) => Array.from({ length: 12 }, (_, index) => {
  const x = 40 + (index % 4) * 180 + frame, y = 60 + Math.floor(index / 4) * 180;
  return { box: [x, y, x + 22, y + 55], score: 0.9 };
});
const insideRegion = (b, r) => b[0] >= r.x && b[1] >= r.y && b[2] <= r.x + r.width && b[3] <= r.y + r.height;

/** The scene through a FramePipeline whose detector finds the people wholly inside a crop it ran. */
function runScene(options, frames = 30) {
  const pipeline = new FramePipeline(options);
  return Array.from({ length: frames }, (_, frame) => {
    const plan = pipeline.planDetection({ ...FRAME, timestamp: frame / 25, inputSize: 416 });
    const found = people(frame).filter((row) => !plan.regions || plan.regions.some((region) => insideRegion(row.box, region)));
    const output = pipeline.process(detectionsFromRows(found), { frameIndex: frame, timestamp: frame / 25, ...FRAME });
    return { runs: plan.regions ? plan.regions.length : 1, output, ids: Array.from(output.tracked.trackIds).sort((a, b) => a - b),
      predicted: Array.from(output.tracked.predicted).filter(Boolean).length };
  });
}

test('FramePipeline: with crops in turn the tracker keeps everyone (predicted outside the crops run), with the same ids', () => {
  const frames = runScene({ regionPlan: { minObservations: 1 } });
  const late = frames.slice(10);
  assert.ok(late.every(({ runs }) => runs < 6), `crops take turns: ${frames.map(({ runs }) => runs)}`);
  assert.ok(late.every(({ output }) => output.personCount === 12), `12 tracked: ${frames.map(({ output }) => output.personCount)}`);
  assert.ok(late.every(({ predicted }) => predicted > 0 && predicted < 12), 'some seen, the others predicted');
  assert.ok(late.every(({ ids }) => JSON.stringify(ids) === JSON.stringify(late[0].ids)), 'no id changes');
  assert.ok(late.every(({ output }) => output.observed !== null), 'the frame result says where the detector looked');
  // Predicted boxes walk on with their person: within 2 px of where they are now.
  for (const [offset, { output }] of late.entries()) {
    const now = people(offset + 10).map((row) => row.box);
    for (let index = 0; index < output.tracked.count; index++) {
      const [x1, y1] = output.tracked.boxes.subarray(4 * index, 4 * index + 2);
      assert.ok(now.some((b) => Math.abs(b[0] - x1) <= 2 && Math.abs(b[1] - y1) <= 2), `frame ${offset + 10}: box at ${x1},${y1}`);
    }
  }
  // A tracker that ignores the observed regions loses the people of the crops not run.
  const blind = runScene({ regionPlan: { minObservations: 1 }, tracker: { unobservedFrames: 0 } });
  assert.ok(blind.slice(10).some(({ output }) => output.personCount < 12));
});

test('FramePipeline: turnSeconds 0 runs every crop on every frame', () => {
  const frames = runScene({ regionPlan: { minObservations: 1, turnSeconds: 0 } }, 15);
  const runs = frames.map(({ runs: count }) => count);
  assert.ok(runs.slice(5).every((count) => count === runs[runs.length - 1] && count > 1), `${runs}`);
  assert.ok(frames.slice(5).every(({ output }) => output.observed === null && output.personCount === 12));
});

test('RegionRotation.choose: the crop holding people waiting for a sighting runs out of turn, within extraRuns a frame', () => {
  const needy = [[700, 400, 720, 460]];   // in crop 5 only
  const cases = [
    { extraRuns: 0, extra: 0 },
    { extraRuns: 0.4, extra: 0.4 },
    { extraRuns: 1, extra: 1 },
  ];
  for (const { extraRuns, extra } of cases) {
    const rotation = new RegionRotation({ turnSeconds: 0.1, extraRuns });
    const frames = 31;
    const chosen = Array.from({ length: frames }, (_, frame) => indices(rotation.choose(PLAN, frame / 25, { ...FRAME, needy })));
    const later = chosen.slice(1);
    const runs = later.reduce((sum, share) => sum + share.length, 0) / later.length;
    assert.ok(Math.abs(runs - (2 + extra * 2 / 3)) <= 0.1, `extraRuns ${extraRuns}: ${runs} runs a frame ${JSON.stringify(chosen)}`);
    // crop 5's own turn is every third frame; out of turn it runs only when needy
    const withFive = later.filter((share) => share.includes(5)).length / later.length;
    assert.ok(withFive >= 1 / 3 - 0.05 + extra * 2 / 3 - 0.1, `extraRuns ${extraRuns}: crop 5 on ${withFive} of the frames`);
  }
  // Nobody waiting: no extra run, whatever the budget.
  const calm = new RegionRotation({ turnSeconds: 0.1, extraRuns: 1 });
  const shares = Array.from({ length: 10 }, (_, frame) => calm.choose(PLAN, frame / 25, FRAME).length);
  assert.deepEqual(shares.slice(1), Array(9).fill(2));
});

test('RegionRotation.choose: crops holding crowdedWaiting people waiting for a sighting run at once, whatever the budget', () => {
  const crowd = (count, left) => Array.from({ length: count }, (_, index) => [left + 2 * index, 400, left + 2 * index + 20, 460]);
  const cases = [
    // people waiting in crop 5 only (x 600-), crowdedWaiting, does crop 5 run on every frame?
    { needy: crowd(6, 600), crowdedWaiting: 6, always: true },
    { needy: crowd(5, 600), crowdedWaiting: 6, always: false },
    { needy: crowd(2, 600), crowdedWaiting: 2, always: true },
  ];
  for (const { needy, crowdedWaiting, always } of cases) {
    const rotation = new RegionRotation({ turnSeconds: 0.1, extraRuns: 0, crowdedWaiting });
    const chosen = Array.from({ length: 9 }, (_, frame) => indices(rotation.choose(PLAN, frame / 25, { ...FRAME, needy })));
    assert.equal(chosen.every((share) => share.includes(5)), always, `${needy.length} waiting, crowdedWaiting ${crowdedWaiting}: ${JSON.stringify(chosen)}`);
  }
  assert.throws(() => new RegionRotation({ crowdedWaiting: 0 }), /crowdedWaiting/);
});
