#!/usr/bin/env node
// Replays recorded detections (the `<video>.detections.json` that tools/evaluate.py writes)
// through the app's tracker and counting engine in Node, at every K-th frame or as a
// simulated live run, so tracker and counting changes can be tried in seconds instead of a
// browser run. The appearance signatures are made here from the frames ffmpeg decodes (the
// same pixels the lab page gets). Writes one JSON document (tracks per processed frame,
// events, final counts, the ground truth counted by the same engine); tools/replay_eval.py
// scores it with the evaluator's metrics.
//
//   node tools/replay_tracks.mjs --detections D.json --gt gt.txt [--every K] [--offset O]
//        [--live RATE --passes N --jitter J --frame-index consecutive|video]
//        [--cadence JSON]  (every frame through one FramePipeline with that DetectorCadence:
//                           the recorded detections only on the frames the cadence runs the detector;
//                           with --offset O from the clip's (O+1)-th frame on)
//        [--modules DIR] [--tracker-options JSON] [--counting-options JSON] [--line-options JSON]
//        [--out OUT.json]
import { seededRandom } from './seeded_random.mjs';
import { readFileSync, writeFileSync } from 'node:fs';
import { decodeFrames, loadMot, trackedFromRows } from './replay_io.mjs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const REPO = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

function options() {
  const { values } = parseArgs({
    options: {
      detections: { type: 'string' },
      gt: { type: 'string' },
      video: { type: 'string' },
      every: { type: 'string', default: '1' },
      offset: { type: 'string', default: '0' },
      live: { type: 'string' },
      passes: { type: 'string', default: '7' },
      jitter: { type: 'string', default: '0.5' },
      seed: { type: 'string', default: '1' },
      'frame-index': { type: 'string', default: 'video' },
      modules: { type: 'string', default: path.join(REPO, 'frontend', 'js') },
      'tracker-options': { type: 'string', default: '{}' },
      'counting-options': { type: 'string', default: '{}' },
      'line-options': { type: 'string', default: '{}' },
      cadence: { type: 'string' },
      out: { type: 'string' },
    },
  });
  if (!values.detections || !values.gt) throw new Error('--detections and --gt are required');
  if (!['video', 'consecutive'].includes(values['frame-index'])) throw new Error('--frame-index: video or consecutive');
  return values;
}

function referenceLines(video, width, height) {
  const reference = JSON.parse(readFileSync(path.join(path.dirname(video), 'reference_counts.json'), 'utf8'));
  const lines = [];
  if (reference.horizontal_line) lines.push({ id: 'horizontal_line', a: [0, reference.horizontal_line.y], b: [width, reference.horizontal_line.y] });
  if (reference.vertical_line) lines.push({ id: 'vertical_line', a: [reference.vertical_line.x, 0], b: [reference.vertical_line.x, height] });
  return lines;
}

function detectionsOf(frame, embed, pixels) {
  const detections = {
    count: frame.count,
    boxes: Float32Array.from(frame.boxes),
    scores: Float32Array.from(frame.scores),
    classIds: new Int32Array(frame.count),
    keypoints: frame.keypoints ? Float32Array.from(frame.keypoints) : null,
    keypointCount: frame.keypointCount || 0,
  };
  if (pixels) detections.embeddings = embed(pixels, detections);
  return detections;
}

/**
 * The schedule of detector runs: [{ source (1-based video frame), frameIndex, timestamp, pass }].
 * Offline: every K-th frame. Live: the clip loops (as Chromium's fake camera does), each run
 * takes the newest frame when the previous one is done and lasts 1/rate s +- jitter.
 */
