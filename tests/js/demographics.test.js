import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { AGE_BANDS, DEMOGRAPHIC_KINDS, GENDERS, ageBand } from '../../frontend/js/demographics/bands.js';
import { TrackDemographics, combineSamples } from '../../frontend/js/demographics/track_demographics.js';
import { DemographicTally } from '../../frontend/js/demographics/demographic_tally.js';
import { DemographicsRunner, MAX_PREDICTION_SECONDS, recentEnough } from '../../frontend/js/demographics/demographics_runner.js';
import { CountingSession } from '../../frontend/js/monitor/session.js';
import { createDetections } from '../../frontend/js/core/detections.js';

const SHARED = JSON.parse(readFileSync(new URL('../protocol.json', import.meta.url)));

test('the vocabulary is the one the server validates (tests/protocol.json)', () => {
  assert.deepEqual([...GENDERS], SHARED.genders);
  assert.deepEqual([...AGE_BANDS], SHARED.age_bands);
  assert.deepEqual([...DEMOGRAPHIC_KINDS], SHARED.demographic_kinds);
});

test('age bands: edges belong to the upper band; odd ages are unknown', () => {
  const cases = [[0, '0-17'], [17.99, '0-17'], [18, '18-24'], [24.9, '18-24'], [25, '25-34'], [34.5, '25-34'],
    [35, '35-44'], [45, '45-54'], [55, '55-64'], [64.99, '55-64'], [65, '65+'], [101, '65+'],
    [-1, 'unknown'], [NaN, 'unknown'], [Infinity, 'unknown'], [null, 'unknown'], ['30', 'unknown']];
  for (const [age, band] of cases) assert.equal(ageBand(age), band, String(age));
});

const face = (gender, genderProbability, age, score = 0.9) => ({ gender, genderProbability, age, score });

test('combining samples: a weighted gender vote, the median age, unknown when too few or unsure', () => {
  assert.deepEqual(combineSamples([face('female', 0.95, 30)], { minSamples: 2 }), { gender: 'unknown', genderConfidence: null, ageBand: 'unknown', age: null, samples: 1 });
  assert.deepEqual(combineSamples([]), { gender: 'unknown', genderConfidence: null, ageBand: 'unknown', age: null, samples: 0 });
  assert.equal(combineSamples([face('female', 0.95, 30)]).gender, 'female');
  assert.equal(combineSamples([face('female', 0.6, 30)]).gender, 'unknown', 'one unsure face');
  const sure = combineSamples([face('female', 0.95, 30), face('female', 0.8, 33), face('male', 0.6, 70, 0.3)]);
  assert.equal(sure.gender, 'female');
  assert.equal(sure.ageBand, '25-34');
  assert.equal(sure.age, 33);
  assert.ok(sure.genderConfidence > 0.65 && sure.genderConfidence < 0.95);
  const torn = combineSamples([face('female', 0.9, 40), face('male', 0.9, 50)]);
  assert.equal(torn.gender, 'unknown');
  assert.equal(torn.ageBand, '45-54');
  assert.equal(combineSamples([face('male', 0.99, 8), face('male', 0.9, 12)]).ageBand, '0-17');
});

function tracks(rows) {
  // rows: [trackId, x1, y1, x2, y2, predicted?]
  return createDetections({
    count: rows.length, boxes: Float32Array.from(rows.flatMap((r) => r.slice(1, 5))), scores: new Float32Array(rows.length).fill(0.9),
    classIds: new Int32Array(rows.length), trackIds: Int32Array.from(rows.map((r) => r[0])), predicted: Uint8Array.from(rows.map((r) => (r[5] ? 1 : 0))),
  });
}

