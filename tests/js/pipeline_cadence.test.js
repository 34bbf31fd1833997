import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectionsFromRows } from '../../frontend/js/core/detections.js';
import { FramePipeline } from '../../frontend/js/pipeline/frame_pipeline.js';
import { loadSequence, referenceLines } from './recorded_sequence.js';

/** Every frame through the pipeline, the detector's rows only where its cadence asks for them. */
function run(pipeline, frames, { fps, width, height }) {
  let detectorRuns = 0;
  const outputs = frames.map((rows, frameIndex) => {
    const frame = { frameIndex, timestamp: frameIndex / fps, width, height };
    if (!pipeline.planDetection({ width, height }).detect) return pipeline.skip(frame);
    detectorRuns += 1;
    return pipeline.process(detectionsFromRows(rows.map((row) => ({ ...row, score: 0.9 }))), frame);
  });
  const final = pipeline.flush();
  return { outputs, final, detectorRuns, events: [...outputs.flatMap((o) => o.result.events), ...final.events] };
}

const crossings = (events) => events.filter((event) => event.type === 'in' || event.type === 'out')
  .map(({ type, lineId, zoneId }) => `${lineId ?? zoneId} ${type}`).sort();

test('a skipped frame counts nothing and keeps the last tracks; the first frame needs the detector', () => {
  const pipeline = new FramePipeline({ cadence: { maxSkippedFrames: 3 }, counting: { lines: [{ id: 'door', a: [600, 0], b: [600, 480] }] } });
  assert.throws(() => pipeline.skip({ frameIndex: 0, timestamp: 0 }), /first frame/);
  assert.deepEqual(pipeline.planDetection({ width: 640, height: 480 }), { detect: true, reason: 'start' });
  const person = detectionsFromRows([{ box: [100, 100, 140, 200], score: 0.9 }]);
  let seen;
  for (let frameIndex = 0; frameIndex < 3; frameIndex++) {
    if (frameIndex > 0) pipeline.planDetection({ width: 640, height: 480 });   // the cadence measures each run
    seen = pipeline.process(person, { frameIndex, timestamp: frameIndex / 25, width: 640, height: 480 });
  }
  assert.equal(seen.detected, true);
  assert.equal(seen.personCount, 1, 'the person is a confirmed track');
  assert.deepEqual(pipeline.planDetection({ width: 640, height: 480 }), { detect: false, reason: 'clear' });
  const skipped = pipeline.skip({ frameIndex: 3, timestamp: 0.12 });
  assert.equal(skipped.detected, false);
  assert.equal(skipped.frameIndex, 3);
  assert.deepEqual(skipped.result.events, []);
  assert.equal(skipped.tracked, seen.tracked);
  const plain = new FramePipeline();
  assert.deepEqual(plain.planDetection({ width: 640, height: 480 }), { detect: true, reason: 'every frame' });
});

for (const name of ['TUD-Campus', 'TUD-Stadtmitte']) {
  test(`${name}: with the cadence the ground-truth boxes count the same crossings with fewer detector runs`, () => {
    const sequence = loadSequence(name);
    const counting = { lines: referenceLines(sequence) };
    const every = run(new FramePipeline({ counting }), sequence.frames, sequence);
    const adaptive = run(new FramePipeline({ counting, cadence: {} }), sequence.frames, sequence);
    assert.equal(every.detectorRuns, sequence.frames.length);
    assert.ok(adaptive.detectorRuns < sequence.frames.length, `${adaptive.detectorRuns} runs for ${sequence.frames.length} frames`);
    assert.deepEqual(crossings(adaptive.events), crossings(every.events));
    assert.deepEqual(adaptive.final.lines, every.final.lines);
    assert.ok(crossings(every.events).length > 0, 'the sequence has crossings to keep');
  });
}
