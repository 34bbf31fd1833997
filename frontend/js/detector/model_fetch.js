// The model file, with download progress, kept in the browser's Cache Storage between visits.
// A cached copy is checked with one conditional request (If-None-Match: a 304 costs a few
// bytes) and used as is when the server cannot be reached. No DOM: runs in the worker.
export const MODEL_CACHE = 'people-counter-models-v1';

/** The body as bytes, calling onProgress(loaded, total) as chunks arrive (total 0: unknown). */
export async function readWithProgress(response, onProgress = () => {}) {
  const total = Number(response.headers.get('Content-Length')) || 0;
  if (!response.body) {
    const bytes = new Uint8Array(await response.arrayBuffer());
    onProgress(bytes.length, bytes.length);
    return bytes;
  }
  let buffer = new Uint8Array(total || 1 << 20);
  let loaded = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (loaded + value.length > buffer.length) {
      const bigger = new Uint8Array(Math.max(buffer.length * 2, loaded + value.length));
      bigger.set(buffer.subarray(0, loaded));
      buffer = bigger;
    }
    buffer.set(value, loaded);
    loaded += value.length;
    onProgress(loaded, total);
  }
  return loaded === buffer.length ? buffer : buffer.slice(0, loaded);
}

async function openCache(cacheStorage) {
  if (!cacheStorage) return null;
  try { return await cacheStorage.open(MODEL_CACHE); } catch { return null; }
}

async function keep(cache, url, response, onProgress) {
  const bytes = await readWithProgress(response, onProgress);
  if (cache) {
    const headers = {};
    for (const name of ['Content-Type', 'ETag', 'Last-Modified']) {
      const value = response.headers.get(name);
      if (value) headers[name] = value;
    }
    await cache.put(url, new Response(bytes, { headers })).catch(() => {});
  }
  return bytes;
}

/**
 * The model's bytes. onProgress(loaded, total, { fromCache }) reports the download (or the
 * cached copy at once). Returns { bytes, fromCache }.
 */
export async function fetchModelBytes(url, { onProgress = () => {}, cacheStorage = globalThis.caches, fetchImpl = globalThis.fetch } = {}) {
  const key = String(url);
  const cache = await openCache(cacheStorage);
  const cached = cache ? await cache.match(key) : undefined;
  if (cached) {
    const validator = cached.headers.get('ETag') ? { 'If-None-Match': cached.headers.get('ETag') }
      : cached.headers.get('Last-Modified') ? { 'If-Modified-Since': cached.headers.get('Last-Modified') } : null;
    let check = null;
    try {
      check = validator ? await fetchImpl(key, { headers: validator, cache: 'no-store' }) : null;
    } catch {
      check = null; // offline: the copy we have
    }
    if (!check || check.status === 304 || !check.ok) {
      const bytes = new Uint8Array(await cached.arrayBuffer());
      onProgress(bytes.length, bytes.length, { fromCache: true });
      return { bytes, fromCache: true };
    }
    return { bytes: await keep(cache, key, check, onProgress), fromCache: false };
  }
  const response = await fetchImpl(key);
  if (!response.ok) throw new Error(`model ${key}: HTTP ${response.status}`);
  return { bytes: await keep(cache, key, response, onProgress), fromCache: false };
}
