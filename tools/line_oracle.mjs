#!/usr/bin/env node
// Counting with perfect identities: how well can the reference lines be counted at all from
// boxes shaped like the detector's? Each ground-truth person of each frame takes the detector's
// box that overlaps them best (IoU >= --iou, one box per person, greedy by IoU) and keeps the
// ground truth's id, so no tracker is involved: what is left is where the detector puts a
// person's feet against where the annotators did. Also the ground truth itself with its foot
// points moved by seeded Gaussian noise (--noise sigma in px, repeatable). Every frame goes
// through the app's CountingEngine with the reference lines, as the reference does; prints one
// JSON document of events per variant and the reference's; tools/line_oracle.py scores it.
//
//   node tools/line_oracle.mjs --detections D.json --gt gt.txt [--iou 0.5] [--min-score 0.25]
//        [--noise 1 --noise 2 ...] [--seeds 5] [--modules DIR (a frontend/js folder)]
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadMot, trackedFromRows } from './replay_io.mjs';
import { seededRandom } from './seeded_random.mjs';
import { pathToFileURL } from 'node:url';

const { values: args } = parseArgs({
  options: {
    detections: { type: 'string' },
    gt: { type: 'string' },
    iou: { type: 'string', default: '0.5' },
    'min-score': { type: 'string', default: '0.25' },
    noise: { type: 'string', multiple: true, default: [] },
    seeds: { type: 'string', default: '5' },
    modules: { type: 'string', default: path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'frontend', 'js') },
  },
});
const { CountingEngine } = await import(`${pathToFileURL(path.resolve(args.modules)).href}/counting/counting_engine.js`);
if (!args.detections || !args.gt) throw new Error('--detections and --gt are required');

function iou(a, b) {
  const w = Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0]));
  const h = Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
  const inter = w * h;
  const union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter;
  return union > 0 ? inter / union : 0;
}

/** Every frame's rows through one engine: its events (flush included). */
function count(framesOfRows, lines, fps, frameCount) {
  const engine = new CountingEngine({ lines, zones: [] });
  const events = [];
  for (let frame = 1; frame <= frameCount; frame += 1) {
    events.push(...engine.update(trackedFromRows(framesOfRows.get(frame) || []), { frameIndex: frame, timestamp: (frame - 1) / fps }).events);
  }
  events.push(...engine.flush().events);
  return events;
}

/** The detector's boxes of a frame, each given to the ground-truth person it overlaps best. */
function detectorWithTruthIds(gtRows, recorded, minIou, minScore) {
  const boxes = [], keypointsOf = [];
  const perPerson = (recorded.keypointCount || 0) * 3;
  for (let i = 0; i < recorded.count; i += 1) {
    if (recorded.scores[i] < minScore) continue;
    boxes.push(recorded.boxes.slice(4 * i, 4 * i + 4));
    keypointsOf.push(perPerson && recorded.keypoints ? recorded.keypoints.slice(i * perPerson, (i + 1) * perPerson) : null);
  }
  const pairs = [];
  gtRows.forEach((row, g) => boxes.forEach((box, d) => {
    const overlap = iou(row.box, box);
    if (overlap >= minIou) pairs.push({ g, d, overlap });
  }));
  pairs.sort((a, b) => b.overlap - a.overlap);
  const usedG = new Set(), usedD = new Set(), rows = [];
  for (const { g, d } of pairs) {
    if (usedG.has(g) || usedD.has(d)) continue;
    usedG.add(g); usedD.add(d);
    rows.push({ id: gtRows[g].id, box: boxes[d], keypoints: keypointsOf[d] });
  }
  return { rows, missed: gtRows.length - rows.length };
}

function gaussian(next) {
  const u = Math.max(next(), 1e-12), v = next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

const recorded = JSON.parse(readFileSync(args.detections, 'utf8'));
const { width, height, fps } = recorded;
const frameCount = recorded.frames.length;
const reference = JSON.parse(readFileSync(path.join(path.dirname(args.gt), 'reference_counts.json'), 'utf8'));
const lines = reference.lines ? reference.lines.map(({ id, a, b }) => ({ id, a, b })) : [];
if (reference.horizontal_line) lines.push({ id: 'horizontal_line', a: [0, reference.horizontal_line.y], b: [width, reference.horizontal_line.y] });
if (reference.vertical_line) lines.push({ id: 'vertical_line', a: [reference.vertical_line.x, 0], b: [reference.vertical_line.x, height] });
const gt = loadMot(args.gt);
const byIndex = new Map(recorded.frames.map((frame) => [frame.frameIndex, frame]));

const variants = [];
const truthEvents = count(gt, lines, fps, frameCount);
variants.push({ name: 'ground truth (the reference itself)', events: truthEvents });

const withIds = new Map();
let missed = 0, footDy = [];
for (let frame = 1; frame <= frameCount; frame += 1) {
  const result = detectorWithTruthIds(gt.get(frame) || [], byIndex.get(frame), Number(args.iou), Number(args['min-score']));
  withIds.set(frame, result.rows);
  missed += result.missed;
  for (const row of result.rows) {
    const truth = (gt.get(frame) || []).find((r) => r.id === row.id);
    footDy.push(row.box[3] - truth.box[3]);
  }
}
footDy.sort((a, b) => a - b);
const q = (p) => footDy[Math.min(footDy.length - 1, Math.floor(p * footDy.length))];
variants.push({ name: `detector boxes, ground-truth ids (IoU >= ${args.iou}, score >= ${args['min-score']})`, events: count(withIds, lines, fps, frameCount),
  note: { gtBoxesWithoutDetection: missed, footDyPx: { p10: q(0.1), median: q(0.5), p90: q(0.9), meanAbs: footDy.reduce((s, v) => s + Math.abs(v), 0) / footDy.length } } });

for (const sigma of args.noise.map(Number)) {
  for (let seed = 1; seed <= Number(args.seeds); seed += 1) {
    const next = seededRandom(seed);
    const noisy = new Map();
    for (const [frame, rows] of gt) {
      noisy.set(frame, rows.map((row) => {
        const dx = sigma * gaussian(next), dy = sigma * gaussian(next);
        return { id: row.id, box: [row.box[0] + dx, row.box[1], row.box[2] + dx, row.box[3] + dy] };
      }));
    }
    variants.push({ name: `ground truth, foot point noise sigma ${sigma} px`, sigma, seed, events: count(noisy, lines, fps, frameCount) });
  }
}
process.stdout.write(`${JSON.stringify({ fps, lines, reference: truthEvents, variants })}\n`);
