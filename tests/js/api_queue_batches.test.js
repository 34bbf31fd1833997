import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BatchQueue, MemoryBatchStore } from '../../frontend/js/api/batch_queue.js';
import { ApiError, NetworkError } from '../../frontend/js/api/http.js';

/** A fake server: idempotent by batch_id, can be switched off. */
function fakeServer() {
  const server = { up: true, runs: new Map(), batches: new Map(), calls: [] };
  server.sender = {
    async ensureRun(clientRunId, run) {
      if (!server.up) throw new NetworkError(new TypeError('Failed to fetch'));
      if (!server.runs.has(clientRunId)) server.runs.set(clientRunId, { id: server.runs.size + 1, ...run });
      return server.runs.get(clientRunId).id;
    },
    async sendBatch(runId, batch) {
      server.calls.push(batch.batch_id);
      if (!server.up) throw new NetworkError(new TypeError('Failed to fetch'));
      if (batch.samples.some((sample) => sample.occupancy < 0)) throw new ApiError(400, { error: 'validation', message: 'Invalid batch.', fields: { 'samples.0.occupancy': 'must be >= 0' } });
      const duplicate = server.batches.has(batch.batch_id);
      if (!duplicate) server.batches.set(batch.batch_id, { runId, ...batch });
      return { duplicate };
    },
  };
  return server;
}

function batch(id, samples = 2) {
  return { batch_id: id, samples: Array.from({ length: samples }, (_, i) => ({ ts: '2026-01-01T00:00:00Z', zone_key: 'frame', occupancy: i, entries: 0, exits: 0 })), events: [] };
}

test('a queue needs a store and a sender, and batches need ids', async () => {
  assert.throws(() => new BatchQueue({}), /store and a sender/);
  const queue = new BatchQueue({ store: new MemoryBatchStore(), sender: fakeServer().sender });
  await assert.rejects(queue.enqueue('run', {}, { samples: [] }), /batch_id/);
});

test('online: batches are sent in order and leave the queue', async () => {
  const server = fakeServer();
  const changes = [];
  const queue = new BatchQueue({ store: new MemoryBatchStore(), sender: server.sender, onChange: (state) => changes.push(state) });
  await queue.enqueue('run-a', { source_kind: 'webcam' }, batch('b1'));
  await queue.enqueue('run-a', { source_kind: 'webcam' }, batch('b2', 3));
  assert.equal(changes.at(-1).queuedBatches, 2);
  assert.equal(changes.at(-1).queuedSamples, 5);
  assert.equal(await queue.flush(), true);
  assert.deepEqual(server.calls, ['b1', 'b2']);
  assert.equal(changes.at(-1).queuedBatches, 0);
  assert.equal(changes.at(-1).sentSamples, 5);
  assert.equal(server.runs.size, 1);
});

test('offline: batches wait, keep their ids, and arrive exactly once when the server is back', async () => {
  const server = fakeServer();
  const store = new MemoryBatchStore();
  const queue = new BatchQueue({ store, sender: server.sender });
  server.up = false;
  for (const id of ['b1', 'b2', 'b3']) await queue.enqueue('run-a', {}, batch(id));
  assert.equal(await queue.flush(), false);
  assert.equal(queue.state.online, false);
  assert.equal(queue.state.queuedBatches, 3);
  assert.equal(await queue.flush(), false);
  server.up = true;
  assert.equal(await queue.flush(), true);
  assert.deepEqual([...server.batches.keys()], ['b1', 'b2', 'b3']);
  assert.equal(queue.state.online, true);
  assert.equal(await store.count(), 0);
});

test('an answer lost on the way back: the re-send is a duplicate and nothing is doubled', async () => {
  const server = fakeServer();
  const store = new MemoryBatchStore();
  const originalSend = server.sender.sendBatch;
  let loseAnswer = true;
  server.sender.sendBatch = async (runId, body) => {
    const answer = await originalSend(runId, body);
    if (loseAnswer) { loseAnswer = false; throw new NetworkError(new TypeError('connection reset')); }
    return answer;
  };
  const queue = new BatchQueue({ store, sender: server.sender });
  await queue.enqueue('run-a', {}, batch('b1'));
  assert.equal(await queue.flush(), false);
  assert.equal(await queue.flush(), true);
  assert.deepEqual(server.calls, ['b1', 'b1']);
  assert.equal(server.batches.size, 1);
  assert.equal(queue.state.duplicates, 1);
});

test('a batch the server rejects is set aside with its message and does not block the rest', async () => {
  const server = fakeServer();
  const queue = new BatchQueue({ store: new MemoryBatchStore(), sender: server.sender });
  const bad = batch('bad');
  bad.samples[0].occupancy = -1;
  await queue.enqueue('run-a', {}, bad);
  await queue.enqueue('run-a', {}, batch('good'));
  assert.equal(await queue.flush(), true);
  assert.deepEqual([...server.batches.keys()], ['good']);
  assert.equal(queue.state.rejected.length, 1);
  assert.match(queue.state.rejected[0].message, /samples\.0\.occupancy: must be >= 0/);
});

test('concurrent flush calls share one pass (no double sending)', async () => {
  const server = fakeServer();
  const queue = new BatchQueue({ store: new MemoryBatchStore(), sender: server.sender });
  await queue.enqueue('run-a', {}, batch('b1'));
  await Promise.all([queue.flush(), queue.flush(), queue.flush()]);
  assert.deepEqual(server.calls, ['b1']);
});

test('a batch queued while a pass is running goes out with the flush asked for meanwhile', async () => {
  const server = fakeServer();
  const queue = new BatchQueue({ store: new MemoryBatchStore(), sender: server.sender });
  await queue.enqueue('run-a', {}, batch('b1'));
  const first = queue.flush();
  await queue.enqueue('run-a', {}, batch('b2'));
  const second = queue.flush();
  await Promise.all([first, second]);
  assert.deepEqual(server.calls, ['b1', 'b2']);
  assert.equal(queue.state.queuedBatches, 0);
});

test('batches of two runs each go to their own run', async () => {
  const server = fakeServer();
  const queue = new BatchQueue({ store: new MemoryBatchStore(), sender: server.sender });
  await queue.enqueue('run-a', {}, batch('a1'));
  await queue.enqueue('run-b', {}, batch('b1'));
  await queue.flush();
  assert.equal(server.batches.get('a1').runId, 1);
  assert.equal(server.batches.get('b1').runId, 2);
});
