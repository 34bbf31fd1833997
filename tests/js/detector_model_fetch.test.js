import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fetchModelBytes, readWithProgress } from '../../frontend/js/detector/model_fetch.js';

/** A Cache Storage of one cache, in memory. */
function memoryCaches() {
  const entries = new Map();
  const cache = {
    match: async (key) => (entries.has(key) ? entries.get(key).clone() : undefined),
    put: async (key, response) => { entries.set(key, response); },
  };
  return { open: async () => cache, entries };
}

/** A model server: counts requests, answers 304 to a matching If-None-Match. */
function modelServer(bytes, etag = '"v1"') {
  const server = { requests: [], etag, bytes };
  server.fetch = async (url, init = {}) => {
    const headers = init.headers || {};
    server.requests.push(headers['If-None-Match'] ? 'conditional' : 'full');
    if (headers['If-None-Match'] === server.etag) return new Response(null, { status: 304 });
    return new Response(server.bytes, { headers: { 'Content-Length': String(server.bytes.length), ETag: server.etag } });
  };
  return server;
}

test('progress is reported as the body arrives, up to the full length', async () => {
  const bytes = new Uint8Array(300_000).map((_, i) => i % 251);
  const seen = [];
  const read = await readWithProgress(new Response(bytes, { headers: { 'Content-Length': '300000' } }), (loaded, total) => seen.push([loaded, total]));
  assert.deepEqual(read, bytes);
  assert.equal(seen.at(-1)[0], 300_000);
  assert.ok(seen.every(([, total]) => total === 300_000));
});

test('the second visit takes the model from the browser cache after a 304', async () => {
  const caches = memoryCaches();
  const server = modelServer(new Uint8Array([1, 2, 3, 4]));
  const first = await fetchModelBytes('/static/models/m.onnx', { cacheStorage: caches, fetchImpl: server.fetch });
  assert.equal(first.fromCache, false);
  const progress = [];
  const second = await fetchModelBytes('/static/models/m.onnx', { cacheStorage: caches, fetchImpl: server.fetch, onProgress: (...args) => progress.push(args) });
  assert.equal(second.fromCache, true);
  assert.deepEqual(second.bytes, new Uint8Array([1, 2, 3, 4]));
  assert.deepEqual(server.requests, ['full', 'conditional']);
  assert.deepEqual(progress, [[4, 4, { fromCache: true }]]);
});

test('a new model on the server replaces the cached copy; offline, the copy is used', async () => {
  const caches = memoryCaches();
  const server = modelServer(new Uint8Array([1, 2]));
  await fetchModelBytes('m.onnx', { cacheStorage: caches, fetchImpl: server.fetch });
  server.bytes = new Uint8Array([9, 9, 9]);
  server.etag = '"v2"';
  const updated = await fetchModelBytes('m.onnx', { cacheStorage: caches, fetchImpl: server.fetch });
  assert.deepEqual([updated.fromCache, [...updated.bytes]], [false, [9, 9, 9]]);
  const offline = await fetchModelBytes('m.onnx', { cacheStorage: caches, fetchImpl: async () => { throw new TypeError('Failed to fetch'); } });
  assert.deepEqual([offline.fromCache, [...offline.bytes]], [true, [9, 9, 9]]);
});
