// What the Node replays (tools/replay_tracks.mjs, tools/far_view_replay.mjs) read: the video's
// frames as ffmpeg decodes them and the MOT ground truth.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** Every frame of the video as RGBA bytes (ffmpeg, as tools/harness.decode_frames). */
export async function decodeFrames(video, width, height) {
  const child = spawn('ffmpeg', ['-v', 'error', '-i', video, '-map', '0:v:0', '-vsync', 'passthrough',
    '-f', 'rawvideo', '-pix_fmt', 'rgba', '-'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const chunks = [];
  for await (const chunk of child.stdout) chunks.push(chunk);
  const all = Buffer.concat(chunks);
  const size = width * height * 4;
  const frames = [];
  for (let offset = 0; offset + size <= all.length; offset += size) {
    frames.push({ data: new Uint8ClampedArray(all.buffer, all.byteOffset + offset, size), width, height });
  }
  return frames;
}

/** frame -> [{ id, box }] from a MOT file (conf 0 rows dropped), as tools/eval_data.load_mot. */
export function loadMot(file) {
  const frames = new Map();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const [frame, id, left, top, width, height, conf] = line.split(',').map(Number);
    if (conf === 0) continue;
    if (!frames.has(frame)) frames.set(frame, []);
    frames.get(frame).push({ id, box: [left, top, left + width, top + height] });
  }
  return frames;
}

/**
 * A recording of tools/evaluate.py (`--detections`, its `video` unless `--video`) and the app's
 * modules to replay it with (`--modules`, a frontend/js folder) as an import URL prefix.
 */
export function openRecording({ detections, video, modules }) {
  const recorded = JSON.parse(readFileSync(detections, 'utf8'));
  return { recorded, video: video || recorded.video, modules: pathToFileURL(path.resolve(modules) + '/').href };
}

/**
 * Tracked people as the counting engine takes them, from rows { id, box, keypoints? }: scores 1,
 * keypoints only when every row has them (17 a person, as the pose model's).
 */
export function trackedFromRows(rows) {
  const boxes = new Float32Array(4 * rows.length);
  const trackIds = new Int32Array(rows.length);
  const withKeypoints = rows.length > 0 && rows.every((row) => row.keypoints);
  const keypoints = withKeypoints ? new Float32Array(17 * 3 * rows.length) : null;
  rows.forEach((row, i) => {
    boxes.set(row.box, 4 * i);
    trackIds[i] = row.id;
    if (withKeypoints) keypoints.set(row.keypoints, 17 * 3 * i);
  });
  return { count: rows.length, boxes, scores: new Float32Array(rows.length).fill(1),
    classIds: new Int32Array(rows.length), keypoints, keypointCount: withKeypoints ? 17 : 0, trackIds };
}
