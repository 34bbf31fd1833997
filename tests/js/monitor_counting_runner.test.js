import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectionsFromRows } from '../../frontend/js/core/detections.js';
import { CountingRunner } from '../../frontend/js/monitor/counting_runner.js';
import { FramePipeline } from '../../frontend/js/pipeline/frame_pipeline.js';

const ZONE = { id: 'zone-1', polygon: [[0, 0], [300, 0], [300, 480], [0, 480]], threshold: 0, holdSeconds: 0 };

function runner({ stop = async () => {} } = {}) {
  const seen = { observed: [], frames: [], ended: [], stopped: [] };
  const session = { observe: (result, frame) => seen.observed.push(frame), stop: async (final) => { seen.stopped.push(final); await stop(); } };
  const counting = new CountingRunner({
    pipeline: new FramePipeline({ counting: { zones: [ZONE] } }),
    detector: { detect: async (rows) => detectionsFromRows(rows) },
    session, grab: () => [{ box: [80, 200, 120, 300], score: 0.9 }], frameSize: { width: 640, height: 480 },
    onFrame: (output) => seen.frames.push(output.frameIndex), onEnd: (final, summary) => seen.ended.push({ final, summary }),
  });
  return { counting, seen };
}

test('each step: the grabbed picture through the detector and the pipeline, to the session and the views', async () => {
  const { counting, seen } = runner();
  const output = await counting.step({ frameIndex: 0, timestamp: 0 });
  await counting.step({ frameIndex: 1, timestamp: 0.04 });
  assert.equal(output.personCount, 1);
  assert.deepEqual(seen.frames, [0, 1]);
  assert.deepEqual(seen.observed, [{ timestamp: 0, personCount: 1 }, { timestamp: 0.04, personCount: 1 }]);
  assert.equal(output.result.zones['zone-1'].alertActive, true, 'one person is above a threshold of 0');
});

test('finish: the pipeline flushed (the open alert ends), the session stopped with it, the views told', async () => {
  const { counting, seen } = runner();
  await counting.step({ frameIndex: 0, timestamp: 0 });
  const final = await counting.finish({ completed: true, frames: 1, seconds: 0 });
  assert.deepEqual(final.events.map((event) => event.type), ['leave', 'alert_end']);
  assert.equal(seen.stopped[0], final);
  assert.deepEqual(seen.ended, [{ final, summary: { completed: true, frames: 1, seconds: 0 } }]);
});

test('the run ends for the views even when the session cannot stop cleanly', async () => {
  const { counting, seen } = runner({ stop: async () => { throw new Error('IndexedDB is gone'); } });
  await counting.step({ frameIndex: 0, timestamp: 0 });
  await assert.rejects(counting.finish({ completed: false, frames: 1, seconds: 0 }), /IndexedDB is gone/);
  assert.equal(seen.ended.length, 1);
});

test('with a cadence the runner runs the detector only where the pipeline plans it; the views get every frame, the session what the detector saw', async () => {
  const detected = [];
  const observed = [];
  const shown = [];
  const counting = new CountingRunner({
    pipeline: new FramePipeline({ counting: { zones: [ZONE] }, cadence: { maxSkippedFrames: 2 } }),
    detector: { detect: async (rows) => { detected.push(rows.length); return detectionsFromRows(rows); } },
    session: { observe: (result, frame) => observed.push(frame), stop: async () => {} },
    grab: () => [{ box: [80, 200, 120, 300], score: 0.9 }], frameSize: { width: 640, height: 480 },
    onFrame: (output) => shown.push(output.detected ? 'D' : '.'),
  });
  for (let frameIndex = 0; frameIndex < 9; frameIndex += 1) await counting.step({ frameIndex, timestamp: frameIndex / 25 });
  // The person stands still in the open: after the first run (a new tracker confirms at once)
  // the detector runs every third frame.
  assert.equal(shown.join(''), 'D..D..D..');
  assert.equal(detected.length, 3);
  assert.equal(counting.frames, 9);
  assert.equal(counting.detectorRuns, 3);
  assert.equal(observed.length, 3, 'the session observes the detector runs (counts stand in between)');
  assert.ok(observed.every((frame) => frame.personCount === 1));
});

