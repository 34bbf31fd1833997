import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CountingEngine } from '../../frontend/js/counting/counting_engine.js';
import { ZoneMonitor } from '../../frontend/js/counting/zone_monitor.js';
import { gap, hold, runPaths, walk } from './counting_helpers.js';

// A concave "U": the notch (x 40..60, y 0..60) is outside.
const U_SHAPE = [[0, 0], [40, 0], [40, 60], [60, 60], [60, 0], [100, 0], [100, 100], [0, 100]];

const containment = [
  { point: [20, 20], inside: true, why: 'left arm' },
  { point: [80, 20], inside: true, why: 'right arm' },
  { point: [50, 30], inside: false, why: 'the notch' },
  { point: [50, 80], inside: true, why: 'the base' },
  { point: [120, 50], inside: false, why: 'right of the polygon' },
  { point: [50, -5], inside: false, why: 'above the notch' },
];
for (const { point, inside, why } of containment) {
  test(`concave polygon: ${why} is ${inside ? 'inside' : 'outside'}`, () => {
    const zone = new ZoneMonitor({ id: 'u', polygon: U_SHAPE });
    assert.equal(zone.contains(...point), inside);
  });
}

test('occupancy, entries, exits and dwell through a concave zone', () => {
  const engine = new CountingEngine({ zones: [{ id: 'u', polygon: U_SHAPE }] });
  // Person 1 walks from the left arm through the notch (outside) into the right arm, then leaves.
  const person1 = [...hold([20, 20], 10), ...hold([50, 30], 5), ...hold([80, 20], 10), ...hold([150, 20], 5)];
  // Person 2 stands in the base the whole time.
  const person2 = hold([50, 80], 30);
  const { results, events } = runPaths(engine, { 1: person1, 2: person2 }, { flush: false });
  assert.deepEqual(results.map((r) => r.zones.u.occupancy),
    [...Array(10).fill(2), ...Array(5).fill(1), ...Array(10).fill(2), ...Array(5).fill(1)]);
  const kinds = events.filter((e) => e.trackId === 1).map((e) => `${e.type}@${e.frameIndex}`);
  assert.deepEqual(kinds, ['enter@0', 'leave@10', 'enter@15', 'leave@25']);
  const leave = events.find((e) => e.type === 'leave' && e.frameIndex === 25);
  assert.ok(Math.abs(leave.dwellSeconds - 10 / 25) < 1e-9);
  assert.deepEqual(results.at(-1).zones.u, { occupancy: 1, entries: 3, exits: 2, alertActive: false });
});

test('a short occlusion inside the zone is not a leave; a track gone for good leaves', () => {
  const engine = new CountingEngine({ zones: [{ id: 'z', polygon: [[0, 0], [100, 0], [100, 100], [0, 100]] }], staleFrames: 10 });
  const path = [...hold([50, 50], 5), ...gap(5), ...hold([50, 50], 5)];
  const { results, events } = runPaths(engine, { 3: [...path, ...gap(15)] }, { flush: false });
  assert.deepEqual(events.map((e) => e.type), ['enter', 'leave']);
  const leave = events[1];
  assert.equal(leave.frameIndex, 14, 'leave carries the last frame the track was seen');
  assert.ok(Math.abs(leave.dwellSeconds - 14 / 25) < 1e-9);
  assert.equal(results[7].zones.z.occupancy, 0, 'occupancy counts only people seen this frame');
});

test('alerts start after the hold time above the threshold and end when it falls back', () => {
  const square = [[0, 0], [100, 0], [100, 100], [0, 100]];
  const engine = new CountingEngine({ zones: [{ id: 'z', polygon: square, threshold: 1, holdSeconds: 0.2 }] });
  // Two people inside from frame 0 to 19 (occupancy 2 > 1), then one leaves.
  const { events } = runPaths(engine, { 1: hold([10, 10], 30), 2: [...hold([20, 20], 20), ...hold([200, 20], 10)] }, { flush: false });
  const alerts = events.filter((e) => e.type.startsWith('alert')).map((e) => [e.type, e.frameIndex, e.occupancy]);
  assert.deepEqual(alerts, [['alert_start', 5, 2], ['alert_end', 20, 1]]);
});

