import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CountReporter } from '../../frontend/js/api/count_reporter.js';

const epochAtZeroMs = Date.UTC(2026, 0, 1, 12, 0, 0);

function frame({ lineIn = 0, lineOut = 0, occupancy = 0, entries = 0, exits = 0, events = [] } = {}) {
  return { lines: { 'zone-5': { in: lineIn, out: lineOut } }, zones: { 'draft-2': { occupancy, entries, exits, alertActive: false } }, events };
}

test('options are validated', () => {
  assert.throws(() => new CountReporter({}), /epochAtZeroMs/);
  assert.throws(() => new CountReporter({ epochAtZeroMs, sampleIntervalSeconds: 0 }), /above 0/);
});

test('one sample per key per interval, entries and exits as deltas since the last sample', () => {
  const reporter = new CountReporter({ lineKeys: ['zone-5'], zoneKeys: ['draft-2'], epochAtZeroMs, sampleIntervalSeconds: 1 });
  const table = [
    // [timestamp, frame, samples taken?]
    [0.0, frame({ occupancy: 1, entries: 1 }), true],
    [0.5, frame({ lineIn: 1, occupancy: 2, entries: 2 }), false],
    [1.0, frame({ lineIn: 2, lineOut: 1, occupancy: 1, entries: 2, exits: 1 }), true],
    [1.4, frame({ lineIn: 2, lineOut: 1, occupancy: 1, entries: 2, exits: 1 }), false],
    [2.0, frame({ lineIn: 3, lineOut: 1, occupancy: 0, entries: 2, exits: 2 }), true],
  ];
  for (const [timestamp, result, expected] of table) {
    assert.equal(reporter.observe(result, { timestamp, personCount: result.zones['draft-2'].occupancy }), expected);
  }
  const body = reporter.takeBatch('batch-1');
  assert.equal(body.batch_id, 'batch-1');
  const byKey = (key) => body.samples.filter((sample) => sample.zone_key === key);
  // Rows carry only the key: the server links "zone-5" to the user's zone 5 itself.
  assert.deepEqual(byKey('zone-5').map((s) => [s.entries, s.exits, 'zone_id' in s]), [[0, 0, false], [2, 1, false], [1, 0, false]]);
  assert.deepEqual(byKey('draft-2').map((s) => [s.occupancy, s.entries, s.exits, 'zone_id' in s]), [[1, 1, 0, false], [1, 1, 1, false], [0, 0, 1, false]]);
  assert.deepEqual(byKey('frame').map((s) => s.occupancy), [1, 1, 0]);
  assert.equal(byKey('frame')[1].ts, '2026-01-01T12:00:01.000Z');
  assert.equal(reporter.takeBatch('batch-2'), null);
  assert.equal(reporter.totalSamples, 9);
});

test('a net count that steps back is sent as a negative change, so sums equal the page', () => {
  const reporter = new CountReporter({ lineKeys: ['zone-5'], epochAtZeroMs });
  reporter.observe(frame({ lineIn: 2 }), { timestamp: 0, personCount: 0 });
  reporter.observe(frame({ lineIn: 1 }), { timestamp: 1, personCount: 0 });
  reporter.observe(frame({ lineIn: 3 }), { timestamp: 2, personCount: 0 });
  const entries = reporter.takeBatch('b').samples.filter((s) => s.zone_key === 'zone-5').map((s) => s.entries);
  assert.deepEqual(entries, [2, -1, 2]);
  assert.equal(entries.reduce((sum, value) => sum + value, 0), 3);
});

test('a cancelled crossing is sent as cancel_in / cancel_out: the events say which count it undid', () => {
  const reporter = new CountReporter({ lineKeys: ['zone-5'], epochAtZeroMs });
  const events = [
    { type: 'in', zoneId: 'zone-5', trackId: 3, timestamp: 0.2 },
    { type: 'in', cancelled: true, zoneId: 'zone-5', trackId: 3, timestamp: 0.6 },
    { type: 'out', cancelled: true, zoneId: 'zone-5', trackId: 4, timestamp: 0.7 },
  ];
  reporter.observe(frame({ events }), { timestamp: 0.7, personCount: 0 });
  assert.deepEqual(reporter.takeBatch('b').events.map((e) => [e.kind, e.track_id]), [['in', 3], ['cancel_in', 3], ['cancel_out', 4]]);
});

