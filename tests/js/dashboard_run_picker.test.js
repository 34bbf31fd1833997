import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DashboardController } from '../../frontend/js/dashboard/dashboard_controller.js';
import { runOptionLabel } from '../../frontend/js/dashboard/run_picker_view.js';

// A session started at 23:30 UTC: 08:30 the next morning in Tokyo, 18:30 the day before in
// New York. The picker wrote it in the browser's zone while the run's line below it and the
// intervals used the profile's, so one session showed two start times on one screen.
const RUN = { id: 7, label: 'Front door', source_kind: 'webcam', started_at: '2026-03-01T23:30:00Z', ended_at: null };

test('a session is named with its start in the time zone given, running or not', () => {
  const tokyo = runOptionLabel(RUN, 'Asia/Tokyo');
  assert.match(tokyo, /^#7 · Front door · /);
  assert.match(tokyo, /Mar 2, 2026/);
  assert.match(tokyo, /8:30/);
  assert.match(tokyo, /\(running\)$/);
  const newYork = runOptionLabel({ ...RUN, label: null, ended_at: '2026-03-02T00:00:00Z' }, 'America/New_York');
  assert.match(newYork, /^#7 · webcam · Mar 1, 2026/);
  assert.match(newYork, /6:30/);
  assert.doesNotMatch(newYork, /running/);
});

test('the dashboard lists its sessions in the profile time zone it shows their stats in', async () => {
  const shown = [];
  const picker = { showRuns: (runs, options) => shown.push({ runs, options }) };
  const api = { listRuns: async () => ({ items: [RUN] }) };
  const controller = new DashboardController({ api, timeZone: 'Asia/Tokyo', status: {}, runView: {}, picker, live: {}, reload: () => {} });
  assert.deepEqual(await controller.loadRuns(), [RUN]);
  assert.deepEqual(shown, [{ runs: [RUN], options: { timeZone: 'Asia/Tokyo' } }]);
});
