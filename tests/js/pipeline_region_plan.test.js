import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planRegions, PersonSizes, REGION_PLAN_DEFAULTS, RegionPlanner, tileArea } from '../../frontend/js/pipeline/region_plan.js';
import { FramePipeline } from '../../frontend/js/pipeline/frame_pipeline.js';
import { detectionsFromRows } from '../../frontend/js/core/detections.js';
import { loadSequence, referenceLines } from './recorded_sequence.js';

const bandsOf = (smalls, talls = smalls.map((small) => small * 1.6)) => smalls.map((small, band) => ({ small, tall: talls[band] }));
const covers = (regions, x, y) => regions.some((r) => x >= r.x && x <= r.x + r.width && y >= r.y && y <= r.y + r.height);

test('planRegions: frame size, model size and person sizes -> regions', async (t) => {
  const cases = [
    { name: 'TUD-like: people 120 px and more in 640x480 at 416: whole frame only',
      width: 640, height: 480, modelSize: 416, sizes: bandsOf([120, 120, 130, 150, 180, 220, 260, 300]),
      want: { whole: true, crops: 0 } },
    { name: 'nothing known yet: whole frame only', width: 768, height: 576, modelSize: 416, sizes: null,
      want: { whole: true, crops: 0 } },
    { name: 'far view: 50 px people everywhere in 768x576 at 416: crops over the whole frame, no whole run',
      width: 768, height: 576, modelSize: 416, sizes: bandsOf(Array(8).fill(50), Array(8).fill(124)),
      want: { wholeRun: false, minCrops: 2, maxRuns: REGION_PLAN_DEFAULTS.maxRuns, minScale: 1.0 } },
    { name: 'elevated HD camera: small people only in the top 3 bands: crops there + the whole frame',
      width: 1920, height: 1080, modelSize: 416, sizes: bandsOf([60, 70, 80, 320, 350, 380, 400, 420], [90, 100, 120, 400, 450, 500, 550, 600]),
      want: { wholeRun: true, minCrops: 1, maxRuns: REGION_PLAN_DEFAULTS.maxRuns, cropsBelow: 3 * 1080 / 8, minScale: 0.5 } },
    { name: 'at 640 px input the same far view needs fewer or no crops than at 320',
      width: 768, height: 576, modelSize: 640, sizes: bandsOf(Array(8).fill(90)),
      want: { whole: true, crops: 0 } },
    { name: 'a budget of one run: whole frame only', width: 768, height: 576, modelSize: 416,
      sizes: bandsOf(Array(8).fill(50)), options: { maxRuns: 1 }, want: { whole: true, crops: 0 } },
  ];
  for (const { name, width, height, modelSize, sizes, options = {}, want } of cases) {
    await t.test(name, () => {
      const plan = planRegions({ width, height, modelSize, sizes, options: { ...REGION_PLAN_DEFAULTS, ...options } });
      if (want.whole) {
        assert.equal(plan.regions, null, plan.reason);
        assert.equal(plan.runs, 1);
        return;
      }
      const whole = plan.regions.filter((r) => r.x === 0 && r.y === 0 && r.width === width && r.height === height);
      const crops = plan.regions.length - whole.length;
      assert.equal(whole.length === 1, want.wholeRun, plan.reason);
      assert.ok(crops >= want.minCrops && plan.regions.length <= want.maxRuns, `${plan.regions.length} runs: ${plan.reason}`);
      assert.ok(plan.scale >= want.minScale, `scale ${plan.scale}`);
      for (const region of plan.regions) {
        assert.ok(region.x >= 0 && region.y >= 0 && region.x + region.width <= width && region.y + region.height <= height);
      }
      if (want.cropsBelow) {
        for (const region of plan.regions.filter((r) => !whole.includes(r))) assert.ok(region.y + region.height <= want.cropsBelow + 1);
      }
      if (!want.wholeRun) { // the crops alone must cover the frame
        for (let x = 0; x <= width; x += 16) for (let y = 0; y <= height; y += 16) assert.ok(covers(plan.regions, x, y), `(${x},${y}) uncovered`);
      }
    });
  }
});