function schedule(args, frameCount, fps) {
  const runs = [];
  if (!args.live) {
    const every = Number(args.every);
    for (let source = 1 + Number(args.offset); source <= frameCount; source += every) {
      runs.push({ source, frameIndex: source, timestamp: (source - 1) / fps, pass: 0 });
    }
    return runs;
  }
  const rate = Number(args.live);
  const jitter = Number(args.jitter);
  const next = seededRandom(Number(args.seed));
  const total = Number(args.passes) * frameCount / fps;
  let time = 0;
  for (let run = 0; time < total; run += 1) {
    const frame = Math.floor(time * fps);
    runs.push({ source: (frame % frameCount) + 1, frameIndex: args['frame-index'] === 'video' ? frame : run, timestamp: time, pass: Math.floor(frame / frameCount) });
    time += (1 / rate) * (1 + jitter * (2 * next() - 1));
  }
  return runs;
}

async function main() {
  const args = options();
  const recorded = JSON.parse(readFileSync(args.detections, 'utf8'));
  const video = args.video || recorded.video;
  const { width, height, fps } = recorded;
  const modules = pathToFileURL(path.resolve(args.modules) + '/').href;
  const { ByteTracker } = await import(`${modules}tracker/byte_tracker.js`);
  const { CountingEngine, ENGINE_DEFAULTS } = await import(`${modules}counting/counting_engine.js`);
  const { appearanceEmbeddings } = await import(`${modules}tracker/appearance.js`);
  const { footPoints } = await import(`${modules}counting/foot_points.js`);
  const pixels = await decodeFrames(video, width, height);
  const byIndex = new Map(recorded.frames.map((frame) => [frame.frameIndex, frame]));
  const lineOptions = JSON.parse(args['line-options']);
  const lines = referenceLines(video, width, height).map((line) => ({ ...line, ...lineOptions }));
  const counting = { lines, ...JSON.parse(args['counting-options']) };
  // Counting begins at the video's first frame, as the reference's does, whichever frame the
  // detector first runs on (--offset); an older tree (--modules) without the option starts at its first update.
  const ours = 'startTimestamp' in ENGINE_DEFAULTS ? { startTimestamp: 0, ...counting } : counting;
  if (args.cadence) {
    const { FramePipeline } = await import(`${modules}pipeline/frame_pipeline.js`);
    const pipeline = new FramePipeline({ tracker: JSON.parse(args['tracker-options']), counting: ours, cadence: JSON.parse(args.cadence) });
    return replayWithCadence({ args, pipeline, recorded, pixels, appearanceEmbeddings, counting, video, lines });
  }
  const tracker = new ByteTracker(JSON.parse(args['tracker-options']));
  const engine = new CountingEngine(ours);
  const runs = schedule(args, recorded.frames.length, fps);
  const frames = [];
  const events = [];
  const started = performance.now();
  for (const run of runs) {
    const detections = detectionsOf(byIndex.get(run.source), appearanceEmbeddings, pixels[run.source - 1]);
    const frame = { frameIndex: run.frameIndex, timestamp: run.timestamp };
    const tracked = tracker.update(detections, { ...frame, width, height });
    const result = engine.update(tracked, frame);
    const feet = footPoints(tracked);
    frames.push({ ...run, tracks: Array.from({ length: tracked.count }, (_, i) => ({
      id: tracked.trackIds[i], box: Array.from(tracked.boxes.subarray(i * 4, i * 4 + 4)),
      foot: [feet[2 * i], feet[2 * i + 1]], predicted: tracked.predicted ? tracked.predicted[i] : 0 })) });
    for (const event of result.events) events.push({ ...event, pass: run.pass });
  }
  const flushed = engine.flush();
  events.push(...flushed.events);
  const milliseconds = performance.now() - started;
  // The reference: the ground truth, every frame, through the same engine.
  const gt = loadMot(args.gt);
  const referenceEngine = new CountingEngine(counting);
  const referenceEvents = [];
  for (let source = 1; source <= recorded.frames.length; source += 1) {
    const result = referenceEngine.update(trackedFromRows(gt.get(source) || []), { frameIndex: source, timestamp: (source - 1) / fps });
    referenceEvents.push(...result.events);
  }
  referenceEvents.push(...referenceEngine.flush().events);
  write(args, {
    video, fps, width, height, frameCount: recorded.frames.length, lines,
    mode: args.live ? { live: Number(args.live), passes: Number(args.passes), jitter: Number(args.jitter), frameIndex: args['frame-index'] } : { every: Number(args.every), offset: Number(args.offset) },
    modules: args.modules, runs: runs.length, milliseconds,
    frames, events, final: flushed.lines,
    reference: { events: referenceEvents, final: referenceEngine.snapshot().lines },
  });
}

