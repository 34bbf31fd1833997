// The dashboard's decisions: which session is shown (picked by hand, or following the one
// active now), when its stats are read again (one refresh at a time; new counts from the live
// stream schedule one), and what the views show.
import { countOf } from '../ui/words.js';

const REFRESH_DELAY_MS = 1000;
const RELOAD_WHEN_EMPTY_MS = 15000;
export const WAITING_FOR_FIRST_RUN = 'Waiting for a first session: it shows here as soon as it starts.';
const ALERTS_SHOWN = 100;   // the most recent alerts listed (the API's largest page)

export class DashboardController {
  /** @param {{ api, timeZone, status, runView, picker, live, reload: () => void, demographics? }} parts */
  constructor({ api, timeZone, status, runView, picker, live, reload, demographics = null }) {
    Object.assign(this, { api, timeZone, status, runView, picker, live, reload, demographics });
    this.runId = null;
    this.runs = [];
    this.refreshTimer = null;
    this.refreshing = false;
    this.refreshAgain = false;
    // No session picked by hand: show whichever session is active now.
    this.followLatest = true;
  }

  get intents() {
    return {
      onPickRun: (runId) => { this.followLatest = false; this.select(runId); },
      onBucketChange: () => this.refresh(),
      onCounts: (payload) => {
        if (payload.run_id && payload.run_id !== this.runId && this.followLatest) this.switchTo(payload.run_id);
        else this.scheduleRefresh();
      },
      onRun: (payload) => {
        if (this.followLatest && payload.run_id && payload.run_id !== this.runId) this.switchTo(payload.run_id);
      },
    };
  }

  /** requestedRunId: the ?run= of the address (null: follow the latest session). */
  async start(requestedRunId) {
    this.runs = await this.loadRuns();
    if (!this.runs.length) {
      this.picker.hide();
      this.status.show(WAITING_FOR_FIRST_RUN);
      this.waitForFirstRun();
      return;
    }
    const requested = requestedRunId === null ? null : await this.findRun(requestedRunId);
    if (requested) {
      this.followLatest = false;
      await this.select(requested.id);
    } else {
      await this.select(this.runs[0].id);
      this.live.follow(this.api.liveUrl());
    }
    const missing = requestedRunId !== null && !requested ? `Session #${requestedRunId} was not found. ` : '';
    this.status.show(`${missing}${countOf(this.runs.length, 'session')}.${this.followLatest ? ' Following the most recently active one.' : ''}`);
  }

  /** A session by id: from the list, else (older than the list's page) from the server. */
  async findRun(runId) {
    if (!Number.isSafeInteger(runId)) return null;  // ?run=abc: no session has that id
    const listed = this.runs.find((run) => run.id === runId);
    if (listed) return listed;
    const run = await this.api.getRun(runId).catch(() => null);
    if (!run) return null;
    this.runs = [...this.runs, run];
    this.picker.showRuns(this.runs, { timeZone: this.timeZone });
    return run;
  }

  /** No session yet: ask the server again now and then and reload once one exists. A server
   * that does not answer is said so in the status line (reloading the page then left the user
   * on the browser's "This site can't be reached" page) and asked again later. */
  waitForFirstRun(delayMs = RELOAD_WHEN_EMPTY_MS) {
    this.firstRunTimer = setTimeout(async () => {
      try {
        const page = await this.api.listRuns({ perPage: 1 });
        if (page.items.length) {
          this.reload();
          return;
        }
        this.status.show(WAITING_FOR_FIRST_RUN);
      } catch (error) {
        this.status.error(error);
      }
      this.waitForFirstRun(delayMs);
    }, delayMs);
  }

  async loadRuns() {
    const page = await this.api.listRuns({ perPage: 100 });
    this.picker.showRuns(page.items, { timeZone: this.timeZone });
    return page.items;
  }

  /** One refresh at a time; a refresh asked for meanwhile (new counts, another session
   * picked) runs right after it, so the page never stays on an older answer. */
  async refresh() {
    if (this.runId === null) return;
    if (this.refreshing) {
      this.refreshAgain = true;
      return;
    }
    this.refreshing = true;
    const runId = this.runId;
    try {
      const bucket = this.picker.bucket;
      const tz = this.timeZone;
      const [stats, alerts] = await Promise.all([this.api.stats(runId, { bucket, tz }), this.api.alerts({ runId, perPage: ALERTS_SHOWN })]);
      if (runId !== this.runId) return;
      this.picker.showRun(stats.run);
      this.runView.render(stats, alerts.items, { chartUrl: (name) => `${this.api.chartUrl(runId, name, { tz })}&v=${stats.totals.samples}`, alertsTotal: alerts.total });
      this.picker.showCsvLinks({ buckets: this.api.csvUrl(runId, { bucket, tz }), events: this.api.csvUrl(runId, { bucket, tz, kind: 'events' }) });
      await this.demographics?.show(runId, { bucket, tz });
    } catch (error) {
      this.status.error(error);
    } finally {
      this.refreshing = false;
      if (this.refreshAgain) {
        this.refreshAgain = false;
        this.refresh();
      }
    }
  }

  scheduleRefresh() {
    if (this.refreshTimer) return;
    this.refreshTimer = setTimeout(() => { this.refreshTimer = null; this.refresh(); }, REFRESH_DELAY_MS);
  }

  /** A session picked by hand: its own live stream while it runs. */
  async select(runId) {
    this.runId = runId;
    this.picker.showPicked(runId);
    const run = this.runs.find((candidate) => candidate.id === runId);
    await this.refresh();
    if (this.followLatest) return;
    if (run && !run.ended_at) this.live.follow(this.api.liveUrl(runId));
    else this.live.close();
  }

  /** Following the latest session: another one became active (e.g. started elsewhere). */
  async switchTo(runId) {
    if (!this.runs.some((run) => run.id === runId)) this.runs = await this.loadRuns();
    await this.select(runId);
    this.status.show(`Showing session #${runId}, the one active now.`);
  }
}

/**
 * Pure: the session the address asks for (?run=): null when it asks for none, the id when it
 * is one, else the text as typed (a session that cannot exist, said so like a missing one;
 * '?run=abc' was passed over without a word and a 23-digit id was named '#1e+23').
 */
export function requestedRun(search) {
  const text = (new URLSearchParams(search).get('run') ?? '').trim();
  if (!text) return null;
  const id = /^[1-9][0-9]*$/.test(text) ? Number(text) : NaN;
  return Number.isSafeInteger(id) ? id : text.slice(0, 40);
}
