import { test } from 'node:test';
import assert from 'node:assert/strict';
import { endMessage, summaryMeta } from '../../frontend/js/monitor/summary_view.js';

test('the summary says how long the run was paused, and that it is not in the time taken', () => {
  assert.equal(summaryMeta({ wholeVideo: true, completed: true, runId: 4, pausedSeconds: 65 }),
    'Whole video · finished · session #4 · paused 1 min 05 s (not in the time taken)');
  assert.equal(summaryMeta({ wholeVideo: false, completed: false, runId: null, pausedSeconds: 0 }), 'Live · stopped');
});

test('the status line at the end says finished or stopped, the time taken, and what is still unsent', () => {
  assert.equal(endMessage({ completed: true, frames: 250, seconds: 65, wholeVideo: true, queued: 0 }),
    'Finished: every one of the 250 frames counted in 1 min 05 s. Every count is saved.');
  assert.equal(endMessage({ completed: false, frames: 40, seconds: 3, wholeVideo: false, queued: 2 }),
    'Stopped after 40 frames. 2 batches still waiting for the server; they are kept in this browser.');
});
