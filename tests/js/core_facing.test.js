// Which way a person faces across the picture, from pose keypoints (core/facing.js): the rule
// the tracker (two people crossing paths face opposite ways) and the line counter's entry rule
// (an inferred walk goes the way the person faces) share.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectionsFromRows } from '../../frontend/js/core/detections.js';
import { FACING_MIN_SHIFT, facingOf } from '../../frontend/js/core/facing.js';

/** A 200 px tall box at x 100-180 with the given keypoints { index: [x, y, confidence] }. */
function personWith(points) {
  const keypoints = new Array(17 * 3).fill(0);
  for (const [index, [x, y, confidence]] of Object.entries(points)) keypoints.splice(Number(index) * 3, 3, x, y, confidence);
  return detectionsFromRows([{ box: [100, 100, 180, 300], keypoints }], { keypointCount: 17 });
}

const NOSE = 0, LEFT_EAR = 3, RIGHT_EAR = 4, LEFT_SHOULDER = 5, RIGHT_SHOULDER = 6;
const cases = [
  { name: 'nose 20 px right of the ears (0.1 of the height): facing right', points: { [NOSE]: [160, 120, 0.9], [LEFT_EAR]: [140, 118, 0.9], [RIGHT_EAR]: [140, 118, 0.8] }, facing: 1 },
  { name: 'nose left of the one ear seen: facing left', points: { [NOSE]: [120, 120, 0.9], [RIGHT_EAR]: [140, 118, 0.9] }, facing: -1 },
  { name: 'no ear seen: the shoulders are the reference', points: { [NOSE]: [165, 120, 0.9], [LEFT_SHOULDER]: [145, 150, 0.9], [RIGHT_SHOULDER]: [135, 150, 0.9] }, facing: 1 },
  { name: 'nose between the ears (facing the camera): not known', points: { [NOSE]: [141, 120, 0.9], [LEFT_EAR]: [130, 118, 0.9], [RIGHT_EAR]: [150, 118, 0.9] }, facing: 0 },
  { name: 'nose ahead by less than minShift of the height (9 px of 200): not known', points: { [NOSE]: [149, 120, 0.9], [LEFT_EAR]: [140, 118, 0.9] }, facing: 0 },
  { name: 'nose not confidently seen: not known', points: { [NOSE]: [170, 120, 0.3], [LEFT_EAR]: [140, 118, 0.9] }, facing: 0 },
  { name: 'neither ears nor shoulders seen: not known', points: { [NOSE]: [170, 120, 0.9] }, facing: 0 },
];
for (const { name, points, facing } of cases) {
  test(`facing — ${name}`, () => assert.equal(facingOf(personWith(points), 0, FACING_MIN_SHIFT), facing));
}

test('facing — detections without keypoints, or minShift 0, never know it', () => {
  assert.equal(facingOf(detectionsFromRows([{ box: [100, 100, 180, 300] }]), 0, FACING_MIN_SHIFT), 0);
  const facingRight = personWith({ [NOSE]: [160, 120, 0.9], [LEFT_EAR]: [140, 118, 0.9] });
  assert.equal(facingOf(facingRight, 0, 0), 0);
});
