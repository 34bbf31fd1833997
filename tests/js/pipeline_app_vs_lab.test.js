// The app's path (the monitor's CountingRunner: detector -> FramePipeline -> session) and the
// evaluator's path (/lab/pipeline's PipelineLabRun, fed detections as JSON the way
// tools/evaluate.py hands them over) give identical tracks, counts and events on a recorded
// detection sequence: the shared footage's ground-truth boxes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectionsFromRows } from '../../frontend/js/core/detections.js';
import { makeZone } from '../../frontend/js/editor/zone_model.js';
import { detectionsFromPlain, plainDetections, plainTracks } from '../../frontend/js/lab/plain.js';
import { PipelineLabRun } from '../../frontend/js/lab/pipeline_lab_run.js';
import { CountingRunner } from '../../frontend/js/monitor/counting_runner.js';
import { FramePipeline } from '../../frontend/js/pipeline/frame_pipeline.js';
import { countingOptionsFor } from '../../frontend/js/pipeline/zone_counting.js';
import { loadSequence } from './recorded_sequence.js';

const zone = (serverId, kind, points, extra = {}) => makeZone({ localId: serverId, serverId, kind, name: `${kind} ${serverId}`, points, color: '#0f766e', ...extra });

/** Editor zones as the monitor has them after loading them from the server. */
const ZONES = [
  zone(1, 'line', [[276, 0], [276, 480]]),
  zone(2, 'band', [[0, 422], [640, 422]], { width: 30, flipped: true }),
  zone(3, 'polygon', [[0, 0], [320, 0], [320, 480], [0, 480]], { threshold: 2, holdSeconds: 0.4 }),
];

/** Each frame's detections as tools/evaluate.py records them (plain JSON, rounded). */
function recordedFrames(sequence) {
  return sequence.frames.map((rows, index) => ({
    frameIndex: index + 1, timestamp: index / sequence.fps, width: sequence.width, height: sequence.height,
    detections: plainDetections(detectionsFromRows(rows.map(({ box }, i) => ({ box, score: 0.5 + ((i * 37) % 50) / 100 }))), { rounded: true }),
  }));
}

async function appPath(frames, counting) {
  const observed = [];
  let current = null;
  const session = { observe: (result) => observed.push(result), stop: async (final) => { session.final = final; } };
  const runner = new CountingRunner({
    pipeline: new FramePipeline({ counting, heatmap: { width: 640, height: 480, cellSize: 16 }, trailLength: 30 }),
    // The "picture" is the frame's recorded detections; the detector hands them back as Detections.
    detector: { detect: async (picture) => detectionsFromPlain(picture) },
    session, grab: () => current.detections, frameSize: { width: frames[0].width, height: frames[0].height },
  });
  const perFrame = [];
  for (const frame of frames) {
    current = frame;
    const output = await runner.step({ frameIndex: frame.frameIndex, timestamp: frame.timestamp });
    perFrame.push({ tracks: plainTracks(output), lines: output.result.lines, zones: output.result.zones, events: output.result.events });
  }
  const final = await runner.finish({ completed: true, frames: frames.length, seconds: 0 });
  assert.equal(session.final, final, 'the session gets the final counts');
  assert.equal(observed.length, frames.length, 'the session sees every frame');
  return { perFrame, final };
}

function labPath(frames, counting) {
  const run = new PipelineLabRun({ counting });
  const perFrame = frames.map((frame) => {
    const answer = run.processRecorded(JSON.parse(JSON.stringify(frame)));
    return { tracks: answer.tracks, lines: answer.lines, zones: answer.zones, events: answer.events };
  });
  return { perFrame, final: run.finish() };
}

for (const name of ['TUD-Campus', 'TUD-Stadtmitte']) {
  test(`${name}: the monitor's runner and the evaluator's lab give identical tracks, counts and events`, async () => {
    const frames = recordedFrames(loadSequence(name));
    const counting = countingOptionsFor(ZONES);
    const app = await appPath(frames, counting);
    const lab = labPath(frames, counting);
    assert.equal(app.perFrame.length, lab.perFrame.length);
    app.perFrame.forEach((frame, index) => assert.deepEqual(frame, lab.perFrame[index], `frame ${index + 1}`));
    assert.deepEqual(app.final, lab.final);
    const events = app.perFrame.flatMap((frame) => frame.events).concat(app.final.events);
    assert.ok(events.some((event) => event.type === 'in' || event.type === 'out'), 'the sequence has crossings to compare');
    assert.ok(events.some((event) => event.type === 'alert_start'), 'and alerts');
    assert.deepEqual(Object.keys(app.final.lines).sort(), ['zone-1', 'zone-2']);
  });
}
