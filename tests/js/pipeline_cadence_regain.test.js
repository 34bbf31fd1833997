// The counting engine's found-again rule (a track missing at the previous detector run and found
// again at a low rate may be someone else: its count stands, a return crossing no longer cancels)
// applies to a detector too slow for the frames, not to the frames a detector cadence skips on
// purpose (issue 18): with the cadence's runs 3 frames (0.12 s) apart, one person walking over a
// line and back, missed at one run, still nets to nothing, as when the detector runs on every
// frame; when the detector runs later than the cadence plans (busy, or capped by minRunSeconds),
// or the source's frames themselves come 0.1 s apart or more (every 3rd frame, no cadence; a
// 10 frames/s camera, with one), the rule applies as before.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectionsFromRows } from '../../frontend/js/core/detections.js';
import { FramePipeline } from '../../frontend/js/pipeline/frame_pipeline.js';
import { DetectorCadence } from '../../frontend/js/pipeline/detector_cadence.js';

const SIZE = { width: 640, height: 480 };
const FPS = 25;
const LINE = { id: 'door', a: [300, 0], b: [300, 480] };
/** The cadence with only its interval rule: a run every 3rd frame (0.12 s apart). */
const CADENCE = { pendingTracks: false, entryMargin: 0 };

/**
 * One person, box 80 x 200, foot point at x: walks right at 100 px/s from x 200 over the line
 * (x 300, at 1 s) to x 360 (1.6 s), then back left at 100 px/s over the line again (2.2 s) to x 200.
 */
function footX(t) {
  return t <= 1.6 ? 200 + 100 * t : 360 - 100 * (t - 1.6);
}
const rowsAt = (t) => [{ box: [footX(t) - 40, 100, footX(t) + 40, 300], score: 0.9 }];

/**
 * 3.4 s of frames at 25 frames/s through a FramePipeline. `runs(frameIndex, plan)`: whether the
 * detector runs on that frame (plan: the cadence's answer, or null without one); `missed(t)`:
 * the detector does not see the person at a run at time t. Returns the final counts of the line.
 */
function countWalk({ cadence, runs, missed, fps = FPS }) {
  const pipeline = new FramePipeline({ cadence, counting: { lines: [LINE] } });
  const frames = Math.round(3.4 * fps);
  for (let frameIndex = 0; frameIndex < frames; frameIndex += 1) {
    const frame = { frameIndex, timestamp: frameIndex / fps, ...SIZE };
    const plan = cadence ? pipeline.planDetection({ ...frame, final: frameIndex === frames - 1 }) : null;
    if (!runs(frameIndex, plan)) {
      if (pipeline.lastDetected) pipeline.skip(frame);
      continue;
    }
    pipeline.process(detectionsFromRows(missed(frame.timestamp) ? [] : rowsAt(frame.timestamp)), frame);
  }
  return pipeline.flush().lines.door;
}

/** Lost at the run(s) between 1.85 and 1.95 s: past the line, its crossing confirmed, before the walk back. */
const missedOnce = (t) => t > 1.85 && t < 1.95;
const cadenceRuns = (_, plan) => plan.detect;
/** The live runner: while the detector is busy (runs taking 5 frames, 0.2 s) the frames are skipped. */
function busyDetector() {
  let busyUntil = -1;
  return (frameIndex, plan) => {
    if (frameIndex < busyUntil || !plan.detect) return false;
    busyUntil = frameIndex + 5;
    return true;
  };
}

const cases = [
  { name: 'cadence, runs 0.12 s apart, missed at one run: the walk back cancels (as on every frame)',
    cadence: CADENCE, runs: cadenceRuns, missed: missedOnce, want: { both: false } },
  { name: 'detector on every frame, missed for 0.12 s: the walk back cancels',
    cadence: null, runs: () => true, missed: missedOnce, want: { both: false } },
  { name: 'cadence, never missed: the walk back cancels',
    cadence: CADENCE, runs: cadenceRuns, missed: () => false, want: { both: false } },
  { name: 'every 3rd frame and no cadence (a 8.3 frames/s source), missed at one run: found again, both crossings count',
    cadence: null, runs: (frameIndex) => frameIndex % 3 === 0, missed: missedOnce, want: { both: true } },
  { name: 'cadence, the detector busy for 0.2 s a run (later than planned), missed at one run: both crossings count',
    cadence: CADENCE, runs: busyDetector(), missed: (t) => t > 1.75 && t < 1.95, want: { both: true } },
  { name: 'cadence capped at 2 runs a second (minRunSeconds 0.5), missed at one run: both crossings count',
    cadence: { ...CADENCE, minRunSeconds: 0.5 }, runs: cadenceRuns, missed: (t) => t > 1.7 && t < 2.1, want: { both: true } },
  { name: 'a 10 frames/s camera, the cadence in its frames (frameSeconds 0.1: runs 0.3 s apart), missed at one run: a low rate, both count',
    cadence: { ...CADENCE, frameSeconds: 0.1 }, fps: 10, runs: cadenceRuns, missed: (t) => t > 1.75 && t < 1.85, want: { both: true } },
];

for (const { name, cadence, runs, missed, fps, want } of cases) {
  test(`found again with a cadence — ${name}`, () => {
    const counts = countWalk({ cadence, runs, missed, fps });
    // Left to right is "out" for this line (A top, B bottom); the walk back is "in".
    assert.deepEqual(counts, want.both ? { in: 1, out: 1 } : { in: 0, out: 0 });
  });
}

test('DetectorCadence.longestPlannedSeconds: its time bound plus half a frame', () => {
  assert.ok(Math.abs(new DetectorCadence().longestPlannedSeconds - 0.14) < 1e-12);
  assert.ok(Math.abs(new DetectorCadence({ maxSkippedFrames: 0 }).longestPlannedSeconds - 0.06) < 1e-12);
  assert.ok(Math.abs(new DetectorCadence({ maxSkippedFrames: 5, frameSeconds: 1 / 30 }).longestPlannedSeconds - 6.5 / 30) < 1e-12);
});
