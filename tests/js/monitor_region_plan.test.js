import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectionsFromRows } from '../../frontend/js/core/detections.js';
import { CountingRunner } from '../../frontend/js/monitor/counting_runner.js';
import { FramePipeline } from '../../frontend/js/pipeline/frame_pipeline.js';

/** The monitor's runner with a detector that records where it was asked to look. */
function runner(rows, frameSize) {
  const asked = [];
  const shown = [];
  const counting = new CountingRunner({
    pipeline: new FramePipeline(),
    detector: { inputSize: 416, detect: async (picture, { regions } = {}) => { asked.push(regions); return detectionsFromRows(picture); } },
    session: { observe: () => {}, stop: async () => {} },
    grab: () => rows, frameSize, onFrame: (output) => shown.push(output.regionPlan),
  });
  return { counting, asked, shown };
}

test('the monitor asks the detector for crops once it has seen small, distant people', async () => {
  // People 50 px tall all over a 768x576 frame: 27 px in a 416 px model input, too small.
  const rows = [];
  for (let column = 0; column < 6; column++) for (let row = 0; row < 4; row++) {
    rows.push({ box: [40 + column * 120, 60 + row * 130, 60 + column * 120, 110 + row * 130], score: 0.8 });
  }
  const { counting, asked, shown } = runner(rows, { width: 768, height: 576 });
  for (let frameIndex = 0; frameIndex < 3; frameIndex++) await counting.step({ frameIndex, timestamp: frameIndex / 25 });
  assert.equal(asked[0], null, 'nothing is known on the first frame: the whole frame');
  assert.ok(Array.isArray(asked[2]) && asked[2].length > 1, 'crops once small people were seen');
  // frame 0 ran the whole frame and the survey (asked[0], asked[1]); asked[2] is frame 1's run
  assert.equal(shown[1].runs, asked[2].length, 'the views get the plan the detector ran (debug layer)');
});

test('big people (TUD-like, 640x480): the monitor keeps the whole frame', async () => {
  const rows = [{ box: [100, 150, 160, 400], score: 0.9 }, { box: [400, 100, 470, 420], score: 0.9 }];
  const { counting, asked } = runner(rows, { width: 640, height: 480 });
  for (let frameIndex = 0; frameIndex < 5; frameIndex++) await counting.step({ frameIndex, timestamp: frameIndex / 25 });
  assert.deepEqual(asked, [null, null, null, null, null]);
});

test('the monitor runs the survey a whole-frame run asks for on the same frame (FramePipeline.lookCloser)', async () => {
  const cases = [
    // people's height px in 768x576 (x0.54 in the model's input), detector runs on frame 1
    { height: 50, survey: true },
    { height: 150, survey: false },
  ];
  for (const { height, survey } of cases) {
    const rows = [];
    for (let column = 0; column < 6; column++) rows.push({ box: [40 + column * 120, 200, 40 + column * 120 + height / 2.5, 200 + height], score: 0.8 });
    const { counting, asked, shown } = runner(rows, { width: 768, height: 576 });
    const output = await counting.step({ frameIndex: 0, timestamp: 0 });
    assert.equal(asked[0], null, `${height} px: the whole frame first`);
    assert.equal(asked.length, survey ? 2 : 1, `${height} px: runs on frame 1`);
    if (survey) assert.ok(asked[1].length > 1 && /survey/.test(shown[0].reason), `${height} px: the survey shown (${shown[0].reason})`);
    assert.equal(output.personCount, 6, `${height} px: everyone reported on frame 1`);
  }
});