test('planRegions: crops stay near the lines and zones (a person around them)', () => {
  const sizes = bandsOf(Array(8).fill(50), Array(8).fill(100));
  const lines = [{ a: [100, 100], b: [300, 100] }];
  const plan = planRegions({ width: 1280, height: 720, modelSize: 416, sizes, lines, options: REGION_PLAN_DEFAULTS });
  assert.ok(plan.wholeFrame && plan.regions[0].width === 1280, plan.reason);
  for (const region of plan.regions.slice(1)) {
    assert.ok(region.x + region.width <= 400 + 1 && region.y + region.height <= 200 + 1, JSON.stringify(region));
  }
  assert.ok(covers(plan.regions.slice(1), 100, 100) && covers(plan.regions.slice(1), 300, 100));
});

test('tileArea: neighbouring crops overlap by at least the tallest person', async (t) => {
  for (const [width, height, overlap, maxCrops] of [[768, 576, 124, 6], [1920, 400, 150, 5], [640, 480, 60, 4]]) {
    await t.test(`${width}x${height}, overlap ${overlap}, ${maxCrops} crops`, () => {
      const tiling = tileArea({ x1: 0, y1: 0, x2: width, y2: height }, { modelSize: 416, requiredScale: 5, overlap, maxCrops, maxUpscale: 1.5 });
      assert.ok(tiling.regions.length <= maxCrops);
      const byRow = tiling.regions.filter((r) => r.y === tiling.regions[0].y).sort((a, b) => a.x - b.x);
      for (let i = 1; i < byRow.length; i++) assert.ok(byRow[i - 1].x + byRow[i - 1].width - byRow[i].x >= overlap - 1);
      const last = tiling.regions[tiling.regions.length - 1];
      assert.ok(Math.abs(last.x + last.width - width) <= 1 && Math.abs(last.y + last.height - height) <= 1);
    });
  }
});

test('PersonSizes: a band without enough people takes its nearest neighbour\'s sizes', () => {
  const sizes = new PersonSizes({ bands: 4, minObservations: 2, sizeQuantile: 0 });
  for (const height of [40, 50]) sizes.add([0, 90 - height, 10, 90], 400); // band 0 (feet at y 90)
  for (const height of [150, 200]) sizes.add([0, 390 - height, 10, 390], 400); // band 3
  assert.deepEqual(sizes.estimate(), [{ small: 40, tall: 50 }, { small: 40, tall: 50 }, { small: 150, tall: 200 }, { small: 150, tall: 200 }]);
});

/** Ground-truth boxes of a shared sequence as confident detections through one FramePipeline. */
function runPlanner(frames, { width, height, inputSize = 416, lines = [], scale = 1, offsetFor = () => [0, 0] }) {
  const pipeline = new FramePipeline({ counting: { lines } });
  const plans = [];
  frames.forEach((rows, index) => {
    const plan = pipeline.planDetection({ width, height, inputSize });
    plans.push(plan);
    const detections = detectionsFromRows(rows.map(({ box }, row) => {
      const [dx, dy] = offsetFor(row, index);
      return { box: box.map((value, k) => value * scale + (k % 2 ? dy : dx)), score: 0.9 };
    }));
    pipeline.process(detections, { frameIndex: index + 1, timestamp: index / 25, width, height });
  });
  return plans;
}

for (const name of ['TUD-Campus', 'TUD-Stadtmitte']) {
  test(`${name} (people 120-310 px): the planner keeps the whole frame only, on every frame`, () => {
    const sequence = loadSequence(name);
    const plans = runPlanner(sequence.frames, { ...sequence, lines: referenceLines(sequence) });
    assert.ok(plans.every((plan) => plan.regions === null && plan.regionPlan.runs === 1),
      plans.find((plan) => plan.regions !== null)?.regionPlan.reason);
  });

  test(`${name} far view (0.4 scale in a 768x576 mosaic): the planner learns and looks closer`, () => {
    const sequence = loadSequence(name);
    // Panel 1 of the mosaic: the sequence at 0.4 scale, 3x3 panels of 256x192.
    const plans = runPlanner(sequence.frames, { width: 768, height: 576, scale: 0.4,
      offsetFor: (row, frame) => [256 * ((row + frame) % 3), 192 * (row % 3)] });
    assert.equal(plans[0].regions, null, 'nothing known on the first frame');
    const late = plans[plans.length - 1];
    assert.ok(late.regions && late.regions.length >= 2 && late.regions.length <= REGION_PLAN_DEFAULTS.maxRuns, late.regionPlan.reason);
    assert.ok(late.regionPlan.scale > 416 / 768 * 1.5, `scale ${late.regionPlan.scale}`);
  });
}

