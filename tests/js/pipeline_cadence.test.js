import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectionsFromRows } from '../../frontend/js/core/detections.js';
import { FramePipeline } from '../../frontend/js/pipeline/frame_pipeline.js';
import { loadSequence, referenceLines } from './recorded_sequence.js';

const SIZE = { width: 640, height: 480 };

/** Every frame through the pipeline, the detector's rows only where its cadence asks for them. */
function run(pipeline, frames, { fps, width, height }) {
  let detectorRuns = 0;
  const outputs = frames.map((rows, frameIndex) => {
    const frame = { frameIndex, timestamp: frameIndex / fps, width, height };
    if (!pipeline.planDetection({ ...frame, final: frameIndex === frames.length - 1 }).detect) return pipeline.skip(frame);
    detectorRuns += 1;
    return pipeline.process(detectionsFromRows(rows.map((row) => ({ ...row, score: 0.9 }))), frame);
  });
  const final = pipeline.flush();
  return { outputs, final, detectorRuns, events: [...outputs.flatMap((o) => o.result.events), ...final.events] };
}

const crossings = (events) => events.filter((event) => event.type === 'in' || event.type === 'out')
  .map(({ type, lineId, zoneId }) => `${lineId ?? zoneId} ${type}`).sort();

/** One person walking right at `speed` px/s, box 80 x 200, foot at y 300, left edge at x0 at time 0. */
const walker = (x0, speed, t) => [{ box: [x0 + speed * t, 100, x0 + speed * t + 80, 300], score: 0.9 }];

/** The pipeline, fed the walker at 25 frames/s for `frames` frames, the detector where the cadence asks. */
function walk(pipeline, { x0, speed, frames, seen = () => true }) {
  const results = [];
  for (let frameIndex = 0; frameIndex < frames; frameIndex += 1) {
    const frame = { frameIndex, timestamp: frameIndex / 25, ...SIZE };
    const plan = pipeline.planDetection(frame);
    if (!plan.detect) { results.push(pipeline.skip(frame)); continue; }
    const rows = seen(frameIndex) ? walker(x0, speed, frame.timestamp) : [];
    results.push(pipeline.process(detectionsFromRows(rows), frame));
  }
  return results;
}

test('a skipped frame counts nothing, shows the tracker\'s prediction and leaves the tracker alone; the first frame needs the detector', () => {
  const pipeline = new FramePipeline({ cadence: { maxSkippedFrames: 3 }, counting: { lines: [{ id: 'door', a: [600, 0], b: [600, 480] }] } });
  assert.throws(() => pipeline.skip({ frameIndex: 0, timestamp: 0 }), /first frame/);
  assert.deepEqual(pipeline.planDetection({ ...SIZE, timestamp: 0 }), { detect: true, reason: 'start' });
  let seen;
  for (let frameIndex = 0; frameIndex < 3; frameIndex++) {
    const frame = { frameIndex, timestamp: frameIndex / 25, ...SIZE };
    if (frameIndex > 0) pipeline.planDetection(frame);
    seen = pipeline.process(detectionsFromRows(walker(100, 50, frame.timestamp)), frame);
  }
  assert.equal(seen.detected, true);
  assert.equal(seen.personCount, 1, 'the person is a confirmed track');
  assert.deepEqual(pipeline.planDetection({ ...SIZE, timestamp: 0.12 }), { detect: false, reason: 'clear' });
  const trackerState = JSON.stringify(pipeline.tracker.activeTracks.map((track) => Array.from(track.mean)));
  const skipped = pipeline.skip({ frameIndex: 3, timestamp: 0.12 });
  assert.equal(JSON.stringify(pipeline.tracker.activeTracks.map((track) => Array.from(track.mean))), trackerState, 'the tracker is not stepped');
  assert.equal(skipped.detected, false);
  assert.equal(skipped.frameIndex, 3);
  assert.deepEqual(skipped.result.events, []);
  assert.deepEqual(skipped.result.lines, seen.result.lines);
  assert.equal(skipped.tracked.count, 1);
  assert.equal(skipped.tracked.trackIds[0], seen.tracked.trackIds[0]);
  // The Kalman filter has learned part of the walk (50 px/s) from three detections: the
  // prediction moves the person ahead of the last run's box, not behind it or past the walk.
  const moved = skipped.tracked.boxes[0] - seen.tracked.boxes[0];
  assert.ok(moved > 0 && moved <= 50 * 0.04 + 0.5, `moved ${moved} px in 0.04 s`);
  assert.ok(Math.abs(skipped.feet[0] - (skipped.tracked.boxes[0] + skipped.tracked.boxes[2]) / 2) < 1e-3, 'foot point of the predicted box');
  assert.equal(skipped.result.heatPoints.length, 0, 'a prediction adds no heat');
  const plain = new FramePipeline();
  assert.deepEqual(plain.planDetection({ ...SIZE, timestamp: 0 }), { detect: true, reason: 'every frame' });
});

