import { test } from 'node:test';
import assert from 'node:assert/strict';
import { missingVideoText } from '../../frontend/js/monitor/source_picker.js';

test('a video asked for that is not in the library is named, not taken for no choice at all', () => {
  // /monitor?video=99999 (a deleted video's bookmark) said "Pick one of your videos first".
  assert.equal(missingVideoText('99999'), 'Video #99999 is not in your library (deleted, or not yours): pick one of your videos.');
  assert.equal(missingVideoText(''), 'Pick one of your videos first (upload one under My videos).');
  assert.equal(missingVideoText(null), 'Pick one of your videos first (upload one under My videos).');
});