test('RegionPlanner: nobody seen for surveyAfterRuns runs -> one survey run with crops, then back', () => {
  const planner = new RegionPlanner({ surveyAfterRuns: 3 });
  const empty = detectionsFromRows([]);
  const frame = { width: 768, height: 576, modelSize: 416 };
  const seen = [];
  for (let run = 0; run < 5; run++) {
    seen.push(planner.plan(frame));
    planner.observe(empty, { height: 576 });
  }
  assert.deepEqual(seen.map((plan) => plan.regions === null), [true, true, true, false, true]);
  assert.match(seen[3].reason, /survey/);
});

test('RegionPlanner: surveys of an empty scene back off (after 3, then 6, then at most 12 runs); someone seen resets the wait', () => {
  const planner = new RegionPlanner({ surveyAfterRuns: 3, maxSurveyAfterRuns: 12 });
  const empty = detectionsFromRows([]);
  const frame = { width: 768, height: 576, modelSize: 416 };
  const surveys = [];
  for (let run = 0; run < 40; run++) {
    if (planner.plan(frame).survey) surveys.push(run);
    planner.observe(empty, { height: 576 });
  }
  assert.deepEqual(surveys.slice(0, 4), [3, 9, 21, 33]);
  planner.observe(detectionsFromRows([{ box: [100, 100, 130, 160], score: 0.9 }]), { height: 576 });
  assert.equal(planner.surveyWait, 3);
});

test('RegionPlanner: options are validated; overrides', () => {
  assert.throws(() => new RegionPlanner({ maxRun: 3 }), /unknown option/);
  assert.throws(() => new RegionPlanner({ maxRuns: 0 }), RangeError);
  assert.throws(() => new RegionPlanner({ override: 'tiles' }), TypeError);
  assert.equal(new RegionPlanner({ override: 'whole' }).plan({ width: 768, height: 576, modelSize: 416 }).regions, null);
  const fixed = [{ x: 0, y: 0, width: 400, height: 300 }];
  assert.deepEqual(new RegionPlanner({ override: fixed }).plan({ width: 768, height: 576, modelSize: 416 }).regions, fixed);
  const plain = new FramePipeline({ regionPlan: null });
  assert.deepEqual(plain.planDetection({ width: 640, height: 480, inputSize: 416 }), { detect: true, reason: 'every frame' });
});

test('RegionPlanner: people smaller than the plan was made for -> a closer plan at once (a coarser one waits replanRuns)', () => {
  // 6 runs: the 100 px people's plan is budget-limited, so the same people leave it standing
  const planner = new RegionPlanner({ maxRuns: 6 });
  const frame = { width: 768, height: 576, modelSize: 416 };
  // people with feet at y 140..546 (bands 1-7), all `height` px tall
  const crowd = (height) => detectionsFromRows(Array.from({ length: 8 }, (_, row) => ({ box: [20 + 90 * row, 140 + 58 * row - height, 40 + 90 * row, 140 + 58 * row], score: 0.9 })));
  for (let run = 0; run < 2; run++) {
    planner.plan(frame);
    planner.observe(crowd(100), { height: 576 });
  }
  const first = planner.plan(frame); // made from 100 px people
  assert.ok(first.regions, first.reason);
  planner.observe(crowd(100), { height: 576 });
  assert.equal(planner.plan(frame), first, 'same people: the plan stands');
  for (let run = 0; run < 2; run++) planner.observe(crowd(60), { height: 576 });
  const closer = planner.plan(frame);
  assert.ok(closer.scale > first.scale * 1.02, `${first.reason} -> ${closer.reason}`);
  // Bigger people again: the closer plan stands until replanRuns runs have passed.
  for (let run = 0; run < 3; run++) {
    planner.observe(crowd(120), { height: 576 });
    assert.equal(planner.plan(frame), closer);
  }
});

test('RegionPlanner: the plan settles; it does not flap between a coarser and a closer one every replanRuns runs', () => {
  // The Stadtmitte far view's small people (58 px) with 12 crops allowed: the closer plan (x1.5)
  // sees them at 87 px; a coarser one (x1.23, 71 px) would ask for the closer one again at once.
  const planner = new RegionPlanner({ maxRuns: 12 });
  const frame = { width: 768, height: 576, modelSize: 416 };
  const crowd = detectionsFromRows(Array.from({ length: 16 }, (_, row) => ({
    box: [20 + 45 * row, 70 + 32 * row - 58 - (row % 2) * 40, 40 + 45 * row, 70 + 32 * row], score: 0.9 })));
  const counts = [];
  for (let run = 0; run < 60; run++) {
    counts.push(planner.plan(frame).regions?.length ?? 0);
    planner.observe(crowd, { height: 576 });
  }
  const settled = counts.slice(20);
  assert.ok(settled.every((count) => count === settled[0]) && settled[0] === 12, counts.join(' '));
});

