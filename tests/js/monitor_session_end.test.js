// How a counting run ends on the server: the last batch carries ends_run (stored and ended in
// one request, whenever the queue gets it there), and a page closed while counting (pagehide)
// still sends its final counts and ends its run, without awaiting anything.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BatchQueue, MemoryBatchStore } from '../../frontend/js/api/batch_queue.js';
import { NetworkError } from '../../frontend/js/api/http.js';
import { detectionsFromRows } from '../../frontend/js/core/detections.js';
import { CountingRunner } from '../../frontend/js/monitor/counting_runner.js';
import { CountingSession } from '../../frontend/js/monitor/session.js';
import { FramePipeline } from '../../frontend/js/pipeline/frame_pipeline.js';

const RESULT = { lines: { door: { in: 1, out: 0 } }, zones: {}, events: [{ type: 'in', zoneId: 'door', trackId: 3, timestamp: 0.5 }] };

/** A server that stores batches by id and ends runs; `online: false` makes every call fail. */
function fakeServer() {
  const server = { online: true, batches: [], keepalive: [], ended: [], runs: 0 };
  const reach = () => { if (!server.online) throw new NetworkError(new Error('offline')); };
  const resources = {
    async createRun() { reach(); server.runs += 1; return { id: 7 }; },
    async sendBatch(runId, batch, { keepalive = false } = {}) {
      reach();
      if (keepalive) server.keepalive.push(batch.batch_id);
      const duplicate = server.batches.some((stored) => stored.batch_id === batch.batch_id);
      if (!duplicate) {
        server.batches.push(batch);
        if (batch.ends_run) server.ended.push(runId);
      }
      return { duplicate };
    },
    async endRun(runId, { keepalive = false } = {}) { reach(); server.ended.push(keepalive ? `${runId} keepalive` : runId); },
  };
  const sender = {
    resources, runIds: new Map(),
    async ensureRun(clientRunId, run) {
      if (!this.runIds.has(clientRunId)) this.runIds.set(clientRunId, (await resources.createRun(run)).id);
      return this.runIds.get(clientRunId);
    },
    sendBatch: (runId, batch) => resources.sendBatch(runId, batch),
  };
  const store = new MemoryBatchStore();
  const queue = new BatchQueue({ store, sender });
  return { server, sender, queue, store };
}

function session({ server, sender, queue }) {
  let id = 0;
  return new CountingSession({
    queue, sender, run: { source_kind: 'webcam' }, lineKeys: ['door'], zoneKeys: [],
    epochAtZeroMs: Date.UTC(2026, 0, 1), config: { sampleIntervalSeconds: 1, batchIntervalSeconds: 3600 },
    newId: () => `batch-${++id}`, clientRunId: 'client-run-1',
  });
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

/** A started session on `fake` (offline first when asked), with one counted frame unless `counted` is false. */
async function started(fake, { offline = false, counted = true } = {}) {
  fake.server.online = !offline;
  const counting = session(fake);
  await counting.start();
  if (counted) counting.observe(RESULT, { timestamp: 0.5, personCount: 1 });
  return counting;
}

test('stop: the last batch ends the run when it is stored; no separate end request', async () => {
  const fake = fakeServer();
  const counting = await started(fake);
  await counting.stop(RESULT);
  counting.dispose();
  assert.equal(fake.server.batches.length, 1);
  assert.equal(fake.server.batches[0].ends_run, true);
  assert.deepEqual(fake.server.ended, [7], 'ended once, by the batch');
});

test('stop while the server is away: the run ends later, when the queue delivers its last batch', async () => {
  const fake = fakeServer();
  const counting = await started(fake, { offline: true });
  await counting.stop(RESULT);
  counting.dispose();
  assert.deepEqual(fake.server.ended, []);
  assert.equal((await fake.store.list()).length, 1, 'kept for later');
  fake.server.online = true;
  await fake.queue.flush();
  assert.deepEqual(fake.server.ended, [7]);
  assert.equal((await fake.store.list()).length, 0);
});

test('stop with nothing counted: the run (already made) is ended directly', async () => {
  const fake = fakeServer();
  const counting = await started(fake, { counted: false });
  await counting.stop(null);
  counting.dispose();
  assert.deepEqual(fake.server.batches, []);
  assert.deepEqual(fake.server.ended, [7]);
});

test('leave (the page closes): the last batch is queued and sent with keepalive at once, and it ends the run', async () => {
  const fake = fakeServer();
  const counting = await started(fake);
  counting.leave(RESULT);            // synchronous: nothing awaited
  await settle();
  assert.equal(fake.server.keepalive.length, 1);
  assert.equal(fake.server.batches[0].ends_run, true);
  assert.deepEqual(fake.server.ended, [7]);
  assert.equal((await fake.store.list()).length, 1, 'the queue keeps its copy until the next visit');
  await fake.queue.flush();          // the next visit: a duplicate the server ignores
  assert.equal(fake.server.batches.length, 1);
  assert.deepEqual(fake.server.ended, [7]);
});

test('leave before the server gave a run id: only queued, and the next visit makes the run and ends it', async () => {
  const fake = fakeServer();
  const counting = await started(fake, { offline: true });
  counting.leave(RESULT);
  await settle();
  assert.deepEqual(fake.server.keepalive, []);
  fake.server.online = true;
  await fake.queue.flush();
  assert.equal(fake.server.runs, 1);
  assert.deepEqual(fake.server.ended, [7]);
});

test('leave on a counting station (endRun false): the counts go, the run stays open for the restarted page', async () => {
  const fake = fakeServer();
  const counting = await started(fake);
  counting.leave(RESULT, { endRun: false });
  await settle();
  assert.equal(fake.server.batches.length, 1);
  assert.equal(fake.server.batches[0].ends_run, undefined);
  assert.deepEqual(fake.server.ended, []);
});

test('leave with nothing to send ends a known run with a keepalive request', async () => {
  const fake = fakeServer();
  const counting = await started(fake, { counted: false });
  counting.leave(null);
  await settle();
  assert.deepEqual(fake.server.ended, ['7 keepalive']);
});

test('the runner\'s leave: the loop stops, the pipeline is flushed into session.leave, and finish() afterwards does nothing', async () => {
  const calls = [];
  const zone = { id: 'zone-1', polygon: [[0, 0], [300, 0], [300, 480], [0, 480]], threshold: 0, holdSeconds: 0 };
  const counting = new CountingRunner({
    pipeline: new FramePipeline({ counting: { zones: [zone] } }),
    detector: { detect: async (rows) => detectionsFromRows(rows) },
    session: { observe: () => {}, stop: async () => calls.push('stop'), leave: (final, options) => calls.push(['leave', final, options]) },
    grab: () => [{ box: [80, 200, 120, 300], score: 0.9 }], frameSize: { width: 640, height: 480 },
    onEnd: () => calls.push('onEnd'),
  });
  assert.equal(counting.leave(), null, 'nothing to leave before start');
  counting.loop = { stop: () => calls.push('loop stopped') };
  await counting.step({ frameIndex: 0, timestamp: 0 });
  const final = counting.leave({ endRun: true });
  assert.deepEqual(final.events.map((event) => event.type), ['leave', 'alert_end'], 'the open visit and alert end');
  assert.deepEqual(calls, ['loop stopped', ['leave', final, { endRun: true }]]);
  assert.equal(counting.leave(), null, 'once only');
  assert.equal(await counting.finish({ completed: false }), null);
  assert.equal(calls.length, 2, 'no second stop, no onEnd');
});
