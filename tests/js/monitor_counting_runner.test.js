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
