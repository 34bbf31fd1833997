import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectionsFromRows } from '../../frontend/js/core/detections.js';
import { FramePipeline } from '../../frontend/js/pipeline/frame_pipeline.js';
import { loadSequence, referenceLines } from './recorded_sequence.js';

const LEFT_HALF = [[0, 0], [300, 0], [300, 480], [0, 480]];
const SCENE_COUNTING = {
  lines: [{ id: 'door', a: [300, 0], b: [300, 480] }],
  zones: [{ id: 'queue', polygon: LEFT_HALF, threshold: 1, holdSeconds: 0.3 }],
};

/** A box whose bottom-centre (the foot point) is (x, y). */
const personAt = (x, y, score = 0.9) => ({ box: [x - 20, y - 100, x + 20, y], score });

/**
 * 40 frames at 25 fps: one person waits in the queue (left of the door) all along; another
 * walks in through the door (right to left: "in") and joins the queue from frame 20; a third
 * walks about on the right and never crosses.
 */
function scriptedScene() {
  return Array.from({ length: 40 }, (_, f) => {
    const walker = Math.max(200, 500 - (300 * f) / 29);
    return [personAt(100, 300), personAt(walker, 420), personAt(600 - 5 * f, 200)];
  });
}

function run(pipeline, frames, { fps = 25, width = 640, height = 480, detections = detectionsFromRows } = {}) {
  const outputs = frames.map((rows, index) => pipeline.process(detections(rows),
    { frameIndex: index, timestamp: index / fps, width, height }));
  const final = pipeline.flush();
  const events = [...outputs.flatMap((output) => output.result.events), ...final.events];
  return { outputs, final, events };
}

const alertsOf = (events) => events.filter((event) => event.type.startsWith('alert'))
  .map(({ type, zoneId, frameIndex, peakOccupancy }) => ({ type, zoneId, frameIndex, peakOccupancy }));

test('a scripted scene: the crossing, the alert, and flush() ending the alert with its peak', () => {
  const pipeline = new FramePipeline({ counting: SCENE_COUNTING });
  const { outputs, final, events } = run(pipeline, scriptedScene());
  const counted = events.filter((event) => ['in', 'out'].includes(event.type));
  assert.deepEqual(counted.map(({ type, zoneId, frameIndex }) => ({ type, zoneId, frameIndex })),
    [{ type: 'in', zoneId: 'door', frameIndex: 20 }], 'the walker enters through the door once, at the crossing frame');
  assert.deepEqual(final.lines.door, { in: 1, out: 0 });
  // The walker is in the queue from frame 20: two people > threshold 1; 0.3 s later the alert starts.
  assert.deepEqual(alertsOf(events), [
    { type: 'alert_start', zoneId: 'queue', frameIndex: 28, peakOccupancy: undefined },
    { type: 'alert_end', zoneId: 'queue', frameIndex: 39, peakOccupancy: 2 },
  ]);
  assert.equal(final.zones.queue.alertActive, false);
  assert.equal(pipeline.peaks.get('queue'), 2);
  assert.equal(outputs[39].personCount, 3);
  assert.equal(outputs[39].result.zones.queue.occupancy, 2);
});

test('FrameResult: tracks with ids, their foot points, heat points, trails', () => {
  const pipeline = new FramePipeline({ counting: SCENE_COUNTING, heatmap: { width: 640, height: 480, cellSize: 32 } });
  const { outputs } = run(pipeline, scriptedScene().slice(0, 10));
  const last = outputs[9];
  assert.equal(last.frameIndex, 9);
  assert.equal(last.tracked.count, 3);
  assert.deepEqual([...last.tracked.trackIds].sort(), [1, 2, 3]);
  const feet = [...last.feet];
  assert.deepEqual([feet[0], feet[1]], [100, 300], 'the foot point is the bottom-centre of the box');
  assert.deepEqual([...last.result.heatPoints], feet, 'everyone was seen: all foot points add heat');
  assert.equal(last.trails.get(last.tracked.trackIds[0]).length, 10);
  assert.equal(pipeline.imageHeatmap.snapshot().total, 30);
  assert.equal(last.timings, null, 'no clock, no timings');
});