test('a whole video\'s last frame (final, from FrameLoop) is a detector run, so its counts end on a real sighting', async (t) => {
  for (const { final, want } of [{ final: false, want: 'D..D.' }, { final: true, want: 'D..DD' }]) {
    await t.test(`final ${final}`, async () => {
      const shown = [];
      const counting = new CountingRunner({
        pipeline: new FramePipeline({ counting: { zones: [ZONE] }, cadence: { maxSkippedFrames: 2 } }),
        detector: { detect: async (rows) => detectionsFromRows(rows) },
        session: { observe: () => {}, stop: async () => {} },
        grab: () => [{ box: [80, 200, 120, 300], score: 0.9 }], frameSize: { width: 640, height: 480 },
        onFrame: (output) => shown.push(output.detected ? 'D' : '.'),
      });
      for (let frameIndex = 0; frameIndex < 5; frameIndex += 1) {
        await counting.step({ frameIndex, timestamp: frameIndex / 25, final: final && frameIndex === 4 });
      }
      assert.equal(shown.join(''), want);
    });
  }
});

test('without a cadence every frame runs the detector', async () => {
  const { counting } = runner();
  for (let frameIndex = 0; frameIndex < 4; frameIndex += 1) await counting.step({ frameIndex, timestamp: frameIndex / 25 });
  assert.equal(counting.frames, 4);
  assert.equal(counting.detectorRuns, 4);
});

/** A detector whose runs finish only when the test says so (in the order they were asked for). */
function heldDetector() {
  const waiting = [];
  return {
    waiting,
    detect: (rows) => new Promise((resolve) => waiting.push(() => resolve(detectionsFromRows(rows)))),
    releaseAll: async () => { while (waiting.length) { waiting.shift()(); await new Promise((done) => setImmediate(done)); } },
  };
}

test('live with a cadence the frames keep coming while the detector runs; its result enters the pipeline with its own frame time', async () => {
  const detector = heldDetector();
  const shown = [];
  const detectedAt = [];
  let x = 80;
  const counting = new CountingRunner({
    pipeline: new FramePipeline({ counting: { lines: [{ id: 'door', a: [112, 0], b: [112, 480] }] }, cadence: { maxSkippedFrames: 0 } }),
    detector, session: { observe: () => {}, stop: async () => {} },
    grab: () => [{ box: [x, 200, x + 40, 300], score: 0.9 }], frameSize: { width: 640, height: 480 },
    onFrame: (output) => shown.push(output.frameIndex), onDetected: (output) => detectedAt.push(output.frameIndex),
  });
  counting.overlap = true;   // as start() sets it for a live source with a cadence
  // The first frame waits for its detector run (nothing to predict from yet).
  const first = counting.step({ frameIndex: 0, timestamp: 0 });
  await detector.releaseAll();
  await first;
  // Frames 1-5 arrive while one detector run (started on frame 1) is under way: all are shown at once.
  for (let frameIndex = 1; frameIndex <= 5; frameIndex += 1) {
    x += 6;
    await counting.step({ frameIndex, timestamp: frameIndex / 25 });
  }
  assert.deepEqual(shown, [0, 1, 2, 3, 4, 5]);
  assert.equal(detector.waiting.length, 1, 'one detector run at a time');
  assert.deepEqual(detectedAt, [0]);
  await detector.releaseAll();
  assert.deepEqual(detectedAt, [0, 1], 'the run of frame 1 entered the pipeline as frame 1');
  assert.equal(counting.pipeline.lastDetected.timestamp, 1 / 25);
  // Stopping waits for a run under way: its sighting (foot x 120, past the line) counts.
  x = 100;
  await counting.step({ frameIndex: 6, timestamp: 6 / 25 });
  assert.equal(detector.waiting.length, 1);
  const finishing = counting.finish({ completed: true, frames: 7, seconds: 0.28 });
  await detector.releaseAll();
  const final = await finishing;
  assert.deepEqual(detectedAt, [0, 1, 6]);
  assert.deepEqual(final.lines.door, { in: 0, out: 1 });
  assert.equal(counting.detectorRuns, 3);
  assert.equal(counting.frames, 7);
});
