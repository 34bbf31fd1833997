import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FIGURES, bucketSeries, liveFigures, liveStateLabel, serverFigures } from '../../frontend/js/dashboard/figures.js';
import { bucketLabel } from '../../frontend/js/dashboard/run_view.js';

test('the live panel and the dashboard name the same four figures, lines and zones apart', () => {
  const result = { lines: { a: { in: 2, out: 1 }, b: { in: 1, out: 0 } }, zones: { z: { occupancy: 1, entries: 5, exits: 4 } } };
  assert.deepEqual(liveFigures(result), { line_in: 3, line_out: 1, zone_entered: 5, zone_left: 4 });
  const stats = { totals: { line_in: 3, line_out: 1, zone_entered: 5, zone_left: 4, entries: 99 } };
  assert.deepEqual(serverFigures(stats), liveFigures(result));
  assert.deepEqual(FIGURES.map((figure) => figure.label), ['Line in', 'Line out', 'Zone entered', 'Zone left']);
});

test('bucket series keep each figure apart; occupancy only for zones and the picture', () => {
  const buckets = [
    { start: 't1', zone_key: 'line-1', figure: 'line', line_in: 2, line_out: 0, zone_entered: null, zone_left: null, max_occupancy: null },
    { start: 't1', zone_key: 'zone-2', figure: 'zone', line_in: null, line_out: null, zone_entered: 6, zone_left: 1, max_occupancy: 5 },
    { start: 't2', zone_key: 'frame', figure: 'frame', line_in: null, line_out: null, zone_entered: null, zone_left: null, max_occupancy: 3 },
  ];
  const { starts, series, present, occupancy } = bucketSeries(buckets);
  assert.deepEqual(starts, ['t1', 't2']);
  assert.deepEqual(series.line_in, [2, 0]);
  assert.deepEqual(series.zone_entered, [6, 0]);
  assert.deepEqual(present.map((figure) => figure.key), ['line_in', 'line_out', 'zone_entered', 'zone_left']);
  assert.deepEqual([...occupancy.keys()], ['zone-2', 'frame']);
});

test('an ended session is never shown as live', () => {
  assert.deepEqual(liveStateLabel('live', { ended_at: '2026-03-01T10:00:00Z' }), { text: 'Ended', live: false });
  assert.deepEqual(liveStateLabel('live', { ended_at: null }), { text: 'Live', live: true });
  assert.equal(liveStateLabel('reconnecting', { ended_at: null }).live, false);
});

test('interval labels are in the statistics\' time zone, not the browser\'s', () => {
  const start = '2026-03-01T15:30:00Z'; // 2 March 00:30 in Tokyo, 1 March in UTC and Europe
  const day = (timeZone) => new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone }).format(new Date(start));
  const clock = (timeZone) => new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit', timeZone }).format(new Date(start));
  assert.notEqual(day('Asia/Tokyo'), day('UTC'));
  for (const timeZone of ['Asia/Tokyo', 'UTC', 'America/New_York']) {
    assert.equal(bucketLabel(start, '1d', timeZone), day(timeZone), timeZone);
    assert.equal(bucketLabel(start, '1h', timeZone), clock(timeZone), timeZone);
  }
});
