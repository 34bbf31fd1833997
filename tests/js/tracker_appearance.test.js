import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EMBEDDING_SIZE, appearanceEmbeddings, appearanceSimilarity, blendEmbedding } from '../../frontend/js/tracker/appearance.js';
import { ByteTracker } from '../../frontend/js/tracker/byte_tracker.js';
import { detectionsFromRows } from '../../frontend/js/core/detections.js';

/** A 200x200 RGBA image filled with `background`, with coloured rectangles painted on it. */
function paint(rectangles, background = [128, 128, 128]) {
  const width = 200;
  const height = 200;
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i += 1) data.set([...background, 255], i * 4);
  for (const { box: [x1, y1, x2, y2], color } of rectangles) {
    for (let y = y1; y < y2; y += 1) for (let x = x1; x < x2; x += 1) data.set([...color, 255], (y * width + x) * 4);
  }
  return { data, width, height };
}

const RED = [220, 30, 30];
const BLUE = [30, 30, 220];

test('signatures have one fixed size per detection and unit length', () => {
  const image = paint([{ box: [10, 10, 50, 110], color: RED }]);
  const embeddings = appearanceEmbeddings(image, detectionsFromRows([{ box: [10, 10, 50, 110] }, { box: [60, 10, 100, 110] }]));
  assert.equal(embeddings.length, 2 * EMBEDDING_SIZE);
  const first = embeddings.subarray(0, EMBEDDING_SIZE);
  assert.ok(Math.abs(first.reduce((sum, v) => sum + v * v, 0) - 1) < 1e-5);
});

const similarityCases = [
  { name: 'the same colours in two places are alike', a: RED, b: RED, atLeast: 0.99 },
  { name: 'different colours are not', a: RED, b: BLUE, atMost: 0.75 },
];
for (const { name, a, b, atLeast, atMost } of similarityCases) {
  test(name, () => {
    const image = paint([{ box: [10, 10, 50, 110], color: a }, { box: [110, 40, 150, 140], color: b }]);
    const embeddings = appearanceEmbeddings(image, detectionsFromRows([{ box: [10, 10, 50, 110] }, { box: [110, 40, 150, 140] }]));
    const similarity = appearanceSimilarity(embeddings.subarray(0, EMBEDDING_SIZE), embeddings.subarray(EMBEDDING_SIZE));
    if (atLeast !== undefined) assert.ok(similarity >= atLeast, `${similarity}`);
    if (atMost !== undefined) assert.ok(similarity <= atMost, `${similarity}`);
  });
}

test('a box outside the image gives an empty signature, which compares as unknown', () => {
  const image = paint([]);
  const embeddings = appearanceEmbeddings(image, detectionsFromRows([{ box: [300, 300, 340, 400] }]));
  assert.ok(embeddings.every((v) => v === 0));
  assert.equal(appearanceSimilarity(embeddings, embeddings), null);
});

test('blending keeps unit length and moves towards the new signature', () => {
  const a = Float32Array.from([1, 0]);
  const b = Float32Array.from([0, 1]);
  const blended = blendEmbedding(a, b, 0.5);
  assert.ok(Math.abs(Math.hypot(...blended) - 1) < 1e-6);
  assert.ok(Math.abs(blended[0] - blended[1]) < 1e-6);
});

/** Detections with colour signatures: each row { box, color }. */
function colouredDetections(rows) {
  const image = paint(rows.map(({ box, color }) => ({ box: box.map(Math.round), color })), [0, 0, 0]);
  const detections = detectionsFromRows(rows.map(({ box }) => ({ box, score: 0.9 })));
  detections.embeddings = appearanceEmbeddings(image, detections);
  return detections;
}

