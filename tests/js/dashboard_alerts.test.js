import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RunView } from '../../frontend/js/dashboard/run_view.js';
import { DashboardController } from '../../frontend/js/dashboard/dashboard_controller.js';
import { FakeNode, withFakeDom } from './fake_dom.js';

const alert = (i) => ({ id: i, zone_key: 'zone-1', zone_name: 'Till', started_at: `2026-03-01T10:${String(i).padStart(2, '0')}:00Z`, ended_at: null, peak_occupancy: 3, threshold: 2 });

// A busy session had 35 alerts: the KPI said 35 while the list showed the 20 of the API's
// first page, with nothing saying that 15 were missing.
test('a session with more alerts than the list shows says how many it leaves out', () => {
  const list = new FakeNode('ul');
  const shown = Array.from({ length: 20 }, (_, i) => alert(i));
  withFakeDom(() => new RunView().renderAlerts(shown, new Map(), 'UTC', 35), { elements: { 'alert-list': list } });
  assert.equal(list.children.length, 21);
  assert.equal(list.children.at(-1).textContent, 'The 20 most recent of 35 alerts; the CSV of events lists them all.');
  withFakeDom(() => new RunView().renderAlerts(shown.slice(0, 3), new Map(), 'UTC', 3), { elements: { 'alert-list': list } });
  assert.equal(list.children.length, 3);
});

test('the dashboard asks for a full page of a session\'s alerts and passes their total on', async () => {
  const asked = [];
  const rendered = [];
  const api = {
    stats: async () => ({ run: { id: 4 }, totals: { samples: 1 } }),
    alerts: async (options) => { asked.push(options); return { items: [alert(1)], total: 120, page: 1, per_page: 100 }; },
    chartUrl: () => '/c', csvUrl: () => '/csv',
  };
  const picker = { bucket: '1m', showRun() {}, showCsvLinks() {}, showPicked() {} };
  const runView = { render: (stats, alerts, options) => rendered.push({ alerts, total: options.alertsTotal }) };
  const controller = new DashboardController({ api, timeZone: 'UTC', status: { error: (e) => { throw e; } }, runView, picker, live: {}, reload() {} });
  controller.runId = 4;
  await controller.refresh();
  assert.deepEqual(asked, [{ runId: 4, perPage: 100 }]);
  assert.deepEqual(rendered, [{ alerts: [alert(1)], total: 120 }]);
});
