import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LiveSeries } from '../../frontend/js/dashboard/live_series.js';

const counts = (lineIn, lineOut, occupancy) => ({ lines: { 'line-1': { in: lineIn, out: lineOut } }, zones: { 'zone-2': { occupancy, entries: 0, exits: 0 } } });
const sum = (series, field) => series.intervals.reduce((total, bucket) => total + bucket[field], 0);

test('frames within half a second of the last sample wait for the next one', () => {
  const series = new LiveSeries({ intervalSeconds: 10 });
  assert.equal(series.observe(counts(0, 0, 2), 0), true);
  assert.equal(series.observe(counts(1, 0, 3), 0.2), false);
  assert.equal(series.observe(counts(1, 1, 1), 0.6), true);
  assert.equal(sum(series, 'entries'), 1);
  assert.equal(sum(series, 'exits'), 1);
});

test("the run's final counts always enter the charts, however soon after the last sample", () => {
  // Whole video: the last crossing (or the flush's) comes 0.2 s after the last sample; the
  // monitor's totals said 4 in while the in/out chart said 3 and occupancy never fell to 0.
  const series = new LiveSeries({ intervalSeconds: 10 });
  series.observe(counts(3, 4, 6), 6.0);
  series.observe(counts(4, 4, 6), 6.2);
  assert.equal(series.observe(counts(4, 4, 0), 6.2, { final: true }), true);
  assert.equal(sum(series, 'entries'), 4);
  assert.equal(sum(series, 'exits'), 4);
  assert.deepEqual(series.occupancy.get('zone-2').at(-1), { t: 6.2, value: 0 });
});