test('occupancy dipping below the threshold before the hold time raises no alert', () => {
  const square = [[0, 0], [100, 0], [100, 100], [0, 100]];
  const engine = new CountingEngine({ zones: [{ id: 'z', polygon: square, threshold: 1, holdSeconds: 1 }] });
  const visitor = [...hold([20, 20], 10), ...hold([200, 20], 5), ...hold([20, 20], 10)];
  const { events } = runPaths(engine, { 1: hold([10, 10], 25), 2: visitor }, { flush: false });
  assert.equal(events.filter((e) => e.type.startsWith('alert')).length, 0);
});

const invalid = [
  [{ id: 'z', polygon: [[0, 0], [1, 1]] }, /at least 3 points, got 2/],
  [{ id: 'z', polygon: [[0, 0], [1, 1], [2, 2]] }, /zero area/],
  [{ id: 'z', polygon: [[0, 0], [0, 0], [0, 0], [0, 0]] }, /zero area/],
  [{ id: 'z', polygon: [[0, 0], [1, 0], [0, Number.NaN]] }, /polygon\[2\]/],
  [{ id: 'z', polygon: [[0, 0], [1, 0], [0, 1]], threshold: -1 }, /threshold must be within/],
  [{ id: 'z', polygon: [[0, 0], [1, 0], [0, 1]], hold: 3 }, /unknown option\(s\) hold/],
];
for (const [options, message] of invalid) {
  test(`invalid zone throws ${message}`, () => assert.throws(() => new ZoneMonitor(options), message));
}

// A second person stepping in and out of the zone every 0.4 s (occupancy 2, 1, 2, 1, ...
// around a threshold of 1): the flapping of issue 14.
function flapping(frames) {
  const visitor = [];
  for (let f = 0; f < frames; f += 1) visitor.push(Math.floor(f / 10) % 2 === 0 ? [20, 20] : [200, 20]);
  return { 1: hold([10, 10], frames), 2: visitor };
}
const alertsOf = (events) => events.filter((e) => e.type.startsWith('alert')).map((e) => [e.type, e.frameIndex]);

test('without an end hold, occupancy hovering at the limit flaps the alert on and off', () => {
  const square = [[0, 0], [100, 0], [100, 100], [0, 100]];
  const engine = new CountingEngine({ zones: [{ id: 'z', polygon: square, threshold: 1, holdSeconds: 0 }] });
  const { events } = runPaths(engine, flapping(100), { flush: false });
  assert.equal(alertsOf(events).filter(([type]) => type === 'alert_start').length, 5);
});

test('an end hold (hysteresis) keeps one alert while occupancy only dips for less than it', () => {
  const square = [[0, 0], [100, 0], [100, 100], [0, 100]];
  const engine = new CountingEngine({ zones: [{ id: 'z', polygon: square, threshold: 1, holdSeconds: 0, endHoldSeconds: 0.5 }] });
  const paths = flapping(100);
  paths[1] = hold([10, 10], 150); // then the visitor stays away: the alert ends 0.5 s after
  paths[2] = [...paths[2], ...hold([200, 20], 50)];
  const { events, results } = runPaths(engine, paths, { flush: false });
  assert.deepEqual(alertsOf(events), [['alert_start', 0], ['alert_end', 103]]);
  const alertFrames = results.map((result) => result.zones.z.alertActive);
  assert.equal(alertFrames.slice(0, 103).every(Boolean), true); // the banner never toggles
  assert.equal(alertFrames[103], false);
});

test('endHoldSeconds is validated like the other zone options', () => {
  assert.throws(() => new ZoneMonitor({ id: 'z', polygon: [[0, 0], [1, 0], [0, 1]], threshold: 1, endHoldSeconds: -1 }), /endHoldSeconds/);
});
