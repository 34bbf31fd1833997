// The "nothing lost" queue: batches wait in a store (IndexedDB in the browser) until the
// server has acknowledged them. A batch keeps its batch_id for ever, so a re-send after a
// lost answer is a duplicate the server ignores. Pure logic: the store and the sender are given.
import { NetworkError, ApiError } from './http.js';

/**
 * @typedef {{ key: string, clientRunId: string, run: object, batch: { batch_id: string, samples: any[], events: any[] }, createdAt: number }} QueuedBatch
 * store: { put(item), delete(key), list() -> QueuedBatch[] oldest first, count() }
 * sender: { ensureRun(clientRunId, run) -> runId, sendBatch(runId, batch) -> { duplicate } }
 */
export class BatchQueue {
  constructor({ store, sender, onChange = () => {} }) {
    if (!store || !sender) throw new Error('BatchQueue needs a store and a sender.');
    this.store = store;
    this.sender = sender;
    this.onChange = onChange;
    this.flushing = null;
    this.followUp = null;
    this.enqueued = 0;
    this.state = { online: true, queuedBatches: 0, queuedSamples: 0, sentBatches: 0, sentSamples: 0, duplicates: 0, rejected: [], lastError: null };
  }

  async enqueue(clientRunId, run, batch) {
    if (!batch || typeof batch.batch_id !== 'string') throw new Error('A batch needs a batch_id.');
    await this.store.put({ key: batch.batch_id, clientRunId, run, batch, createdAt: Date.now(), order: this.enqueued++ });
    await this.refreshCounts();
  }

  /**
   * Send every queued batch, oldest first; stops at the first network failure. A call while
   * a pass is running gets one more pass after it (batches queued meanwhile go too).
   */
  flush() {
    if (this.flushing) {
      if (!this.followUp) {
        this.followUp = this.flushing.then(() => { this.followUp = null; return this.flush(); });
      }
      return this.followUp;
    }
    this.flushing = this.flushOnce().finally(() => { this.flushing = null; });
    return this.flushing;
  }

  async flushOnce() {
    const items = await this.store.list();
    for (const item of items) {
      try {
        const runId = await this.sender.ensureRun(item.clientRunId, item.run);
        const result = await this.sender.sendBatch(runId, item.batch);
        await this.store.delete(item.key);
        this.state.sentBatches += 1;
        this.state.sentSamples += item.batch.samples.length;
        if (result && result.duplicate) this.state.duplicates += 1;
        this.state.online = true;
        this.state.lastError = null;
      } catch (error) {
        if (error instanceof NetworkError) {
          this.state.online = false;
          this.state.lastError = error.message;
          await this.refreshCounts();
          return false;
        }
        if (error instanceof ApiError && error.status >= 400 && error.status < 500 && ![401, 403, 408, 429].includes(error.status)) {
          // The server will never accept this batch: set it aside (reported), keep going.
          await this.store.delete(item.key);
          this.state.rejected.push({ batchId: item.batch.batch_id, message: error.describe() });
          this.state.lastError = error.describe();
          continue;
        }
        this.state.lastError = error.message;
        this.state.online = !(error instanceof ApiError) || error.status < 500;
        await this.refreshCounts();
        return false;
      }
    }
    await this.refreshCounts();
    return true;
  }

  async refreshCounts() {
    const items = await this.store.list();
    this.state.queuedBatches = items.length;
    this.state.queuedSamples = items.reduce((sum, item) => sum + item.batch.samples.length, 0);
    this.onChange({ ...this.state, rejected: [...this.state.rejected] });
  }
}

/** A store kept in memory (tests, and the fallback when IndexedDB is unavailable). */
export class MemoryBatchStore {
  constructor() { this.items = new Map(); }
  async put(item) { this.items.set(item.key, structuredClone(item)); }
  async delete(key) { this.items.delete(key); }
  async list() { return [...this.items.values()].sort((a, b) => a.createdAt - b.createdAt || a.order - b.order); }
  async count() { return this.items.size; }
}
