// People first seen by a closer look than any before (a survey, finer crops) are confirmed at
// once (tracker/observed.js firstSighting, FramePipeline's unseenBelow): no earlier run could have
// found them, so the second sighting a new track otherwise waits for only leaves them out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectionsFromRows } from '../../frontend/js/core/detections.js';
import { ByteTracker } from '../../frontend/js/tracker/byte_tracker.js';
import { firstSighting } from '../../frontend/js/tracker/observed.js';
import { FramePipeline } from '../../frontend/js/pipeline/frame_pipeline.js';

const FRAME = { width: 768, height: 576 };

test('firstSighting: a box shorter than unseenBelow; 0 never', () => {
  const cases = [
    // box height, unseenBelow, expected
    [60, 0, false], [60, 118, true], [117, 118, true], [118, 118, false], [150, 118, false],
  ];
  for (const [height, unseenBelow, expected] of cases) {
    assert.equal(firstSighting([10, 20, 40, 20 + height], unseenBelow), expected, `${height} px, unseenBelow ${unseenBelow}`);
  }
});

test('ByteTracker.update unseenBelow: a new person shorter than it is reported at once, a taller one after a second sighting', () => {
  const cases = [
    // person's height, unseenBelow on the update that first sees them, reported on that update?
    { height: 60, unseenBelow: 0, atOnce: false },
    { height: 60, unseenBelow: 118, atOnce: true },
    { height: 150, unseenBelow: 118, atOnce: false },
  ];
  for (const { height, unseenBelow, atOnce } of cases) {
    const tracker = new ByteTracker();
    const person = { box: [300, 200, 300 + height / 2.5, 200 + height], score: 0.6 };
    // The tracker's first update confirms everyone (ByteTrack): the person appears on the second.
    tracker.update(detectionsFromRows([]), { frameIndex: 1, timestamp: 0, ...FRAME });
    const first = tracker.update(detectionsFromRows([person]), { frameIndex: 2, timestamp: 0.04, ...FRAME, unseenBelow });
    assert.equal(first.count, atOnce ? 1 : 0, `${height} px, unseenBelow ${unseenBelow}`);
    const second = tracker.update(detectionsFromRows([person]), { frameIndex: 3, timestamp: 0.08, ...FRAME });
    assert.equal(second.count, 1, `${height} px, unseenBelow ${unseenBelow}: reported once seen twice`);
  }
  assert.throws(() => new ByteTracker().update(detectionsFromRows([]), { frameIndex: 1, timestamp: 0, unseenBelow: -1 }), RangeError);
});

/** 12 people `height` px tall over a 768x576 frame (x `zoom`), walking right 1 px a frame. */
const people = (frame, height, zoom = 1) => Array.from({ length: 12 }, (_, index) => {
  const x = (40 + (index % 4) * 180) * zoom + frame, y = (60 + Math.floor(index / 4) * 180) * zoom;
  return { box: [x, y, x + height / 2.5, y + height], score: 0.9 };
});

/**
 * The scene through a FramePipeline whose detector finds a person when they are at least 64 px
 * tall in the model's input (416 px) at the scale of a run that holds them: a whole-frame run
 * (x0.54) finds the 55 px people only as unsure candidates (score 0.2: no track starts), the crops for sure.
 * Per frame: people reported, plan.
 */
function runScene(height, frames = 6, { pipeline = new FramePipeline({}), zoom = 1, start = 0 } = {}) {
  const size = { width: FRAME.width * zoom, height: FRAME.height * zoom };
  const wholeScale = 416 / size.width;
  return Array.from({ length: frames }, (_, step) => {
    const frame = start + step;
    const plan = pipeline.planDetection({ ...size, timestamp: frame / 25, inputSize: 416 });
    const unseenBelow = pipeline.looking ? pipeline.looking.unseenBelow : 0;
    const found = people(frame, height, zoom).flatMap((row) => {
      const h = row.box[3] - row.box[1];
      if (!plan.regions) return [{ ...row, score: h * wholeScale >= 64 ? 0.9 : 0.2 }];
      const holding = plan.regions.filter((r) => row.box[0] >= r.x && row.box[1] >= r.y && row.box[2] <= r.x + r.width && row.box[3] <= r.y + r.height);
      return holding.length ? [row] : [];
    });
    const output = pipeline.process(detectionsFromRows(found), { frameIndex: frame + 1, timestamp: frame / 25, ...size });
    return { reported: output.personCount, crops: plan.regions ? plan.regions.length : 0, reason: plan.regionPlan.reason, unseenBelow };
  });
}

test('FramePipeline: the people a survey finds for the first time are reported on the survey frame; at full size nothing changes', () => {
  const far = runScene(55);
  assert.equal(far[0].crops, 0, 'frame 1: the whole frame');
  assert.ok(far[1].crops > 1 && /survey/.test(far[1].reason), `frame 2: a survey (${far[1].reason})`);
  assert.equal(far[0].reported, 0, 'frame 1: only unsure candidates');
  assert.equal(far[1].reported, 12, 'frame 2: everyone the survey found, at once');
  // People big enough for the whole frame: the plan stays the whole frame, the first frame
  // confirms everyone (ByteTrack), and a newcomer still waits for a second sighting.
  const near = runScene(150);
  assert.ok(near.every(({ crops }) => crops === 0));
  assert.deepEqual(near.map(({ reported }) => reported), [12, 12, 12, 12, 12, 12]);
  const pipeline = new FramePipeline({});
  const counts = [[], [{ box: [300, 200, 360, 350], score: 0.9 }], [{ box: [301, 200, 361, 350], score: 0.9 }]].map((rows, frame) => {
    pipeline.planDetection({ ...FRAME, timestamp: frame / 25, inputSize: 416 });
    return pipeline.process(detectionsFromRows(rows), { frameIndex: frame + 1, timestamp: frame / 25, ...FRAME }).personCount;
  });
  assert.deepEqual(counts, [0, 0, 1], 'a newcomer at full size: reported at its second sighting');
});

test('FramePipeline: another frame size starts the finest scale over (its survey is a first closer look there too)', () => {
  // 6 runs a plan (the scales below are those of that budget)
  const pipeline = new FramePipeline({ regionPlan: { maxRuns: 6 } });
  const far = runScene(55, 4, { pipeline });
  assert.ok(far[1].unseenBelow > 117 && far[1].unseenBelow < 119, `the survey at 768x576: ${far[1].unseenBelow}`);
  // The plan after the survey looks a little closer (x1.32 against x1.16: the people seen set the
  // overlap): only people under 64 / 1.16 = 55 px are new to it; then no closer look.
  assert.ok(far[2].unseenBelow > 55 && far[2].unseenBelow < 56, `the plan after the survey: ${far[2].unseenBelow}`);
  assert.equal(far[3].unseenBelow, 0, 'no closer look after it');
  // The same scene from a camera with twice the pixels (1536x1152): its survey looks less closely
  // (model input / frame pixels) than the 768x576 crops did, but closer than anything at this size.
  const big = runScene(110, 3, { pipeline, zoom: 2, start: 4 });
  assert.equal(big[0].unseenBelow, 0, 'the first run at the new size: the whole frame');
  assert.ok(big[1].crops > 1 && big[1].unseenBelow > 200, `its survey: ${big[1].reason}, unseenBelow ${big[1].unseenBelow}`);
  assert.equal(big[1].reported, 12);
});