test('planning: a few tries per track, spaced, on tall seen boxes only, within the concurrency budget', () => {
  const planner = new TrackDemographics({ maxConcurrent: 2, maxSamples: 2, minSamples: 2, maxAttempts: 3, sampleIntervalSeconds: 0.5, minPersonHeight: 100 });
  const frame = (t) => ({ timestamp: t, width: 640, height: 480 });
  const scene = tracks([[1, 100, 50, 200, 400], [2, 300, 60, 360, 140], [3, 400, 40, 500, 420, true], [4, 500, 0, 640, 470]]);
  const first = planner.plan(scene, frame(0));
  // track 2 is too small, track 3 is predicted; 4 is taller than 1 so it goes first
  assert.deepEqual(first.map((p) => p.trackId), [4, 1]);
  const crop = first.find((p) => p.trackId === 1).rect;
  // the upper part of the box, widened by 15 % a side, inside the frame
  assert.deepEqual(crop, { x: 85, y: 32, width: 130, height: 158 });
  for (const plan of first) assert.ok(plan.rect.x >= 0 && plan.rect.y >= 0 && plan.rect.x + plan.rect.width <= 640 && plan.rect.y + plan.rect.height <= 480);
  assert.deepEqual(planner.plan(scene, frame(0.1)), [], 'both slots are taken');
  planner.record(1, face('female', 0.9, 30));
  assert.deepEqual(planner.plan(scene, frame(0.2)), [], 'track 1 waits for its interval');
  assert.deepEqual(planner.plan(scene, frame(0.6)).map((p) => p.trackId), [1]);
  planner.record(1, face('female', 0.9, 31));
  planner.record(4, null);
  assert.equal(planner.estimate(1).gender, 'female');
  assert.equal(planner.pending(1), false, 'two faces: done with track 1');
  assert.deepEqual(planner.plan(scene, frame(1.2)).map((p) => p.trackId), [4]);
  planner.fail(4);
  assert.deepEqual(planner.plan(scene, frame(1.8)).map((p) => p.trackId), [4], 'a failed try does not count');
  planner.record(4, null);
  assert.deepEqual(planner.plan(scene, frame(2.4)).map((p) => p.trackId), [4]);
  planner.record(4, null);
  assert.deepEqual(planner.plan(scene, frame(3.0)), [], 'track 4 used its three tries');
  assert.equal(planner.estimate(4).gender, 'unknown');
  assert.equal(planner.estimate(99).ageBand, 'unknown');
});

test('options are validated', () => {
  assert.throws(() => new TrackDemographics({ maxSamples: 0 }), /maxSamples/);
  assert.throws(() => new TrackDemographics({ minSamples: 9 }), /minSamples/);
  assert.throws(() => new TrackDemographics({ faces: 3 }), /faces/);
  assert.throws(() => new DemographicTally({ epochAtZeroMs: 0 }), /estimateOf/);
});

test('the tally: crossings and zone entries read the estimate after settling; a cancellation undoes its own cell', () => {
  const estimates = new Map([[1, { gender: 'female', ageBand: '25-34' }], [2, { gender: 'male', ageBand: '65+' }]]);
  const epoch = Date.UTC(2026, 4, 4, 10, 14, 0);
  const tally = new DemographicTally({ estimateOf: (id) => estimates.get(id) ?? { gender: 'unknown', ageBand: 'unknown' }, epochAtZeroMs: epoch, settleSeconds: 2 });
  tally.observe([{ type: 'in', zoneId: 'zone-1', trackId: 1, timestamp: 59 }, { type: 'cross_raw', zoneId: 'zone-1', trackId: 1 }], 59);
  assert.deepEqual(tally.takeRows(), [], 'waits for the estimate');
  assert.equal(tally.waitingCount, 1);
  estimates.set(1, { gender: 'male', ageBand: '35-44' }); // the faces seen just after the crossing decide
  tally.observe([{ type: 'enter', zoneId: 'zone-2', trackId: 2, timestamp: 60.5 }, { type: 'leave', zoneId: 'zone-2', trackId: 2 }], 61);
  assert.deepEqual(tally.takeRows(), [{ ts: '2026-05-04T10:14:00.000Z', zone_key: 'zone-1', kind: 'in', gender: 'male', age_band: '35-44', count: 1 }]);
  tally.observe([{ type: 'in', zoneId: 'zone-1', trackId: 1, timestamp: 62, cancelled: true }], 62);
  tally.observe([{ type: 'out', zoneId: 'zone-1', trackId: 3, timestamp: 62.5 }], 62.5);
  tally.finish();
  const rows = tally.takeRows();
  assert.deepEqual(rows.sort((a, b) => a.kind.localeCompare(b.kind)), [
    { ts: '2026-05-04T10:15:00.000Z', zone_key: 'zone-2', kind: 'enter', gender: 'male', age_band: '65+', count: 1 },
    { ts: '2026-05-04T10:14:00.000Z', zone_key: 'zone-1', kind: 'in', gender: 'male', age_band: '35-44', count: -1 },
    { ts: '2026-05-04T10:15:00.000Z', zone_key: 'zone-1', kind: 'out', gender: 'unknown', age_band: 'unknown', count: 1 },
  ].sort((a, b) => a.kind.localeCompare(b.kind)));
  assert.deepEqual(tally.totalsOf('zone-1', 'in').total, 0);
  assert.deepEqual(tally.totalsOf('zone-1', 'out').byBand.unknown, 1);
  // a crossing cancelled before its estimate was read leaves no row at all
  tally.observe([{ type: 'in', zoneId: 'zone-1', trackId: 5, timestamp: 70 }], 70);
  tally.observe([{ type: 'in', zoneId: 'zone-1', trackId: 5, timestamp: 71, cancelled: true }], 71);
  tally.finish();
  assert.deepEqual(tally.takeRows(), []);
  for (const row of rows) assert.deepEqual(Object.keys(row).sort(), ['age_band', 'count', 'gender', 'kind', 'ts', 'zone_key']);
});