test('events keep crossings, zone visits and alerts; raw crossings stay local', () => {
  const reporter = new CountReporter({ lineKeys: ['zone-5'], zoneKeys: ['draft-2'], epochAtZeroMs });
  const events = [
    { type: 'cross_raw', zoneId: 'zone-5', trackId: 3, timestamp: 0.2 },
    { type: 'in', zoneId: 'zone-5', trackId: 3, timestamp: 0.3 },
    { type: 'leave', zoneId: 'draft-2', trackId: 4, timestamp: 0.3, dwellSeconds: 2.34567 },
    { type: 'alert_start', zoneId: 'draft-2', timestamp: 0.4, occupancy: 6 },
  ];
  reporter.observe(frame({ events }), { timestamp: 0.4, personCount: 6 });
  const body = reporter.takeBatch('b');
  assert.deepEqual(body.events, [
    { ts: '2026-01-01T12:00:00.300Z', zone_key: 'zone-5', kind: 'in', track_id: 3 },
    { ts: '2026-01-01T12:00:00.300Z', zone_key: 'draft-2', kind: 'leave', track_id: 4, dwell_s: 2.346 },
    { ts: '2026-01-01T12:00:00.400Z', zone_key: 'draft-2', kind: 'alert_start', value: 6 },
  ]);
});

test('finish takes a last sample unless one was just taken', () => {
  const reporter = new CountReporter({ zoneKeys: ['draft-2'], epochAtZeroMs });
  reporter.observe(frame({ occupancy: 1 }), { timestamp: 0, personCount: 1 });
  reporter.observe(frame({ occupancy: 3 }), { timestamp: 0.5, personCount: 3 });
  reporter.finish();
  reporter.finish();
  const samples = reporter.takeBatch('b').samples.filter((s) => s.zone_key === 'draft-2');
  assert.deepEqual(samples.map((s) => s.occupancy), [1, 3]);
});

test('finish with the engine flush adds its events and a sample with the final counts', () => {
  const reporter = new CountReporter({ lineKeys: ['zone-5'], epochAtZeroMs });
  reporter.observe(frame({ lineIn: 1 }), { timestamp: 0, personCount: 1 });
  reporter.finish({ lines: { 'zone-5': { in: 2, out: 0 } }, zones: {}, events: [{ type: 'in', zoneId: 'zone-5', trackId: 9 }] });
  const body = reporter.takeBatch('b');
  assert.deepEqual(body.samples.filter((s) => s.zone_key === 'zone-5').map((s) => s.entries), [1, 1]);
  assert.deepEqual(body.events.map((e) => [e.kind, e.track_id, e.ts]), [['in', 9, '2026-01-01T12:00:00.000Z']]);
  assert.deepEqual(body.samples.filter((s) => s.zone_key === 'zone-5').map((s) => s.ts), ['2026-01-01T12:00:00.000Z', '2026-01-01T12:00:00.001Z']);
  assert.deepEqual(body.samples.filter((s) => s.zone_key === 'frame').map((s) => s.occupancy), [1, 0]);
});

test('events outside the protocol bounds leave the field out instead of sending a row the server refuses', () => {
  const reporter = new CountReporter({ lineKeys: [], zoneKeys: ['draft-2'], epochAtZeroMs });
  reporter.observe(frame({ events: [
    { type: 'leave', zoneId: 'draft-2', trackId: 2 ** 31, timestamp: 0, dwellSeconds: -1 },
    { type: 'leave', zoneId: 'zone-7', trackId: 4, timestamp: 0, dwellSeconds: 1.23456 },
  ] }), { timestamp: 0, personCount: 0 });
  const [outside, inside] = reporter.takeBatch('b1').events;
  assert.deepEqual(outside, { ts: '2026-01-01T12:00:00.000Z', zone_key: 'draft-2', kind: 'leave' });
  assert.deepEqual(inside, { ts: '2026-01-01T12:00:00.000Z', zone_key: 'zone-7', kind: 'leave', track_id: 4, dwell_s: 1.235 });
});

test('a crowd between two samples is sent as the next sample\'s peak, so the server\'s peak is the page\'s', () => {
  // Whole video: the monitor said "peak 7" while the dashboard, the stats, the CSV and the
  // alert said 6, the occupancy of the once-a-second samples.
  const reporter = new CountReporter({ lineKeys: ['zone-5'], zoneKeys: ['draft-2'], epochAtZeroMs });
  const table = [[0.0, 5], [0.4, 7], [0.8, 6], [1.0, 6], [1.5, 4], [2.0, 4], [2.3, 5]];
  for (const [timestamp, occupancy] of table) reporter.observe(frame({ occupancy }), { timestamp, personCount: occupancy + 1 });
  reporter.finish({ lines: { 'zone-5': { in: 0, out: 0 } }, zones: { 'draft-2': { occupancy: 0, entries: 0, exits: 0 } }, events: [] });
  const samples = reporter.takeBatch('b').samples;
  const zone = samples.filter((s) => s.zone_key === 'draft-2').map((s) => [s.occupancy, s.peak]);
  assert.deepEqual(zone, [[5, undefined], [6, 7], [4, undefined], [0, 5]]);
  const picture = samples.filter((s) => s.zone_key === 'frame').map((s) => [s.occupancy, s.peak]);
  assert.deepEqual(picture, [[6, undefined], [7, 8], [5, undefined], [0, 6]]);
  assert.ok(samples.filter((s) => s.zone_key === 'zone-5').every((s) => !('peak' in s)), 'lines have no occupancy');
});
