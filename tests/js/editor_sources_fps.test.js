import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fpsFromMediaTimes, cameraKeyFromLabel } from '../../frontend/js/video/sources.js';

test('frame rate from media times: the median step, robust to a dropped frame', () => {
  const table = [
    [[0, 0.04, 0.08, 0.12, 0.16], 25],
    [[0, 0.04, 0.08, 0.16, 0.2, 0.24], 25],
    [[0, 1 / 30, 2 / 30, 3 / 30, 4 / 30], 30],
    [[0, 0.04], null],
    [[0, 0, 0, 0], null],
  ];
  for (const [times, expected] of table) assert.equal(fpsFromMediaTimes(times), expected);
});

test('camera keys are slugs of the name', () => {
  assert.equal(cameraKeyFromLabel('Front Door (Logitech C920)'), 'front-door-logitech-c920');
  assert.equal(cameraKeyFromLabel('  '), 'camera');
  assert.equal(cameraKeyFromLabel('Café Entrée'), 'cafe-entree');
});
