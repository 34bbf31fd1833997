import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectionsFromRows } from '../../frontend/js/core/detections.js';
import { RegionRotation } from '../../frontend/js/pipeline/region_rotation.js';
import { FramePipeline } from '../../frontend/js/pipeline/frame_pipeline.js';

// 3x2 crops of a 768x576 frame, overlapping by 124 px (region_plan.js's 6 crops x1.19).
const CROPS = [0, 1].flatMap((row) => [0, 1, 2].map((column) => ({ x: 215 * column, y: 226 * row, width: 339, height: 350 })));
const PLAN = { regions: CROPS, runs: 6 };
const FRAME = { width: 768, height: 576 };
const boxesOf = (detections) => Array.from({ length: detections.count }, (_, index) => Array.from(detections.boxes.subarray(4 * index, 4 * index + 4)));

test('RegionRotation.choose: at 25 fps each crop every third frame (carrySeconds 0.1); at 7 fps every crop every frame', () => {
  const rotation = new RegionRotation({ carrySeconds: 0.1 });
  const chosen = Array.from({ length: 7 }, (_, frame) => rotation.choose(PLAN, frame / 25).map((region) => CROPS.indexOf(region)));
  assert.deepEqual(chosen[0], [0, 1, 2, 3, 4, 5], 'a new plan runs all its crops first');
  // frame 1: the frame period is known from then on
  for (const share of chosen.slice(2)) assert.equal(share.length, 2, JSON.stringify(chosen));
  const runs = CROPS.map((_, index) => chosen.slice(1).filter((share) => share.includes(index)).length);
  assert.ok(runs.every((count) => count >= 2), `every crop runs at least every third frame: ${runs}`);
  // A person seen once in crop 5 only: crop 5 runs on the next frame whatever the turn.
  const pending = new RegionRotation({ carrySeconds: 0.1 });
  for (let frame = 0; frame < 8; frame++) {
    const share = pending.choose(PLAN, frame / 25, frame >= 2 ? [[700, 400, 720, 460]] : []).map((region) => CROPS.indexOf(region));
    if (frame >= 2) assert.ok(share.includes(5), `frame ${frame}: ${share}`);
  }
  const slow = new RegionRotation({ carrySeconds: 0.1 });
  for (let frame = 0; frame < 5; frame++) assert.equal(slow.choose(PLAN, frame / 7).length, 6);
  const off = new RegionRotation({ carrySeconds: 0 });
  for (let frame = 0; frame < 5; frame++) assert.equal(off.choose(PLAN, frame / 25).length, 6);
  assert.equal(new RegionRotation().choose({ regions: null }, 0), null, 'the whole frame alone: nothing to rotate');
});

test('RegionRotation.combine: the people of crops not run now are carried (at most carrySeconds), fresh sightings win', () => {
  const rotation = new RegionRotation({ carrySeconds: 0.1 });
  // A: inside crop 0 only; B: inside crop 2 only; C: in the overlap of crops 0 and 1.
  const A = [20, 20, 40, 80], B = [700, 20, 720, 80], C = [250, 20, 270, 80];
  rotation.choose(PLAN, 0);
  const first = rotation.combine(detectionsFromRows([{ box: A, score: 0.9 }, { box: B, score: 0.8 }, { box: C, score: 0.7 }]), { timestamp: 0, ...FRAME });
  assert.equal(first.count, 3);
  rotation.choose(PLAN, 0.04);
  const ran = rotation.ran.map((region) => CROPS.indexOf(region));
  assert.ok(ran.length < 6, `${ran}`);
  // This frame's crops find A (if crop 0 ran) a little further on; B is carried unless crop 2 ran.
  const fresh = ran.includes(0) ? [{ box: [22, 20, 42, 80], score: 0.9 }] : [];
  const second = boxesOf(rotation.combine(detectionsFromRows(fresh), { timestamp: 0.04, ...FRAME }));
  assert.ok(second.some((b) => b[0] === (ran.includes(0) ? 22 : 20)), JSON.stringify(second));
  assert.equal(second.filter((b) => b[0] === 20 || b[0] === 22).length, 1, 'one box for A: fresh wins over carried');
  assert.equal(second.some((b) => b[0] === 700), !ran.includes(2), 'B carried while crop 2 does not run');
  assert.equal(second.some((b) => b[0] === 250), !ran.includes(0) && !ran.includes(1), 'C carried only while neither of its crops runs');
  // Carried detections older than carrySeconds go.
  rotation.choose(PLAN, 0.08);
  const stale = rotation.combine(detectionsFromRows([]), { timestamp: 0.5, ...FRAME });
  assert.equal(stale.count, 0);
});

test('RegionRotation.combine: a fresh fragment cut by a crop border is dropped when a carried box sees the person whole', () => {
  const rotation = new RegionRotation({ carrySeconds: 0.1 });
  rotation.choose(PLAN, 0);
  // A person whole in crop 1 (x 215-554) astride crop 0's right border (x 339).
  rotation.combine(detectionsFromRows([{ box: [320, 20, 350, 90], score: 0.9 }]), { timestamp: 0, ...FRAME });
  let frame = 1;
  // the next frame where crop 0 runs and crop 1 does not
  for (; frame < 10; frame++) {
    const ran = rotation.choose(PLAN, frame / 25).map((region) => CROPS.indexOf(region));
    if (ran.includes(0) && !ran.includes(1)) break;
    rotation.combine(detectionsFromRows([{ box: [320, 20, 350, 90], score: 0.9 }]), { timestamp: frame / 25, ...FRAME });
  }
  assert.ok(frame < 10);
  const out = boxesOf(rotation.combine(detectionsFromRows([{ box: [320, 20, 339, 90], score: 0.6 }]), { timestamp: frame / 25, ...FRAME }));
  assert.deepEqual(out, [[320, 20, 350, 90]]);
});