function write(args, output) {
  const text = JSON.stringify(output);
  if (args.out) writeFileSync(args.out, text);
  else process.stdout.write(`${text}\n`);
}

/** The ground truth of every frame through the same counting: { events, final }. */
async function countReference(args, modules, counting, frameCount, fps) {
  const { CountingEngine } = await import(`${modules}counting/counting_engine.js`);
  const gt = loadMot(args.gt);
  const engine = new CountingEngine(counting);
  const events = [];
  for (let source = 1; source <= frameCount; source += 1) {
    events.push(...engine.update(trackedFromRows(gt.get(source) || []), { frameIndex: source, timestamp: (source - 1) / fps }).events);
  }
  events.push(...engine.flush().events);
  return { events, final: engine.snapshot().lines };
}

/** Every frame through the FramePipeline; the recorded detections only where the cadence runs the detector. */
async function replayWithCadence({ args, pipeline, recorded, pixels, appearanceEmbeddings, counting, video, lines }) {
  const { width, height, fps } = recorded;
  const frames = [];
  const events = [];
  const reasons = {};
  let runs = 0;
  const started = performance.now();
  // --offset O: the clip trimmed at the start (its first O frames never seen), so the cadence's
  // skip phases and the tracker's first frames fall on other frames.
  const offset = Number(args.offset);
  for (const [number, recordedFrame] of recorded.frames.entries()) {
    if (number < offset) continue;
    const source = recordedFrame.frameIndex;
    const frame = { frameIndex: source, timestamp: (source - 1) / fps, width, height };
    // The video's last frame is planned as its end (the detector's final real sighting).
    const plan = pipeline.planDetection({ ...frame, final: number === recorded.frames.length - 1 });
    reasons[plan.reason] = (reasons[plan.reason] || 0) + 1;
    let output;
    if (plan.detect) {
      runs += 1;
      output = pipeline.process(detectionsOf(recordedFrame, appearanceEmbeddings, pixels[source - 1]), frame);
    } else {
      output = pipeline.skip(frame);
    }
    const { tracked, feet } = output;
    frames.push({ source, frameIndex: source, timestamp: frame.timestamp, pass: 0, detected: plan.detect,
      occupancy: Object.fromEntries(Object.entries(output.result.zones).map(([id, zone]) => [id, zone.occupancy])),
      tracks: Array.from({ length: tracked.count }, (_, i) => ({
        id: tracked.trackIds[i], box: Array.from(tracked.boxes.subarray(i * 4, i * 4 + 4)),
        foot: [feet[2 * i], feet[2 * i + 1]], predicted: tracked.predicted ? tracked.predicted[i] : 0 })) });
    events.push(...output.result.events);
  }
  const flushed = pipeline.flush();
  events.push(...flushed.events);
  const milliseconds = performance.now() - started;
  const modules = pathToFileURL(path.resolve(args.modules) + '/').href;
  const reference = await countReference(args, modules, counting, recorded.frames.length, fps);
  write(args, {
    video, fps, width, height, frameCount: recorded.frames.length, lines,
    mode: { every: 1, offset, cadence: JSON.parse(args.cadence), reasons },
    modules: args.modules, runs, milliseconds, frames, events, final: flushed.lines, reference,
  });
}

main().catch((error) => {
  process.stderr.write(`replay_tracks: ${error.message}\n`);
  process.exit(1);
});
