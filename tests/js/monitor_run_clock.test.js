import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runEpochAtZeroMs } from '../../frontend/js/monitor/run_clock.js';

const NOW = Date.parse('2026-11-29T10:00:00Z');

test('a whole video processed faster than real time never stamps a count in the future', () => {
  // A 10-minute file counted in 2 minutes: the last frame (600 s) is sent at NOW + 120 s.
  const epoch = runEpochAtZeroMs({ live: false, wholeVideo: true, position: 37, duration: 600, nowMs: NOW });
  const lastCountAt = epoch + 600 * 1000;
  assert.ok(lastCountAt <= NOW + 120 * 1000, 'the last count is not ahead of the clock that sends it');
  assert.equal(lastCountAt, NOW, 'the recording ends when processing starts');
  assert.equal(epoch + 60 * 1000, NOW - 540 * 1000, 'a count keeps its minute of the video');
});

test('live sources and files played at normal speed keep pace with the clock', () => {
  assert.equal(runEpochAtZeroMs({ live: true, wholeVideo: false, position: 12, duration: Infinity, nowMs: NOW }), NOW);
  // Play and count from 00:30: the frame at 30 s is now, the one at 31 s a second later.
  assert.equal(runEpochAtZeroMs({ live: false, wholeVideo: false, position: 30, duration: 600, nowMs: NOW }), NOW - 30 * 1000);
});

test('a whole video of unknown length starts now', () => {
  for (const duration of [NaN, Infinity, 0]) {
    assert.equal(runEpochAtZeroMs({ live: false, wholeVideo: true, duration, nowMs: NOW }), NOW, String(duration));
  }
  assert.throws(() => runEpochAtZeroMs({ live: true, wholeVideo: false }), /nowMs/);
});