test('a predicted box never counts a crossing by itself: only two real sightings on either side do', () => {
  const line = { id: 'door', a: [222, 0], b: [222, 480] };
  // A person walks right at 200 px/s, foot at x = 120 + 200 t: they reach the line (x 222) at
  // t = 0.51 s. The detector runs on frames 0, 4, 8, 12, 16, ... (maxSkippedFrames 3); the
  // last sighting before the line is at frame 12 (t 0.48 s, foot x 216), and the skipped
  // frames 13-15 predict the person over it.
  const cadence = { maxSkippedFrames: 3, pendingTracks: false, entryMargin: 0 };
  // 1. The detector does not see them after frame 12: whatever the prediction does on the
  //    skipped frames, nothing is counted, not even at the end.
  const vanishing = new FramePipeline({ cadence, counting: { lines: [line] } });
  const hidden = walk(vanishing, { x0: 80, speed: 200, frames: 60, seen: (frameIndex) => frameIndex <= 12 });
  const predictedPast = hidden.filter((output) => !output.detected && output.feet.length && output.feet[0] > 222);
  assert.ok(predictedPast.length > 0, 'a skipped frame shows the person predicted past the line');
  const vanishedEvents = [...hidden.flatMap((output) => output.result.events), ...vanishing.flush().events];
  assert.deepEqual(vanishedEvents.filter((event) => event.zoneId === 'door'), []);
  assert.deepEqual(vanishing.flush().lines.door, { in: 0, out: 0 });
  // 2. Seen again on the far side (frame 16, foot x 248): one crossing, made by the detector's
  //    sightings, stamped at the time the straight walk between them passed the line (0.51 s),
  //    counted on the frame the detector saw them there.
  const continuing = new FramePipeline({ cadence, counting: { lines: [line] } });
  const outputs = walk(continuing, { x0: 80, speed: 200, frames: 60 });
  const events = [...outputs.flatMap((output) => output.result.events), ...continuing.flush().events];
  const raw = events.filter((event) => event.type === 'cross_raw');
  assert.equal(raw.length, 1);
  assert.ok(Math.abs(raw[0].timestamp - 0.51) < 0.02, `crossing stamped at ${raw[0].timestamp}`);
  const countedAt = outputs.find((output) => output.result.events.some((event) => event.type === 'cross_raw'));
  assert.equal(countedAt.detected, true, 'the crossing is counted on a frame the detector saw');
  for (const output of outputs) if (!output.detected) assert.deepEqual(output.result.events, [], 'a skipped frame has no events');
  assert.deepEqual(crossings(events), ['door out']);
});

