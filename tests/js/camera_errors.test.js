import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeCameraError } from '../../frontend/js/video/sources.js';

// A laptop without a camera was told only "No camera was found." and left there: the
// message now says what else the monitor can count.
test('a camera that cannot be opened is explained with what to do next', () => {
  const missing = describeCameraError({ name: 'NotFoundError' });
  assert.match(missing, /^No camera was found/);
  assert.match(missing, /video file or an IP camera/);
  assert.match(describeCameraError({ name: 'NotReadableError' }), /close it there and try again/);
  assert.match(describeCameraError({ name: 'Weird', message: 'x' }), /could not be opened \(x\)/);
});