test('the tally waits past settleSeconds for a face still being looked at, up to maxSettleSeconds', () => {
  const estimates = new Map();
  const awaited = new Set([1, 2]);
  const tally = new DemographicTally({ estimateOf: (id) => estimates.get(id) ?? { gender: 'unknown', ageBand: 'unknown' },
    awaitingOf: (id) => awaited.has(id), epochAtZeroMs: 0, settleSeconds: 3, maxSettleSeconds: 10 });
  tally.observe([{ type: 'in', zoneId: 'door', trackId: 1, timestamp: 0 }, { type: 'out', zoneId: 'door', trackId: 2, timestamp: 0 },
    { type: 'in', zoneId: 'door', trackId: 3, timestamp: 0 }], 0);
  tally.observe([], 3);
  // track 3 (never looked at: too small) is read at settleSeconds; 1 and 2 wait for their faces
  assert.deepEqual(tally.takeRows(), [{ ts: '1970-01-01T00:00:00.000Z', zone_key: 'door', kind: 'in', gender: 'unknown', age_band: 'unknown', count: 1 }]);
  assert.equal(tally.waitingCount, 2);
  estimates.set(1, { gender: 'female', ageBand: '25-34' }); // the busy face worker answers 5 s after the crossing
  awaited.delete(1);
  tally.observe([], 5);
  assert.deepEqual(tally.takeRows(), [{ ts: '1970-01-01T00:00:00.000Z', zone_key: 'door', kind: 'in', gender: 'female', age_band: '25-34', count: 1 }]);
  tally.observe([], 9.9);
  assert.equal(tally.waitingCount, 1, 'still awaited before maxSettleSeconds');
  tally.observe([], 10);
  assert.deepEqual(tally.takeRows(), [{ ts: '1970-01-01T00:00:00.000Z', zone_key: 'door', kind: 'out', gender: 'unknown', age_band: 'unknown', count: 1 }]);
  assert.throws(() => new DemographicTally({ estimateOf: () => ({}), epochAtZeroMs: 0, settleSeconds: 3, maxSettleSeconds: 2 }), /maxSettleSeconds/);
});

test('a track is awaited while a crop is out, while big enough and waiting its turn, after a faceless try with tries left; too small or done, it is not', () => {
  const tracksState = new TrackDemographics({ sampleIntervalSeconds: 0, maxAttempts: 2 });
  // 7 is the tallest and goes first; 9 waits for its turn (one crop at a time); 8 is too small for a face
  const scene = tracks([[7, 100, 50, 200, 400], [8, 300, 400, 310, 420], [9, 400, 100, 480, 380]]);
  assert.equal(tracksState.awaiting(7), false);
  const [plan] = tracksState.plan(scene, { timestamp: 0, width: 640, height: 480 });
  assert.equal(plan.trackId, 7);
  assert.equal(tracksState.awaiting(7), true, 'a crop is out');
  assert.equal(tracksState.awaiting(9), true, 'big enough, waiting for its turn');
  assert.equal(tracksState.awaiting(8), false, 'too small for a face');
  tracksState.record(7, null); // no face on the first try
  assert.equal(tracksState.awaiting(7), true, 'a try is left');
  tracksState.plan(scene, { timestamp: 0.1, width: 640, height: 480 });
  tracksState.record(7, face('male', 0.9, 40));
  assert.equal(tracksState.awaiting(7), false, 'has its face');
});

test('the runner crops planned boxes from the picture and records the worker\'s answers asynchronously', async () => {
  const crops = [];
  const answers = [face('female', 0.9, 29), face('female', 0.8, 27)];
  const runner = new DemographicsRunner({
    client: { estimate: async (bitmap) => { crops.push(bitmap); return answers.shift(); }, close: () => {} },
    tracks: new TrackDemographics({ sampleIntervalSeconds: 0, minSamples: 2 }),
    createBitmap: async (picture, x, y, width, height) => ({ picture, x, y, width, height }),
    maxBusyShare: 1,
  });
  const picture = { width: 640, height: 480 };
  const scene = tracks([[7, 100, 50, 200, 400]]);
  runner.observe({ tracked: scene, timestamp: 0, detected: true }, picture);
  runner.observe({ tracked: scene, timestamp: 0.1, detected: true }, picture); // the first crop is still out
  await new Promise((resolve) => setTimeout(resolve, 0));
  runner.observe({ tracked: scene, timestamp: 0.2, detected: false }, picture); // a skipped frame plans nothing
  runner.observe({ tracked: scene, timestamp: 0.3, detected: true }, picture);
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.equal(crops.length, 2);
  assert.deepEqual({ ...crops[0], picture: undefined }, { picture: undefined, x: 85, y: 32, width: 130, height: 158 });
  assert.deepEqual([runner.estimateOf(7).gender, runner.estimateOf(7).ageBand], ['female', '25-34']);
});

