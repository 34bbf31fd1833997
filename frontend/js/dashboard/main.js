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
  const state = { runId: null, refreshTimer: null, refreshing: false };

  const live = new LiveStream({
    onCounts: () => scheduleRefresh(),
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

  async function refresh() {
    if (state.runId === null || state.refreshing) return;
    state.refreshing = true;
    try {
      const bucket = byId('bucket-select').value;
      const [stats, alerts] = await Promise.all([api.stats(state.runId, { bucket, tz: timeZone }), api.alerts({ runId: state.runId })]);
      view.render(stats, alerts.items, { chartUrl: (name) => `${api.chartUrl(state.runId, name, { tz: timeZone })}&v=${stats.totals.samples}` });
      byId('csv-buckets').href = api.csvUrl(state.runId, { bucket, tz: timeZone });
      byId('csv-events').href = api.csvUrl(state.runId, { bucket, tz: timeZone, kind: 'events' });
    } catch (error) {
      status.error(error);
    } finally {
      state.refreshing = false;
    }
  }

  function scheduleRefresh() {
    if (state.refreshTimer) return;
    state.refreshTimer = setTimeout(() => { state.refreshTimer = null; refresh(); }, 1000);
  }

  async function select(runId, runs) {
    state.runId = runId;
    byId('run-select').value = String(runId);
    const run = runs.find((candidate) => String(candidate.id) === String(runId));
    await refresh();
    if (run && !run.ended_at) live.follow(api.liveUrl(runId));
    else live.close();
  }

  async function start() {
    try {
      const runs = await loadRuns();
      if (!runs.length) { status.show('No sessions yet.'); return; }
      const requested = new URLSearchParams(location.search).get('run');
      await select(requested && runs.some((run) => String(run.id) === requested) ? Number(requested) : runs[0].id, runs);
      byId('run-select').addEventListener('change', (event) => select(Number(event.target.value), runs));
      byId('bucket-select').addEventListener('change', refresh);
      status.show(`${runs.length} session${runs.length === 1 ? '' : 's'}.`);
    } catch (error) {
      status.error(error);
    }
    document.body.dataset.dashboardReady = 'yes';
  }

  start();
}

main();
