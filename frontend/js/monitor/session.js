// One counting session (a "run"): its reporter turns counts into samples and events, a timer
// hands them to the batch queue every few seconds, and the queue delivers them (or keeps
// them in IndexedDB until the server is back).
import { CountReporter } from '../api/count_reporter.js';

/** Browsers allow 64 KB of keepalive request bodies in flight; larger last batches wait in the queue. */
const KEEPALIVE_BYTES = 60000;

export class CountingSession {
  /**
   * @param {{ queue, sender, run: { source_kind, video_id?, camera_key?, label? }, lineKeys, zoneKeys,
   *   epochAtZeroMs, config, newId?: () => string, onRunCreated?: (runId) => void,
   *   demographics?: import('../demographics/demographic_tally.js').DemographicTally|null }} options
   * demographics: only when the source's age/gender switch is on; its rows ride in the batches.
   */
  constructor({ queue, sender, run, lineKeys, zoneKeys, epochAtZeroMs, config, newId = () => crypto.randomUUID(), onRunCreated = () => {}, clientRunId = null, demographics = null }) {
    this.queue = queue;
    this.sender = sender;
    this.run = run;
    this.config = config;
    this.newId = newId;
    this.onRunCreated = onRunCreated;
    // A counting station that restarts a page continues the same run (same client id).
    this.clientRunId = clientRunId || newId();
    this.runId = null;
    this.reporter = new CountReporter({ lineKeys, zoneKeys, epochAtZeroMs, sampleIntervalSeconds: config.sampleIntervalSeconds });
    this.demographics = demographics;
    this.batchTimer = null;
  }

  /** Retrying while offline is the page's job (one timer for every session's leftovers). */
  async start() {
    this.batchTimer = setInterval(() => this.ship(), this.config.batchIntervalSeconds * 1000);
    await this.resolveRun();
  }

  /** The server's run id (made idempotently from client_run_id); null while offline. */
  async resolveRun() {
    if (this.runId !== null) return this.runId;
    try {
      this.runId = await this.sender.ensureRun(this.clientRunId, this.run);
      this.onRunCreated(this.runId);
    } catch (error) {
      // Offline: the queue creates the run when it delivers the first batch.
    }
    return this.runId;
  }

  observe(result, frame) {
    this.reporter.observe(result, frame);
    this.demographics?.observe(result.events, frame.timestamp);
  }

  /** Move what the reporter collected into the queue (new batch id each time) and deliver. */
  async ship() {
    const batch = this.takeBatch();
    if (batch) await this.queue.enqueue(this.clientRunId, this.run, batch);
    await this.deliver();
  }

  /** What the reporter (and the demographic tally) collected, as one batch; null if nothing. */
  takeBatch({ last = false } = {}) {
    let batch = this.reporter.takeBatch(this.newId());
    const rows = this.demographics ? this.demographics.takeRows() : [];
    if (rows.length) batch = { ...(batch || { batch_id: this.newId(), samples: [], events: [] }), demographics: rows };
    // The run's last batch ends the run on the server when it is stored, whenever that is.
    return batch && last ? { ...batch, ends_run: true } : batch;
  }

  /** The final counts: the engine's flush() into the reporter and the demographic tally. */
  finishCounts(finalResult) {
    clearInterval(this.batchTimer);
    this.reporter.finish(finalResult);
    if (this.demographics) {
      if (finalResult) this.demographics.observe(finalResult.events, finalResult.timestamp ?? 0);
      this.demographics.finish();
    }
  }

  async deliver() {
    await this.queue.flush();
    if (this.runId === null && this.sender.runIds.has(this.clientRunId)) {
      this.runId = this.sender.runIds.get(this.clientRunId);
      this.onRunCreated(this.runId);
    }
  }

  /**
   * End: last sample, last batch (it ends the run when the server stores it, now or when the
   * queue gets it there), or, with nothing left to send, the run ended directly.
   * endRun false (a counting station's page restarting): the run goes on in the next page.
   */
  async stop(finalResult = null, { endRun = true } = {}) {
    this.finishCounts(finalResult);
    const batch = this.takeBatch({ last: endRun });
    if (batch) await this.queue.enqueue(this.clientRunId, this.run, batch);
    await this.deliver();
    await this.resolveRun();
    if (!batch && endRun && this.runId !== null) {
      try { await this.sender.resources.endRun(this.runId); } catch (error) { /* the run stays open; its counts are safe */ }
    }
  }

  /**
   * The page is going away (tab closed, reload, another page) while counting: nothing can be
   * awaited any more. The last batch goes into the queue (IndexedDB: the next visit delivers
   * it if nothing else does) and, when the server's run id is known, straight to the server in
   * a keepalive request that outlives the page; either way it ends the run when stored.
   */
  leave(finalResult = null, { endRun = true } = {}) {
    this.finishCounts(finalResult);
    const batch = this.takeBatch({ last: endRun });
    if (!batch) {
      if (endRun && this.runId !== null) this.sender.resources.endRun(this.runId, { keepalive: true }).catch(() => {});
      return;
    }
    this.queue.enqueue(this.clientRunId, this.run, batch).catch(() => {});
    if (this.runId !== null && JSON.stringify(batch).length < KEEPALIVE_BYTES) {
      this.sender.resources.sendBatch(this.runId, batch, { keepalive: true }).catch(() => {});
    }
  }

  dispose() {
    clearInterval(this.batchTimer);
  }
}