test('FramePipeline: with crops in turn the tracker still sees everyone on every frame, and reports the detections it used', () => {
  const pipeline = new FramePipeline({ regionPlan: { minObservations: 1, carrySeconds: 0.1 } });
  // 12 people 55 px tall spread over a 768x576 frame, walking right 1 px a frame.
  const people = (frame) => Array.from({ length: 12 }, (_, index) => {
    const x = 40 + (index % 4) * 180 + frame, y = 60 + Math.floor(index / 4) * 180;
    return { box: [x, y, x + 22, y + 55], score: 0.9 };
  });
  const inside = (b, r) => b[0] >= r.x && b[1] >= r.y && b[2] <= r.x + r.width && b[3] <= r.y + r.height;
  const counts = [], runs = [];
  for (let frame = 0; frame < 30; frame++) {
    const plan = pipeline.planDetection({ ...FRAME, timestamp: frame / 25, inputSize: 416 });
    // the detector finds the people wholly inside a crop it ran (everyone on a whole-frame run)
    const found = people(frame).filter((row) => !plan.regions || plan.regions.some((region) => inside(row.box, region)));
    const output = pipeline.process(detectionsFromRows(found), { frameIndex: frame, timestamp: frame / 25, ...FRAME });
    runs.push(plan.regions ? plan.regions.length : 1);
    counts.push(output.detections.count);
    if (frame >= 10) assert.equal(output.personCount, 12, `frame ${frame}: ${output.personCount} tracked (runs ${runs})`);
    if (frame >= 15) {
      // carried boxes walk on with their person (the tracker's velocity): within 1 px of where they are now
      const now = people(frame).map((row) => row.box);
      for (let index = 0; index < output.detections.count; index++) {
        const [x1, y1] = output.detections.boxes.subarray(4 * index, 4 * index + 2);
        assert.ok(now.some((b) => Math.abs(b[0] - x1) <= 1 && Math.abs(b[1] - y1) <= 1), `frame ${frame}: box at ${x1},${y1}`);
      }
    }
  }
  assert.ok(runs.slice(10).every((count) => count < 6), `crops take turns: ${runs}`);
  assert.ok(counts.slice(10).every((count) => count === 12), `detections used: ${counts}`);
});

test('FramePipeline: a detection seen once is not confirmed by its own carried copy (carried detections are low-score for the tracker)', () => {
  const pipeline = new FramePipeline({ regionPlan: { minObservations: 1, carrySeconds: 0.1 } });
  const people = Array.from({ length: 12 }, (_, index) => {
    const x = 40 + (index % 4) * 180, y = 60 + Math.floor(index / 4) * 180;
    return { box: [x, y, x + 22, y + 55], score: 0.9 };
  });
  const inside = (b, r) => b[0] >= r.x && b[1] >= r.y && b[2] <= r.x + r.width && b[3] <= r.y + r.height;
  const ghost = { box: [100, 300, 122, 355], score: 0.9 };
  let ghostFrame = null;
  for (let frame = 0; frame < 30; frame++) {
    const plan = pipeline.planDetection({ ...FRAME, timestamp: frame / 25, inputSize: 416 });
    const rows = people.filter((row) => !plan.regions || plan.regions.some((region) => inside(row.box, region)));
    // once, at frame >= 12, a false detection in a crop run now
    if (ghostFrame === null && frame >= 12 && plan.regions.length < 6 && plan.regions.some((region) => inside(ghost.box, region))) {
      ghostFrame = frame;
      rows.push(ghost);
    }
    const output = pipeline.process(detectionsFromRows(rows), { frameIndex: frame, timestamp: frame / 25, ...FRAME });
    if (ghostFrame !== null && frame > ghostFrame) assert.equal(output.personCount, 12, `frame ${frame}: the ghost was confirmed`);
  }
  assert.ok(ghostFrame !== null);
});

test('FramePipeline: by default every crop runs on every frame', () => {
  const pipeline = new FramePipeline({ regionPlan: { minObservations: 1 } });
  const rows = Array.from({ length: 12 }, (_, index) => ({ box: [40 + (index % 4) * 180, 60 + Math.floor(index / 4) * 180, 62 + (index % 4) * 180, 115 + Math.floor(index / 4) * 180], score: 0.9 }));
  const runs = [];
  for (let frame = 0; frame < 15; frame++) {
    const plan = pipeline.planDetection({ ...FRAME, timestamp: frame / 25, inputSize: 416 });
    runs.push(plan.regions ? plan.regions.length : 1);
    pipeline.process(detectionsFromRows(rows), { frameIndex: frame, timestamp: frame / 25, ...FRAME });
  }
  assert.ok(runs.slice(5).every((count) => count === runs[runs.length - 1] && count > 1), `${runs}`);
});
