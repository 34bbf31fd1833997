// A whole-frame run whose people may be too small for it (unsure candidates only, or people
// mostly under 64 px in the model's input) asks for a survey: FramePipeline.lookCloser() plans it
// for the same frame, so the people it finds are reported on frame 1, not frame 2. Where the
// whole frame suits the people (the full-size sequences), or nobody was found, nothing changes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectionsFromRows } from '../../frontend/js/core/detections.js';
import { FramePipeline } from '../../frontend/js/pipeline/frame_pipeline.js';

const FRAME = { width: 768, height: 576 };
const WHOLE_SCALE = 416 / FRAME.width;

/** 12 people `height` px tall over the frame, walking right 1 px a frame. */
const people = (frame, height) => Array.from({ length: 12 }, (_, index) => {
  const x = 40 + (index % 4) * 180 + frame, y = 60 + Math.floor(index / 4) * 180;
  return { box: [x, y, x + height / 2.5, y + height], score: 0.9 };
});

/**
 * A detector that finds a person held whole by a region it runs; on the whole frame, people under
 * 64 px in the model's input get `wholeScore` (0.2: unsure candidates; 0.9: found for sure but
 * small), or nobody at all (null).
 */
const detector = (height, wholeScore) => (frame, regions) => detectionsFromRows(people(frame, height).flatMap((row) => {
  const h = row.box[3] - row.box[1];
  if (!regions) return h * WHOLE_SCALE >= 64 ? [row] : (wholeScore === null ? [] : [{ ...row, score: wholeScore }]);
  const holding = regions.some((r) => row.box[0] >= r.x && row.box[1] >= r.y && row.box[2] <= r.x + r.width && row.box[3] <= r.y + r.height);
  return holding ? [row] : [];
}));

/** Frames through a FramePipeline as its callers run them: per frame, people reported, model runs, a survey on it? */
function run(detect, frames = 4, sameFrame = true) {
  const pipeline = new FramePipeline({});
  return Array.from({ length: frames }, (_, frame) => {
    const at = { ...FRAME, timestamp: frame / 25 };
    const plan = pipeline.planDetection({ ...at, inputSize: 416 });
    let detections = detect(frame, plan.regions);
    let runs = plan.regions ? plan.regions.length : 1;
    let survey = /survey/.test(plan.regionPlan.reason);
    const closer = sameFrame ? pipeline.lookCloser(detections, { ...at, inputSize: 416 }) : null;
    if (closer) {
      detections = detect(frame, closer.regions);
      runs += closer.regions.length;
      survey = /survey/.test(closer.regionPlan.reason);
    }
    const output = pipeline.process(detections, { frameIndex: frame + 1, ...at });
    return { reported: output.personCount, runs, survey };
  });
}

test('FramePipeline.lookCloser: the survey a whole-frame run asks for runs on the same frame', () => {
  const cases = [
    // people's height px, whole-frame score of those under 64 px in the model's input, same-frame survey?, reported per frame
    { name: 'far, unsure candidates only', height: 55, wholeScore: 0.2, surveyFrame1: true, reported: [12, 12, 12, 12] },
    { name: 'far, found but mostly too small', height: 100, wholeScore: 0.9, surveyFrame1: true, reported: [12, 12, 12, 12] },
    { name: 'big enough for the whole frame', height: 150, wholeScore: 0.9, surveyFrame1: false, reported: [12, 12, 12, 12] },
    { name: 'nobody found', height: 55, wholeScore: null, surveyFrame1: false, reported: [0, 0, 0, 0] },
  ];
  for (const { name, height, wholeScore, surveyFrame1, reported } of cases) {
    const frames = run(detector(height, wholeScore));
    assert.equal(frames[0].survey, surveyFrame1, `${name}: survey on frame 1`);
    assert.equal(frames[0].runs > 1, surveyFrame1, `${name}: runs on frame 1 (${frames[0].runs})`);
    assert.deepEqual(frames.map((f) => f.reported), reported, name);
    assert.ok(frames.slice(1).every((f) => !f.survey), `${name}: no survey after`);
  }
});

test('FramePipeline without lookCloser (the survey on the next run): frame 1 misses the far people', () => {
  const frames = run(detector(55, 0.2), 3, false);
  assert.deepEqual(frames.map((f) => [f.survey, f.reported]), [[false, 0], [true, 12], [false, 12]]);
});

test('FramePipeline.lookCloser: null under crops, without a plan, and after a survey found nobody', () => {
  const pipeline = new FramePipeline({});
  const at = { ...FRAME, timestamp: 0 };
  const small = detectionsFromRows(people(0, 55).map((row) => ({ ...row, score: 0.2 })));
  assert.equal(pipeline.lookCloser(small, { ...at, inputSize: 416 }), null, 'no planDetection() before');
  pipeline.planDetection({ ...at, inputSize: 416 });
  assert.equal(pipeline.lookCloser(small, { ...at }), null, 'no model size');
  const closer = pipeline.lookCloser(small, { ...at, inputSize: 416 });
  assert.ok(closer && closer.regions.length > 1);
  // The survey finds nobody: the next surveys wait (region_plan.js), a hint no longer calls one.
  pipeline.process(detectionsFromRows([]), { frameIndex: 1, ...at });
  for (let frame = 1; frame < 4; frame++) {
    const next = { ...FRAME, timestamp: frame / 25 };
    const plan = pipeline.planDetection({ ...next, inputSize: 416 });
    assert.equal(plan.regions, null, `frame ${frame + 1}: the whole frame`);
    assert.equal(pipeline.lookCloser(small, { ...next, inputSize: 416 }), null, `frame ${frame + 1}: no survey`);
    pipeline.process(small, { frameIndex: frame + 1, ...next });
  }
  // Under crops (a plan made from people seen small), the run is not a whole-frame run.
  const crops = new FramePipeline({});
  const sure = detectionsFromRows(people(0, 100));
  crops.planDetection({ ...at, inputSize: 416 });
  crops.process(sure, { frameIndex: 1, ...at });
  const plan = crops.planDetection({ ...FRAME, timestamp: 0.04, inputSize: 416 });
  assert.ok(plan.regions && plan.regions.length > 1, plan.regionPlan.reason);
  assert.equal(crops.lookCloser(detectionsFromRows([]), { ...FRAME, timestamp: 0.04, inputSize: 416 }), null, 'under crops');
});
