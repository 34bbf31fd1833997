import { test } from 'node:test';
import assert from 'node:assert/strict';
import { letterboxParams, outputLayout, postprocess } from '../../frontend/js/detector/postprocess.js';
import { cutAtSeams, mergeRegionCandidates, REGION_IOU_THRESHOLD } from '../../frontend/js/detector/region_merge.js';

/** A [1, channels, anchors] output from rows [cx, cy, w, h, score] in model pixels. */
function output(rows) {
  const anchors = rows.length;
  const data = new Float32Array(5 * anchors);
  rows.forEach((values, anchor) => values.forEach((value, channel) => { data[channel * anchors + anchor] = value; }));
  return { data, anchors };
}

const LAYOUT = outputLayout({ task: 'detect', classCount: 1 });
// Two 100x100 crops of a 150x100 frame, side by side, overlapping by 50 px (x 0-100, 50-150).
const LEFT = { x: 0, y: 0, width: 100, height: 100 };
const RIGHT = { x: 50, y: 0, width: 100, height: 100 };
const run = (rows, region) => ({ output: output(rows).data, anchors: rows.length, params: letterboxParams(100, 100, 100), region });

test('cutAtSeams marks boxes touching a crop border inside the frame, not the frame edge', () => {
  const boxes = Float32Array.from([
    0, 10, 20, 90, // left crop, at the frame's left edge: not cut
    80, 10, 100, 90, // left crop, at its right border (x 100, inside the frame): cut
    50, 10, 70, 90, // right crop, at its left border (x 50): cut
    130, 10, 150, 90, // right crop, at the frame's right edge: not cut
  ]);
  const cut = cutAtSeams(boxes, Int32Array.from([0, 0, 1, 1]), [LEFT, RIGHT], 150, 100);
  assert.deepEqual(Array.from(cut), [0, 1, 1, 0]);
});

test('postprocess: a person cut by one crop and whole in another is found once, whole', async (t) => {
  const cases = [
    {
      name: 'fragment at the left crop\'s inner border, whole in the right crop',
      left: [[95, 50, 10, 60, 0.7]], // x 90-100 (cut at 100): the person's left half
      right: [[45, 50, 30, 60, 0.8]], // x 80-110 in the frame: whole
      want: [[80, 20, 110, 80]],
    },
    {
      name: 'a cut fragment scoring higher than the whole box still goes',
      left: [[95, 50, 10, 60, 0.95]],
      right: [[45, 50, 30, 60, 0.6]],
      want: [[80, 20, 110, 80]],
    },
    {
      name: 'cut with nobody whole elsewhere: kept (the only sight of that person)',
      left: [[95, 50, 10, 60, 0.7]],
      right: [],
      want: [[90, 20, 100, 80]],
    },
    {
      name: 'two people side by side, each whole in a crop, both kept',
      left: [[20, 50, 20, 60, 0.9]],
      right: [[80, 50, 20, 60, 0.9]],
      want: [[10, 20, 30, 80], [120, 20, 140, 80]],
    },
    {
      name: 'the same whole person in both crops (overlap): NMS keeps one',
      left: [[75, 50, 20, 60, 0.8]],
      right: [[25, 50, 20, 60, 0.9]],
      want: [[65, 20, 85, 80]],
    },
  ];
  for (const { name, left, right, want } of cases) {
    await t.test(name, () => {
      const runs = [run(left, LEFT), run(right, RIGHT)].filter((item) => item.anchors > 0);
      const detections = postprocess(runs, LAYOUT, { scoreThreshold: 0.25, iouThreshold: 0.7 }, { width: 150, height: 100 });
      const boxes = [];
      for (let index = 0; index < detections.count; index++) boxes.push(Array.from(detections.boxes.subarray(4 * index, 4 * index + 4)));
      boxes.sort((a, b) => a[0] - b[0]);
      assert.deepEqual(boxes, want);
    });
  }
});

test('mergeRegionCandidates keeps a cut box covered only by another cut box', () => {
  // Both crops see only a fragment (the overlap is smaller than the person): both are cut; the
  // merge cannot know better, so NMS decides between them.
  const boxes = Float32Array.from([80, 20, 100, 80, 50, 20, 90, 80]);
  const kept = mergeRegionCandidates(boxes, Float32Array.from([0.6, 0.7]), Int32Array.from([0, 1]), [LEFT, RIGHT],
    { frameWidth: 150, frameHeight: 100, iouThreshold: 0.7 });
  assert.deepEqual(Array.from(kept).sort(), [0, 1]);
});

test('with crops, two boxes overlapping by more than REGION_IOU_THRESHOLD are one person; one run keeps the detector\'s threshold', () => {
  // Two boxes on one small person, IoU 0.6 (the model's second box on an enlarged small person).
  const rows = [[30, 50, 20, 60, 0.9], [35, 50, 20, 60, 0.5]];
  const boxesOf = (detections) => Array.from({ length: detections.count }, (_, index) => Array.from(detections.boxes.subarray(4 * index, 4 * index + 4)));
  const single = postprocess([run(rows, LEFT)], LAYOUT, { scoreThreshold: 0.25, iouThreshold: 0.7 }, { width: 150, height: 100 });
  assert.equal(single.count, 2, 'one whole-frame run: NMS at the detector\'s 0.7 keeps both');
  const cropped = postprocess([run(rows, LEFT), run([[90, 50, 10, 10, 0.9]], RIGHT)],
    LAYOUT, { scoreThreshold: 0.25, iouThreshold: 0.7 }, { width: 150, height: 100 });
  assert.deepEqual(boxesOf(cropped).sort((a, b) => a[0] - b[0]), [[20, 20, 40, 80], [135, 45, 145, 55]]);
  assert.equal(REGION_IOU_THRESHOLD, 0.5);
  // Below the threshold two people stay two, with crops too.
  const apart = postprocess([run([[30, 50, 20, 60, 0.9], [40, 50, 20, 60, 0.8]], LEFT), run([[90, 50, 10, 10, 0.9]], RIGHT)],
    LAYOUT, { scoreThreshold: 0.25, iouThreshold: 0.7 }, { width: 150, height: 100 });
  assert.equal(apart.count, 3);
});