test('planRegions: sizes learned under crops near their limit ask for a closer look (unseenMargin); far above it, not', () => {
  const frame = { width: 768, height: 576, modelSize: 416, sizes: bandsOf(Array(8).fill(70), Array(8).fill(110)) };
  const plain = planRegions(frame);
  assert.ok(plain.scale >= 64 / 70 && plain.regions.length === 4, plain.reason);
  // Learned under crops x0.93: the people found there are >= ~64 / 0.93 = 69 px, so 70 px may hide smaller ones.
  const closer = planRegions({ ...frame, seenAtScale: plain.scale });
  assert.ok(closer.scale >= plain.scale * 1.2 || closer.reason.includes('budget-limited'), closer.reason);
  assert.ok(closer.regions.length > plain.regions.length, closer.reason);
  // Learned under crops x1.4: 70 px people are 98 px there, well above the limit, so coarser crops
  // do; but not the plain plan's, which show them under 64 x 1.25 = 80 px and would at once ask for
  // a closer look again (the plan would flap): crops showing them at 80 px (x1.14) or more.
  const kept = planRegions({ ...frame, seenAtScale: 1.4 });
  assert.ok(kept.scale < 1.4 && kept.scale >= 80 / 70 && kept.regions.length > plain.regions.length, kept.reason);
  // Bigger people (100 px) learned under x1.4: crops showing them at 80 px (x0.8) or more are enough.
  const big = { ...frame, sizes: bandsOf(Array(8).fill(100), Array(8).fill(110)) };
  const coarser = planRegions({ ...big, seenAtScale: 1.4 });
  assert.ok(coarser.scale >= 0.8 && coarser.scale < 1.2 && coarser.regions.length <= 4, coarser.reason);
  assert.deepEqual(planRegions({ ...frame, seenAtScale: plain.scale, options: { ...REGION_PLAN_DEFAULTS, unseenMargin: 1 } }).regions, plain.regions);
});

test('RegionPlanner: only unsure candidates (score < minScore) bring the survey forward to the next run; an empty survey stops that', () => {
  const planner = new RegionPlanner();
  const frame = { width: 768, height: 576, modelSize: 416 };
  const unsure = detectionsFromRows([{ box: [100, 100, 115, 140], score: 0.3 }]);
  assert.equal(planner.plan(frame).regions, null);
  planner.observe(unsure, { height: 576 });
  const next = planner.plan(frame);
  assert.ok(next.survey && next.regions, next.reason);
  planner.observe(unsure, { height: 576 }); // the survey found no one for sure
  for (let run = 0; run < 5; run++) {
    assert.ok(!planner.plan(frame).survey, `run ${run}: no new survey straight away`);
    planner.observe(unsure, { height: 576 });
  }
  // Confident people reset it; nobody at all waits surveyAfterRuns as before.
  const quiet = new RegionPlanner();
  for (let run = 0; run < 5; run++) {
    assert.ok(!quiet.plan(frame).survey);
    quiet.observe(detectionsFromRows([]), { height: 576 });
  }
});

test('RegionPlanner: a whole frame whose people are mostly too small for it brings the survey forward; big people do not', () => {
  const frame = { width: 768, height: 576, modelSize: 416 };
  // At whole-frame scale (416 / 768 = 0.54) a 100 px person is 54 px in the model's input, under minModelHeight.
  const person = (x, tall, score) => ({ box: [x, 300, x + tall / 2.5, 300 + tall], score });
  const small = new RegionPlanner();
  assert.equal(small.plan(frame).regions, null);
  small.observe(detectionsFromRows([person(100, 100, 0.51), person(300, 96, 0.36), person(500, 90, 0.2)]), { height: 576 });
  const next = small.plan(frame);
  assert.ok(next.survey && next.regions, next.reason);
  // Big people with a few small candidates among them: the whole frame stays.
  const big = new RegionPlanner();
  for (let run = 0; run < 3; run++) {
    assert.equal(big.plan(frame).regions, null, big.current?.reason);
    big.observe(detectionsFromRows([person(100, 200, 0.9), person(300, 180, 0.8), person(500, 90, 0.3)]), { height: 576 });
  }
});
