// One counting session (a "run"): its reporter turns counts into samples and events, a timer
// hands them to the batch queue every few seconds, and the queue delivers them (or keeps
// them in IndexedDB until the server is back).
import { CountReporter } from '../api/count_reporter.js';

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
    let batch = this.reporter.takeBatch(this.newId());
    const rows = this.demographics ? this.demographics.takeRows() : [];
    if (rows.length) batch = { ...(batch || { batch_id: this.newId(), samples: [], events: [] }), demographics: rows };
    if (batch) await this.queue.enqueue(this.clientRunId, this.run, batch);
    await this.deliver();
  }

  async deliver() {
    await this.queue.flush();
    if (this.runId === null && this.sender.runIds.has(this.clientRunId)) {
      this.runId = this.sender.runIds.get(this.clientRunId);
      this.onRunCreated(this.runId);
    }
  }

  /** End: last sample, last batch, mark the run ended (when the server is there). */
  async stop(finalResult = null) {
    clearInterval(this.batchTimer);
    this.reporter.finish(finalResult);
    if (this.demographics) {
      if (finalResult) this.demographics.observe(finalResult.events, finalResult.timestamp ?? 0);
      this.demographics.finish();
    }
    await this.ship();
    await this.resolveRun();
    if (this.runId !== null) {
      try { await this.sender.resources.endRun(this.runId); } catch (error) { /* the run stays open; its counts are safe */ }
    }
  }

  dispose() {
    clearInterval(this.batchTimer);
  }
}
