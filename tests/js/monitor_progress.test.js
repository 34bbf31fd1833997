import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProgressEstimate, clockText, progressText, speedText } from '../../frontend/js/monitor/progress_estimate.js';

test('no speed or time left before there is something to measure', () => {
  const estimate = new ProgressEstimate();
  estimate.observe({ fraction: 0, frames: 0, now: 100 });
  estimate.observe({ fraction: 0.01, frames: 1, now: 100.5 });
  const reading = estimate.reading;
  assert.equal(reading.framesPerSecond, null);
  assert.equal(reading.remainingSeconds, null);
  assert.equal(progressText(reading), '1 % · 0:01 elapsed · estimating the time left…');
  assert.doesNotMatch(progressText(reading), /0\.0 frames\/s/);
  assert.equal(speedText(0), 'measuring speed…');
});

test('elapsed, remaining and speed from the fraction done', () => {
  const estimate = new ProgressEstimate();
  estimate.observe({ fraction: 0, frames: 0, now: 0 });
  estimate.observe({ fraction: 0.25, frames: 50, now: 10 });
  const reading = estimate.reading;
  assert.equal(reading.framesPerSecond, 5);
  assert.equal(reading.remainingSeconds, 30);
  assert.equal(progressText(reading), '25 % · 0:10 elapsed · about 0:30 left · 5.0 frames/s');
});

test('an hour of video at 2 frames/s says so plainly', () => {
  const estimate = new ProgressEstimate();
  estimate.observe({ fraction: 0, frames: 0, now: 0 });
  estimate.observe({ fraction: 20 / 90000, frames: 20, now: 10 });
  assert.match(progressText(estimate.reading), /about 12:29:50 left/);
  assert.equal(clockText(3723), '1:02:03');
});