test('a person missed by the detector is predicted: present in the zone, no heat, no crossing', () => {
  const pipeline = new FramePipeline({ counting: SCENE_COUNTING, heatmap: { width: 640, height: 480, cellSize: 32 } });
  // Two people side by side in the queue; the second is hidden behind the first for 3 frames.
  const frames = Array.from({ length: 12 }, (_, f) => (f >= 6 && f < 9
    ? [personAt(100 + f, 300)]
    : [personAt(100 + f, 300), personAt(115 + f, 305)]));
  const { outputs } = run(pipeline, frames);
  const hidden = outputs[7];
  assert.equal(hidden.tracked.count, 2);
  assert.deepEqual([...hidden.tracked.predicted], [0, 1]);
  assert.equal(hidden.result.zones.queue.occupancy, 2);
  assert.equal(hidden.result.heatPoints.length, 2, 'only the person seen adds heat');
  assert.deepEqual(outputs[11].result.lines.door, { in: 0, out: 0 });
});

test('countTracked counts tracks made elsewhere with the same counting; options are validated', () => {
  const pipeline = new FramePipeline({ counting: SCENE_COUNTING, clock: () => 5 });
  const output = pipeline.countTracked(detectionsFromRows([{ id: 7, box: [80, 200, 120, 300] }]), { frameIndex: 0, timestamp: 0 });
  assert.deepEqual([...output.tracked.trackIds], [7]);
  assert.equal(output.result.zones.queue.occupancy, 1);
  assert.deepEqual(output.timings, { track: 0, count: 0 });
  assert.throws(() => new FramePipeline({ countng: {} }), /unknown option\(s\) countng/);
  assert.throws(() => new FramePipeline({ counting: { lines: [{ id: 'x', a: [0, 0], b: [0, 0] }] } }), /zero-length line/);
  assert.throws(() => pipeline.process(null, { frameIndex: 1, timestamp: 0.04 }), /detections missing/);
});

// The shared footage's ground truth as a recorded detection sequence (../shared/data).
for (const name of ['TUD-Campus', 'TUD-Stadtmitte']) {
  test(`${name}: ground-truth boxes through the pipeline count like the data README's rule A`, () => {
    const sequence = loadSequence(name);
    const counting = { lines: referenceLines(sequence), zones: [{ id: 'left', polygon: LEFT_HALF, threshold: 2, holdSeconds: 0.4 }] };
    const frames = sequence.frames.map((rows) => rows.map(({ box }) => ({ box, score: 0.9 })));
    const ours = run(new FramePipeline({ counting }), frames, sequence);
    // The reference: the ground truth's own identities, counted by the same pipeline.
    const truth = new FramePipeline({ counting });
    sequence.frames.forEach((rows, index) => truth.countTracked(detectionsFromRows(rows),
      { frameIndex: index, timestamp: index / sequence.fps }));
    const reference = truth.flush();
    const { vertical_line: vertical, horizontal_line: horizontal } = sequence.reference;
    assert.deepEqual(reference.lines, {
      vertical_line: { in: vertical.ruleA_first_last.left, out: vertical.ruleA_first_last.right },
      horizontal_line: { in: horizontal.ruleA_first_last.down, out: horizontal.ruleA_first_last.up },
    });
    const off = Object.entries(reference.lines).reduce((sum, [id, counts]) =>
      sum + Math.abs(ours.final.lines[id].in - counts.in) + Math.abs(ours.final.lines[id].out - counts.out), 0);
    assert.ok(off <= 1, `tracked counts ${JSON.stringify(ours.final.lines)} vs reference ${JSON.stringify(reference.lines)}`);
    // Alerts come in pairs, in order; an alert still on at the end is ended by flush() at the last frame.
    const alerts = alertsOf(ours.events);
    assert.ok(alerts.length >= 2);
    alerts.forEach((alert, index) => assert.equal(alert.type, index % 2 ? 'alert_end' : 'alert_start'));
    for (const end of alerts.filter((alert) => alert.type === 'alert_end')) {
      assert.ok(end.peakOccupancy > 2 && end.peakOccupancy <= ours.outputs.reduce((max, output) => Math.max(max, output.result.zones.left.occupancy), 0));
    }
    assert.equal(ours.final.zones.left.alertActive, false);
    const last = sequence.frames.length - 1;
    assert.ok(ours.events.every((event) => event.frameIndex >= 0 && event.frameIndex <= last));
  });
}
