import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CountingEngine } from '../../frontend/js/counting/counting_engine.js';
import { LineCounter } from '../../frontend/js/counting/line_counter.js';
import { gap, hold, runPaths, walk } from './counting_helpers.js';

// A vertical line from (100, 0) to (100, 200): (B-A)x(P-A) = -200 (x - 100) is > 0 for x < 100,
// so "in" is moving from right (x > 100) to left (x < 100).
const LINE = { id: 'door', a: [100, 0], b: [100, 200] };
const jitter = (n) => Array.from({ length: n }, (_, i) => [i % 2 ? 97 : 103, 100]);

const cases = [
  {
    name: 'walking right to left through the segment counts one in',
    paths: { 1: walk([160, 100], [40, 100], 20) },
    expect: { in: 1, out: 0, raw: 1 },
  },
  {
    name: 'walking left to right counts one out',
    paths: { 1: walk([40, 100], [160, 100], 20) },
    expect: { in: 0, out: 1, raw: 1 },
  },
  {
    name: 'flipped swaps in and out',
    line: { flipped: true },
    paths: { 1: walk([40, 100], [160, 100], 20) },
    expect: { in: 1, out: 0, raw: 1 },
  },
  {
    name: 'jitter on the line counts nothing but keeps the raw crossings',
    paths: { 1: [...walk([140, 100], [103, 100], 5), ...jitter(30), ...walk([103, 100], [140, 100], 5)] },
    expect: { in: 0, out: 0, raw: 30 },
  },
  {
    name: 'lingering on the line, then crossing, counts once',
    paths: { 1: [...walk([140, 100], [103, 100], 5), ...jitter(20), ...walk([97, 100], [40, 100], 10)] },
    expect: { in: 1, out: 0 },
  },
  {
    name: 'walking back after a confirmed crossing cancels the count',
    paths: { 1: [...walk([160, 100], [40, 100], 20), ...walk([40, 100], [160, 100], 20)] },
    expect: { in: 0, out: 0, raw: 2, cancelled: 1 },
  },
  {
    name: 'crossing three times nets one count',
    paths: { 1: [...walk([160, 100], [40, 100], 15), ...walk([40, 100], [160, 100], 15), ...walk([160, 100], [40, 100], 15)] },
    expect: { in: 1, out: 0, raw: 3 },
  },
  {
    name: 'an occlusion gap across the line keeps the same id and counts once',
    paths: { 1: [...walk([160, 100], [120, 100], 6), ...gap(8), ...walk([80, 100], [40, 100], 6)] },
    expect: { in: 1, out: 0, raw: 1 },
  },
  {
    name: 'two people crossing at once in opposite directions',
    paths: { 1: walk([160, 100], [40, 100], 20), 2: walk([40, 120], [160, 120], 20) },
    expect: { in: 1, out: 1, raw: 2 },
  },
  {
    name: 'passing beside the end of the segment counts nothing',
    paths: { 1: walk([160, 260], [40, 260], 20) },
    expect: { in: 0, out: 0, raw: 0 },
  },
  {
    name: 'going around the end and back through the segment counts the one real crossing',
    paths: { 1: [...walk([160, 100], [160, 260], 8), ...walk([160, 260], [40, 260], 8), ...walk([40, 260], [40, 100], 8), ...walk([40, 100], [160, 100], 10)] },
    expect: { in: 0, out: 1, raw: 1 },
  },
  {
    name: 'a crossing right before the track ends is final when the track ends',
    paths: { 1: walk([130, 100], [95, 100], 8) },
    expect: { in: 1, out: 0, raw: 1 },
  },
  {
    name: 'a foot point exactly on the line does not hide the crossing',
    paths: { 1: [[120, 100], [110, 100], [100, 100], [90, 100], [80, 100], [70, 100], [60, 100], [50, 100], [40, 100]] },
    expect: { in: 1, out: 0, raw: 1 },
  },
];

for (const { name, line = {}, paths, expect } of cases) {
  test(name, () => {
    const engine = new CountingEngine({ lines: [{ ...LINE, ...line }] });
    const { events, final } = runPaths(engine, paths);
    assert.deepEqual(final.lines.door, { in: expect.in, out: expect.out });
    if (expect.raw !== undefined) {
      assert.equal(events.filter((e) => e.type === 'cross_raw').length, expect.raw, 'raw crossings');
    }
    if (expect.cancelled !== undefined) {
      assert.equal(events.filter((e) => e.cancelled).length, expect.cancelled, 'cancellations');
    }
  });
}

test('the count waits for confirmFrames on the new side and carries the crossing time', () => {
  const engine = new CountingEngine({ lines: [{ ...LINE, confirmFrames: 3 }] });
  const path = [[110, 100], [105, 100], [95, 100], [90, 100], [85, 100], [80, 100]];
  const { results } = runPaths(engine, { 7: path }, { flush: false });
  const counted = results.map((r) => r.lines.door.in);
  assert.deepEqual(counted, [0, 0, 0, 0, 1, 1]);
  const event = results[4].events.find((e) => e.type === 'in');
  assert.deepEqual({ frameIndex: event.frameIndex, trackId: event.trackId, zoneId: event.zoneId }, { frameIndex: 2, trackId: 7, zoneId: 'door' });
});

const invalid = [
  [{ id: 'x', a: [5, 5], b: [5, 5] }, /zero-length line/],
  [{ id: 'x', a: [5, 5] }, /b must be a point/],
  [{ id: 'x', a: [0, 0], b: [1, 1], colour: 'red' }, /unknown option\(s\) colour/],
  [{ a: [0, 0], b: [1, 1] }, /id must be/],
  [{ id: 'x', a: [0, 0], b: [1, 1], confirmFrames: 0 }, /confirmFrames must be within/],
];
for (const [options, message] of invalid) {
  test(`invalid line throws ${message}`, () => assert.throws(() => new LineCounter(options), message));
}
