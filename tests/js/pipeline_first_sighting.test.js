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

/** 12 people `height` px tall over a 768x576 frame, walking right 1 px a frame. */
const people = (frame, height) => Array.from({ length: 12 }, (_, index) => {
  const x = 40 + (index % 4) * 180 + frame, y = 60 + Math.floor(index / 4) * 180;
  return { box: [x, y, x + height / 2.5, y + height], score: 0.9 };
});

/**
 * The scene through a FramePipeline whose detector finds a person when they are at least 64 px
 * tall in the model's input (416 px) at the scale of a run that holds them: a whole-frame run
 * (x0.54) finds the 55 px people only as unsure candidates (score 0.2: no track starts), the crops for sure.
 * Per frame: people reported, plan.
 */
function runScene(height, frames = 6) {
  const pipeline = new FramePipeline({});
  const wholeScale = 416 / 768;
  return Array.from({ length: frames }, (_, frame) => {
    const plan = pipeline.planDetection({ ...FRAME, timestamp: frame / 25, inputSize: 416 });
    const found = people(frame, height).flatMap((row) => {
      const h = row.box[3] - row.box[1];
      if (!plan.regions) return [{ ...row, score: h * wholeScale >= 64 ? 0.9 : 0.2 }];
      const holding = plan.regions.filter((r) => row.box[0] >= r.x && row.box[1] >= r.y && row.box[2] <= r.x + r.width && row.box[3] <= r.y + r.height);
      return holding.length ? [row] : [];
    });
    const output = pipeline.process(detectionsFromRows(found), { frameIndex: frame + 1, timestamp: frame / 25, ...FRAME });
    return { reported: output.personCount, crops: plan.regions ? plan.regions.length : 0, reason: plan.regionPlan.reason };
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
