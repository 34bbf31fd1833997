// Dashboard page: pick a run, see its stats and charts, download CSV; a running session
// (from this or another browser) updates live over server-sent events.
import { readPageConfig, browserTimeZone } from '../config/page_config.js';
import { HttpClient } from '../api/http.js';
import { ApiResources } from '../api/resources.js';
import { StatusArea } from '../ui/status_area.js';
import { byId, h, formatDateTime } from '../ui/dom.js';
import { RunView } from './run_view.js';
import { LiveStream } from './live_stream.js';

function main() {
  const config = readPageConfig();
  const timeZone = browserTimeZone();
  const api = new ApiResources(new HttpClient({ csrfToken: config.csrfToken }));
  const status = new StatusArea(byId('status-area'));
  const view = new RunView();
  // followLatest: no session picked by hand, so show whichever session is active now.
  const state = { runId: null, refreshTimer: null, refreshing: false, refreshAgain: false, followLatest: true, runs: [] };

  const live = new LiveStream({
    onCounts: (payload) => {
      if (payload.run_id && payload.run_id !== state.runId && state.followLatest) switchTo(payload.run_id);
      else scheduleRefresh();
    },
    onRun: (payload) => {
      if (state.followLatest && payload.run_id && payload.run_id !== state.runId) switchTo(payload.run_id);
    },
    onState: (value) => {
      byId('live-state').replaceChildren(h('span', { class: `live-dot ${value === 'live' ? 'is-live' : ''}` }),
        value === 'live' ? 'Live' : value === 'reconnecting' ? 'Reconnecting…' : 'Not live');
    },
  });

  async function loadRuns() {
    const page = await api.listRuns({ perPage: 100 });
    const select = byId('run-select');
    byId('no-runs').hidden = page.items.length > 0;
    select.replaceChildren(...page.items.map((run) => h('option', { value: run.id },
      `#${run.id} · ${run.label || run.source_kind} · ${formatDateTime(run.started_at)}${run.ended_at ? '' : ' (running)'}`)));
    return page.items;
  }

  /** One refresh at a time; a refresh asked for meanwhile (new counts, another session
   * picked) runs right after it, so the page never stays on an older answer. */
  async function refresh() {
    if (state.runId === null) return;
    if (state.refreshing) {
      state.refreshAgain = true;
      return;
    }
    state.refreshing = true;
    const runId = state.runId;
    try {
      const bucket = byId('bucket-select').value;
      const [stats, alerts] = await Promise.all([api.stats(runId, { bucket, tz: timeZone }), api.alerts({ runId })]);
      if (runId !== state.runId) return;
      view.render(stats, alerts.items, { chartUrl: (name) => `${api.chartUrl(runId, name, { tz: timeZone })}&v=${stats.totals.samples}` });
      byId('csv-buckets').href = api.csvUrl(runId, { bucket, tz: timeZone });
      byId('csv-events').href = api.csvUrl(runId, { bucket, tz: timeZone, kind: 'events' });
    } catch (error) {
      status.error(error);
    } finally {
      state.refreshing = false;
      if (state.refreshAgain) {
        state.refreshAgain = false;
        refresh();
      }
    }
  }

  function scheduleRefresh() {
    if (state.refreshTimer) return;
    state.refreshTimer = setTimeout(() => { state.refreshTimer = null; refresh(); }, 1000);
  }

  /** A session picked by hand: its own live stream while it runs. */
  async function select(runId) {
    state.runId = runId;
    byId('run-select').value = String(runId);
    const run = state.runs.find((candidate) => String(candidate.id) === String(runId));
    await refresh();
    if (state.followLatest) return;
    if (run && !run.ended_at) live.follow(api.liveUrl(runId));
    else live.close();
  }

  /** Following the latest session: another one became active (e.g. started elsewhere). */
  async function switchTo(runId) {
    if (!state.runs.some((run) => run.id === runId)) state.runs = await loadRuns();
    await select(runId);
    status.show(`Showing session #${runId}, the one active now.`);
  }

  async function start() {
    try {
      state.runs = await loadRuns();
      byId('run-select').addEventListener('change', (event) => { state.followLatest = false; select(Number(event.target.value)); });
      byId('bucket-select').value = config.statsBucket;
      byId('bucket-select').addEventListener('change', refresh);
      if (!state.runs.length) {
        byId('dashboard-controls-card').hidden = true;
        status.show('No sessions yet. This page picks up a session as soon as one starts.');
        setTimeout(() => location.reload(), 15000);
        return;
      }
      const requested = new URLSearchParams(location.search).get('run');
      if (requested && state.runs.some((run) => String(run.id) === requested)) {
        state.followLatest = false;
        await select(Number(requested));
      } else {
        await select(state.runs[0].id);
        live.follow(api.liveUrl());
      }
      status.show(`${state.runs.length} session${state.runs.length === 1 ? '' : 's'}.${state.followLatest ? ' Following the most recently active one.' : ''}`);
    } catch (error) {
      status.error(error);
    } finally {
      document.body.dataset.dashboardReady = 'yes';
    }
  }

  start();
}

main();