test('a frame the detector skipped is sampled only while its predicted boxes are fresh (the live cadence)', () => {
  assert.equal(recentEnough({ detected: true, timestamp: 5 }), true);
  assert.equal(recentEnough({ detected: false, timestamp: 5 }), false); // no run to be near
  assert.equal(recentEnough({ detected: false, timestamp: 5.2, detectedAt: 5 }), true);
  assert.equal(recentEnough({ detected: false, timestamp: 5 + MAX_PREDICTION_SECONDS + 0.01, detectedAt: 5 }), false);
});

test('the session sends the tally\'s rows in its batches, and none without a tally', async () => {
  const batches = [];
  const queue = { enqueue: async (clientRunId, run, batch) => batches.push(batch), flush: async () => {} };
  const sender = { runIds: new Map(), ensureRun: async () => 5, resources: { endRun: async () => {} } };
  const config = { sampleIntervalSeconds: 1, batchIntervalSeconds: 3600 };
  let id = 0;
  const make = (demographics) => new CountingSession({ queue, sender, config, run: { source_kind: 'webcam' }, lineKeys: ['line-1'], zoneKeys: [], epochAtZeroMs: Date.UTC(2026, 0, 1), newId: () => `id-${++id}`, demographics });
  const result = { lines: { 'line-1': { in: 1, out: 0 } }, zones: {}, events: [{ type: 'in', zoneId: 'line-1', trackId: 4, timestamp: 0.5 }] };
  const plain = make(null);
  plain.observe(result, { timestamp: 0.5, personCount: 1 });
  await plain.stop({ ...result, events: [] });
  assert.equal(batches.at(-1).demographics, undefined);
  const tally = new DemographicTally({ estimateOf: () => ({ gender: 'female', ageBand: '18-24' }), epochAtZeroMs: Date.UTC(2026, 0, 1) });
  const withTally = make(tally);
  withTally.observe(result, { timestamp: 0.5, personCount: 1 });
  await withTally.stop({ ...result, events: [] });
  assert.deepEqual(batches.at(-1).demographics, [{ ts: '2026-01-01T00:00:00.000Z', zone_key: 'line-1', kind: 'in', gender: 'female', age_band: '18-24', count: 1 }]);
  assert.ok(batches.at(-1).events.every((event) => !('gender' in event) && !('age_band' in event)));
});

test('the runner rests between faces so the face work takes at most maxBusyShare of the time', async () => {
  let now = 0;
  const sent = [];
  const runner = new DemographicsRunner({
    client: { estimate: async () => { now += 100; return face('male', 0.9, 40); }, close: () => {} },
    tracks: new TrackDemographics({ sampleIntervalSeconds: 0, maxSamples: 10, maxAttempts: 10 }),
    createBitmap: async (picture, ...rect) => { sent.push(now); return rect; },
    maxBusyShare: 0.25, clock: () => now,
  });
  const scene = tracks([[1, 100, 50, 200, 400]]);
  const frame = (t) => ({ tracked: scene, timestamp: t, detected: true });
  const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
  runner.observe(frame(0), { width: 640, height: 480 });
  await settle();
  // the face took 100 ms: 300 ms of rest at a quarter share
  for (const at of [150, 399]) { now = at; runner.observe(frame(at / 1000), { width: 640, height: 480 }); await settle(); }
  assert.equal(sent.length, 1);
  now = 400;
  runner.observe(frame(0.4), { width: 640, height: 480 });
  await settle();
  assert.deepEqual(sent, [0, 400]);
  assert.throws(() => new DemographicsRunner({ client: {}, maxBusyShare: 0 }), /maxBusyShare/);
});

test('the pipeline, tracker and counting know nothing of demographics (their cost cannot change with the switch)', async () => {
  const { readdirSync } = await import('node:fs');
  for (const folder of ['pipeline', 'tracker', 'counting', 'detector']) {
    const root = new URL(`../../frontend/js/${folder}/`, import.meta.url);
    for (const name of readdirSync(root).filter((file) => file.endsWith('.js'))) {
      const text = readFileSync(new URL(name, root), 'utf8');
      assert.ok(!/demograph|face_worker|face-api/i.test(text), `${folder}/${name}`);
    }
  }
});
