// What a frame the detector cadence skips shows (FramePipeline.skip, track_motion.js
// predictTracked): a person seen at the last run keeps the box the detector saw, walked along the
// tracker's Kalman velocity (the box the tracker reports for a tracked person it did not look at,
// output.js walked); a lost (coasting) track shows the filter's prediction, its height held still.
// Issue 18: the filter's own box lags behind a box whose shape changes (someone stepping into the
// picture at its edge), and the skipped frames drew such a person half as wide as they are.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectionsFromRows } from '../../frontend/js/core/detections.js';
import { FramePipeline } from '../../frontend/js/pipeline/frame_pipeline.js';
import { predictTracked } from '../../frontend/js/pipeline/track_motion.js';
import { meanToBox } from '../../frontend/js/tracker/kalman.js';

const SIZE = { width: 640, height: 480 };
const CADENCE = { pendingTracks: false, entryMargin: 0 };

/**
 * Frames at 25/s, the detector where the cadence asks; `boxAt(t)` the person's box. Returns, for
 * each skipped frame, { box shown, box of the run before it, seconds since that run }.
 */
function skippedFrames(boxAt, frames) {
  const pipeline = new FramePipeline({ cadence: CADENCE });
  const shown = [];
  let run = null;
  for (let frameIndex = 0; frameIndex < frames; frameIndex += 1) {
    const frame = { frameIndex, timestamp: frameIndex / 25, ...SIZE };
    if (pipeline.planDetection(frame).detect) {
      const output = pipeline.process(detectionsFromRows([{ box: boxAt(frame.timestamp), score: 0.9 }]), frame);
      run = output.tracked.count ? { box: Array.from(output.tracked.boxes.subarray(0, 4)), timestamp: frame.timestamp } : null;
      continue;
    }
    const output = pipeline.skip(frame);
    if (run && output.tracked.count) shown.push({ box: Array.from(output.tracked.boxes.subarray(0, 4)), run: run.box, seconds: frame.timestamp - run.timestamp });
  }
  return shown;
}

const width = ([x1, , x2]) => x2 - x1;
const height = ([, y1, , y2]) => y2 - y1;

const scenes = [
  {
    name: 'someone stepping in at the left edge (box 10 -> 90 px wide in 0.6 s): shown as wide as the last run saw them',
    boxAt: (t) => (t < 0.6 ? [0, 100, 10 + (80 * t) / 0.6, 300] : [100 * (t - 0.6), 100, 90 + 100 * (t - 0.6), 300]),
    frames: 30,
  },
  {
    name: 'someone walking right at 100 px/s, box 80 x 200: the run\'s box moved ahead, no further than the walk',
    boxAt: (t) => [100 + 100 * t, 100, 180 + 100 * t, 300],
    frames: 30,
  },
];

for (const { name, boxAt, frames } of scenes) {
  test(`skipped frames — ${name}`, () => {
    const shown = skippedFrames(boxAt, frames);
    assert.ok(shown.length >= 5, `${shown.length} skipped frames with the person`);
    for (const { box, run, seconds } of shown) {
      assert.ok(Math.abs(width(box) - width(run)) < 1e-3, `width ${width(box)} against the run's ${width(run)}`);
      assert.ok(Math.abs(height(box) - height(run)) < 1e-3, `height ${height(box)} against the run's ${height(run)}`);
      const moved = box[0] - run[0];
      assert.ok(moved >= -1e-3 && moved <= 140 * seconds + 0.5, `moved ${moved} px in ${seconds} s`);
    }
  });
}

test('predictTracked: a tracked person walks their box; a lost track shows the Kalman box, height held still', async (t) => {
  // Kalman mean: centre x, y, aspect (w/h), height, then their velocities per second.
  const mean = Float64Array.from([150, 200, 0.25, 200, 50, -20, 0.5, 40]);
  const box = [100, 90, 180, 310]; // the run's box: not the filter's (125-175 x 100-300)
  const cases = [
    { name: 'tracked: the run\'s box moved 0.08 s along the centre velocity', tracked: true, want: [104, 88.4, 184, 308.4] },
    {
      name: 'lost: the filter\'s box 0.08 s ahead, height still',
      tracked: false,
      want: meanToBox(Float64Array.from([154, 198.4, 0.29, 200, 0, 0, 0, 0])),
    },
  ];
  for (const { name, tracked, want } of cases) {
    await t.test(name, () => {
      const detections = detectionsFromRows([{ box, score: 0.9 }]);
      const withIds = { ...detections, trackIds: Int32Array.from([7]), predicted: Uint8Array.from([tracked ? 0 : 1]) };
      const means = new Map([[7, { mean, tracked }]]);
      const { tracked: moved, feet } = predictTracked(withIds, means, 0.08);
      Array.from(moved.boxes).forEach((value, k) => assert.ok(Math.abs(value - want[k]) < 1e-3, `${Array.from(moved.boxes)} against ${want}`));
      assert.ok(Math.abs(feet[0] - (want[0] + want[2]) / 2) < 1e-3 && Math.abs(feet[1] - want[3]) < 1e-3, 'foot point: the bottom centre');
    });
  }
});
