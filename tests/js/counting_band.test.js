import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BandCounter } from '../../frontend/js/counting/band_counter.js';
import { CountingEngine } from '../../frontend/js/counting/counting_engine.js';
import { gap, hold, runPaths, walk } from './counting_helpers.js';

// Horizontal band along A(0, 100) -> B(200, 100), 40 px wide: boundaries at y = 80 and y = 120.
// (B-A)x(P-A) = 200 (y - 100) > 0 below: "in" is moving downwards.
const BAND = { id: 'hall', a: [0, 100], b: [200, 100], width: 40 };

const cases = [
  { name: 'walking down through the band counts one in', paths: { 1: walk([100, 40], [100, 160], 25) }, expect: { in: 1, out: 0 } },
  { name: 'walking up through the band counts one out', paths: { 1: walk([100, 160], [100, 40], 25) }, expect: { in: 0, out: 1 } },
  {
    name: 'lingering inside the band counts nothing',
    paths: { 1: [...walk([100, 40], [100, 95], 10), ...Array.from({ length: 40 }, (_, i) => [100, i % 2 ? 90 : 110]), ...walk([100, 95], [100, 40], 10)] },
    expect: { in: 0, out: 0 },
  },
  {
    name: 'entering the band, crossing its middle and walking back out counts nothing',
    paths: { 1: [...walk([100, 40], [100, 115], 12), ...walk([100, 115], [100, 40], 12)] },
    expect: { in: 0, out: 0 },
  },
  {
    name: 'through and back again cancels',
    paths: { 1: [...walk([100, 40], [100, 160], 15), ...walk([100, 160], [100, 40], 15)] },
    expect: { in: 0, out: 0 },
  },
  {
    name: 'an occlusion gap inside the band keeps the count',
    paths: { 1: [...walk([100, 40], [100, 90], 6), ...gap(10), ...walk([100, 110], [100, 160], 6)] },
    expect: { in: 1, out: 0 },
  },
  {
    name: 'passing beside the end of the band counts nothing',
    paths: { 1: walk([260, 40], [260, 160], 25) },
    expect: { in: 0, out: 0 },
  },
  {
    name: 'two people through at once in opposite directions',
    paths: { 1: walk([60, 40], [60, 160], 25), 2: walk([140, 160], [140, 40], 25) },
    expect: { in: 1, out: 1 },
  },
  {
    name: 'starting inside the band and leaving counts nothing',
    paths: { 1: [...hold([100, 100], 5), ...walk([100, 100], [100, 160], 8)] },
    expect: { in: 0, out: 0 },
  },
];

for (const { name, paths, expect } of cases) {
  test(name, () => {
    const engine = new CountingEngine({ bands: [BAND] });
    const { final } = runPaths(engine, paths);
    assert.deepEqual(final.lines.hall, expect);
  });
}

test('boundaries are parallel to the segment at +-width/2', () => {
  const band = new BandCounter(BAND);
  assert.deepEqual(band.boundaries, [[[0, 80], [200, 80]], [[0, 120], [200, 120]]]);
});

const invalid = [
  [{ ...BAND, width: 0 }, /width must be greater than 0/],
  [{ ...BAND, b: [0, 100] }, /zero-length line/],
  [{ ...BAND, widht: 3 }, /unknown option\(s\) widht/],
];
for (const [options, message] of invalid) {
  test(`invalid band throws ${message}`, () => assert.throws(() => new BandCounter(options), message));
}