test('a person who steps over a line just before the video ends: the counts end on the last frame\'s real sighting', async (t) => {
  // A line at y 250. One person stands with their foot at y 240 (above it), steps over it
  // (y 260) at frame 18 and, in the cases where they step back, is at y 240 again on frame 19,
  // the video's last. The detector runs on frames 0, 3, ..., 18 (maxSkippedFrames 2), so
  // frame 19 would be skipped; flush() makes a pending crossing final from the last sighting.
  const line = { id: 'edge', a: [0, 250], b: [640, 250] };
  const cadence = { pendingTracks: false, entryMargin: 0 };
  const footAt = (stepsBack) => (frameIndex) => (frameIndex === 18 || (frameIndex === 19 && !stepsBack) ? 260 : 240);
  const cases = [
    { name: 'every frame, steps back', cadence: null, foot: footAt(true), markEnd: true, want: [] },
    { name: 'cadence, steps back, the end marked (as the app, the lab and the evaluator do)', cadence, foot: footAt(true), markEnd: true, want: [] },
    { name: 'cadence, steps back, the end not marked: the step back is never seen', cadence, foot: footAt(true), markEnd: false, want: ['edge in'] },
    { name: 'every frame, stays over the line', cadence: null, foot: footAt(false), markEnd: true, want: ['edge in'] },
    { name: 'cadence, stays over the line, the end marked', cadence, foot: footAt(false), markEnd: true, want: ['edge in'] },
  ];
  for (const { name, cadence: options, foot, markEnd, want } of cases) {
    await t.test(name, () => {
      const pipeline = new FramePipeline({ cadence: options, counting: { lines: [line] } });
      const frames = 20;
      const events = [];
      const reasons = [];
      for (let frameIndex = 0; frameIndex < frames; frameIndex += 1) {
        const frame = { frameIndex, timestamp: frameIndex / 25, ...SIZE };
        const plan = pipeline.planDetection({ ...frame, final: markEnd && frameIndex === frames - 1 });
        reasons.push(plan.reason);
        const y = foot(frameIndex);
        const output = plan.detect ? pipeline.process(detectionsFromRows([{ box: [300, y - 200, 380, y], score: 0.9 }]), frame)
          : pipeline.skip(frame);
        events.push(...output.result.events);
      }
      events.push(...pipeline.flush().events);
      if (options) {
        assert.equal(reasons[18], 'interval', 'the step over the line is seen by a run');
        assert.equal(reasons[19], markEnd ? 'end' : 'clear');
      }
      assert.deepEqual(crossings(events), want);
    });
  }
});

for (const name of ['TUD-Campus', 'TUD-Stadtmitte']) {
  test(`${name}: on the ground-truth boxes the cadence halves the detector runs; with the edge rule it counts the same crossings`, () => {
    const sequence = loadSequence(name);
    const counting = { lines: referenceLines(sequence) };
    const every = run(new FramePipeline({ counting }), sequence.frames, sequence);
    assert.equal(every.detectorRuns, sequence.frames.length);
    assert.ok(crossings(every.events).length > 0, 'the sequence has crossings to keep');
    // The edge rule (the detector on every frame while someone may reach a line before the
    // next run) keeps every crossing of clean tracks.
    const edgeRule = run(new FramePipeline({ counting, cadence: { nearEdge: true } }), sequence.frames, sequence);
    assert.ok(edgeRule.detectorRuns <= sequence.frames.length / 2, `${edgeRule.detectorRuns} runs for ${sequence.frames.length} frames`);
    assert.deepEqual(crossings(edgeRule.events), crossings(every.events));
    assert.deepEqual(edgeRule.final.lines, every.final.lines);
    // The defaults (no edge rule: on the detector's own boxes it cost runs and gained nothing,
    // docs/evaluation.md) skip more; each total stays within one person of every frame's.
    const defaults = run(new FramePipeline({ counting, cadence: {} }), sequence.frames, sequence);
    assert.ok(defaults.detectorRuns <= edgeRule.detectorRuns, `${defaults.detectorRuns} runs`);
    for (const [lineId, counts] of Object.entries(every.final.lines)) {
      for (const direction of ['in', 'out']) {
        assert.ok(Math.abs(defaults.final.lines[lineId][direction] - counts[direction]) <= 1, `${lineId} ${direction}`);
      }
    }
  });
}
