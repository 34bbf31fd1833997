#!/usr/bin/env node
// Replays the automatic-regions run of a far view (tools/far_view.py) in Node: the detections
// tools/evaluate.py recorded (`<video>.detections.json`: each frame's detections, after the
// pipeline dropped the fragments, and the regions looked at) through a FramePipeline that plans
// every frame as the lab page's does, so a tracker change under crops in turn is tried in
// seconds instead of a browser run. With the code that made the recording it plans the recorded
// crops and prints the browser's figures; after a change the crops run out of turn (they follow
// the tracker's waiting people) may differ: such frames are counted (`differing`) and keep the
// recorded detections. Appearance signatures are made from the frames ffmpeg decodes.
//
//   node tools/far_view_replay.mjs --detections D.json --gt gt.txt [--modules DIR]
//        [--tracker-options JSON] [--region-plan-options JSON] [--input-size 416] [--out OUT.json]
// tools/far_view_replay.py runs it and scores the output as tools/evaluate.py does.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { decodeFrames, loadMot, openRecording } from './replay_io.mjs';

const DEFAULTS = { modules: path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'frontend', 'js'),
  'tracker-options': '{}', 'region-plan-options': '{}', 'input-size': '416' };

function options() {
  const names = ['detections', 'gt', 'video', 'modules', 'tracker-options', 'region-plan-options', 'input-size', 'out'];
  const { values } = parseArgs({ options: Object.fromEntries(names.map((name) => [name, { type: 'string' }])) });
  if (!values.detections || !values.gt) throw new Error('--detections and --gt are required');
  return { ...DEFAULTS, ...values };
}

function rowsOf(tracked, feet) {
  return Array.from({ length: tracked.count }, (_, i) => ({
    id: tracked.trackIds[i], box: Array.from(tracked.boxes.subarray(i * 4, i * 4 + 4)),
    foot: [feet[2 * i], feet[2 * i + 1]], predicted: tracked.predicted ? tracked.predicted[i] : 0 }));
}

/** Detections (frame pixels) from a recorded frame's plain arrays. */
function recordedDetections(frame) {
  return {
    count: frame.count, boxes: Float32Array.from(frame.boxes), scores: Float32Array.from(frame.scores),
    classIds: new Int32Array(frame.count), keypoints: frame.keypoints ? Float32Array.from(frame.keypoints) : null,
    keypointCount: frame.keypointCount || 0,
  };
}

async function main() {
  const args = options();
  const { recorded, video, modules } = openRecording(args);
  const { width, height, fps } = recorded;
  const { FramePipeline } = await import(`${modules}pipeline/frame_pipeline.js`);
  const { appearanceEmbeddings } = await import(`${modules}tracker/appearance.js`);
  const { detectionsFromRows } = await import(`${modules}core/detections.js`);
  const reference = JSON.parse(readFileSync(path.join(path.dirname(video), 'reference_counts.json'), 'utf8'));
  const counting = { lines: reference.lines || [], zones: reference.zones || [] };
  const pixels = await decodeFrames(video, width, height);
  // The FramePipeline the lab page drives, planning each frame as there: with the tracker that made
  // the recording it chooses the recorded crops; after a tracker change the crops that run out of
  // turn may differ (counted in `differing`: the recorded detections are still used).
  const pipeline = new FramePipeline({ tracker: JSON.parse(args['tracker-options']),
    regionPlan: JSON.parse(args['region-plan-options']), counting });
  const frames = [];
  const events = [];
  let differing = 0;
  for (const frame of recorded.frames) {
    const detections = recordedDetections(frame);
    detections.embeddings = appearanceEmbeddings(pixels[frame.frameIndex - 1], detections);
    const at = { frameIndex: frame.frameIndex, timestamp: (frame.frameIndex - 1) / fps, width, height };
    const plan = pipeline.planDetection({ ...at, inputSize: Number(args['input-size']) });
    // A survey run on the same frame after a whole-frame run (FramePipeline.lookCloser): the whole
    // frame's detections are recorded beside the frame's (the survey's).
    if (!plan.regions && frame.surveyAfter) pipeline.lookCloser(recordedDetections(frame.surveyAfter), { ...at, inputSize: Number(args['input-size']) });
    if (JSON.stringify(pipeline.looking.observed) !== JSON.stringify(frame.observed || null)) differing += 1;
    const output = pipeline.process(detections, at);
    const { tracked } = output;
    // The tracks not reported (lost, or new and unconfirmed), for tools/far_view_replay.py's account of who is missing.
    const reported = new Set(tracked.trackIds || []);
    const unreported = pipeline.tracker.activeTracks.filter((track) => track.mean && !reported.has(track.trackId))
      .map((track) => ({ id: track.trackId, box: track.box, state: track.isActivated ? track.state : 'unconfirmed' }));
    const states = new Map(pipeline.tracker.activeTracks.map((track) => [track.trackId, track.state]));
    const tracks = rowsOf(tracked, output.feet).map((row) => ({ ...row, state: states.get(row.id) }));
    frames.push({ frameIndex: frame.frameIndex, tracks, unreported, observed: output.observed,
      zones: Object.fromEntries(Object.entries(output.result.zones).map(([id, zone]) => [id, zone.occupancy])) });
    events.push(...output.result.events);
  }
  const flushed = pipeline.flush();
  events.push(...flushed.events);
  // The ground truth through the same counting, every frame.
  const gt = loadMot(args.gt);
  const truth = new FramePipeline({ counting });
  const referenceEvents = [];
  const referenceZones = [];
  for (let source = 1; source <= recorded.frames.length; source += 1) {
    const { result } = truth.countTracked(detectionsFromRows(gt.get(source) || []), { frameIndex: source, timestamp: (source - 1) / fps });
    referenceEvents.push(...result.events);
    referenceZones.push(Object.fromEntries(Object.entries(result.zones).map(([id, zone]) => [id, zone.occupancy])));
  }
  referenceEvents.push(...truth.flush().events);
  const text = JSON.stringify({ video, fps, width, height, differing, lines: counting.lines, zones: counting.zones, frames, events,
    final: flushed.lines, reference: { events: referenceEvents, zones: referenceZones } });
  if (args.out) writeFileSync(args.out, text);
  else process.stdout.write(`${text}\n`);
}

main().catch((error) => {
  process.stderr.write(`far_view_replay: ${error.stack || error.message}\n`);
  process.exit(1);
});