test('a briefly lost person whose box jumped is found again by position and colour', () => {
  const tracker = new ByteTracker();
  const ids = [];
  for (let frame = 1; frame <= 14; frame += 1) {
    let rows = [{ box: [20 + frame, 40, 50 + frame, 120], color: RED }];
    if (frame >= 8 && frame <= 9) rows = [];
    // After the gap the box reappears shifted and smaller (partly occluded): IoU with the
    // prediction is tiny, but the position and the colours agree.
    if (frame >= 10) rows = [{ box: [52 + frame, 50, 80 + frame, 120], color: RED }];
    ids.push(Array.from(tracker.update(colouredDetections(rows), { frameIndex: frame, timestamp: frame / 25 }).trackIds));
  }
  assert.deepEqual(ids[6], [1]);
  assert.deepEqual(ids[9], [1], 'recovered on its first frame back');
  assert.deepEqual(ids[13], [1]);
});

test('a different-looking person at that place gets a new id', () => {
  const tracker = new ByteTracker();
  const ids = [];
  for (let frame = 1; frame <= 14; frame += 1) {
    let rows = [{ box: [20 + frame, 40, 50 + frame, 120], color: RED }];
    if (frame >= 8 && frame <= 9) rows = [];
    if (frame >= 10) rows = [{ box: [52 + frame, 50, 80 + frame, 120], color: BLUE }];
    ids.push(Array.from(tracker.update(colouredDetections(rows), { frameIndex: frame, timestamp: frame / 25 }).trackIds));
  }
  assert.deepEqual(ids[13], [2]);
});

test('coasting reports a person hidden behind another with the predicted box, flagged', () => {
  const tracker = new ByteTracker({ coastFrames: 3 });
  const seen = [];
  for (let frame = 1; frame <= 12; frame += 1) {
    // Person 1 walks right; person 2 stands in front of where person 1 disappears.
    const rows = [{ box: [120, 30, 160, 130], score: 0.9 }];
    if (frame <= 6) rows.push({ box: [100 + 2 * frame, 40, 130 + 2 * frame, 120], score: 0.9 });
    const out = tracker.update(detectionsFromRows(rows), { frameIndex: frame, timestamp: frame / 25, width: 640, height: 480 });
    const k = Array.from(out.trackIds).indexOf(2);
    seen.push(k < 0 ? null : { predicted: out.predicted[k], x1: out.boxes[k * 4] });
  }
  assert.deepEqual(seen[5], { predicted: 0, x1: 112 });
  for (const index of [6, 7, 8]) assert.equal(seen[index]?.predicted, 1, `frame ${index + 1}`);
  assert.ok(seen[8].x1 > seen[6].x1, 'the predicted box keeps moving');
  assert.equal(seen[9], null, 'no longer reported after coastFrames');
});

test('a track lost in the open (nobody in front) does not coast', () => {
  const tracker = new ByteTracker({ coastFrames: 3 });
  const counts = [];
  for (let frame = 1; frame <= 9; frame += 1) {
    const rows = frame <= 6 ? [{ box: [100 + 2 * frame, 40, 130 + 2 * frame, 120], score: 0.9 }] : [];
    counts.push(tracker.update(detectionsFromRows(rows), { frameIndex: frame, timestamp: frame / 25 }).count);
  }
  assert.deepEqual(counts, [1, 1, 1, 1, 1, 1, 0, 0, 0]);
});

test('a track lost at the frame edge is not recovered by position (it left the view)', () => {
  const tracker = new ByteTracker();
  const ids = [];
  for (let frame = 1; frame <= 12; frame += 1) {
    // Walking out on the right edge of a 200 px wide frame, then someone alike appears nearby.
    let rows = [{ box: [160, 40, 200, 120], color: RED }];
    if (frame >= 7 && frame <= 8) rows = [];
    if (frame >= 9) rows = [{ box: [125, 45, 158, 120], color: RED }];
    const out = tracker.update(colouredDetections(rows), { frameIndex: frame, timestamp: frame / 25, width: 200, height: 200 });
    ids.push(Array.from(out.trackIds));
  }
  assert.deepEqual(ids[5], [1]);
  assert.deepEqual(ids[11], [2]);
});
