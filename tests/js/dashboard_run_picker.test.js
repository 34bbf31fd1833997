import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DashboardController, requestedRun, WAITING_FOR_FIRST_RUN } from '../../frontend/js/dashboard/dashboard_controller.js';
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

/** A dashboard controller over fakes: the API knows `listed` (the list's page) and `others`. */
function dashboardOver({ listed, others = [] }) {
  const seen = { lists: [], picked: [], status: [], followed: [] };
  const find = (id) => [...listed, ...others].find((run) => run.id === id);
  const api = {
    listRuns: async () => ({ items: listed }),
    getRun: async (id) => { if (!find(id)) throw Object.assign(new Error('No such run.'), { status: 404 }); return find(id); },
    stats: async (id) => ({ run: find(id), totals: { samples: 0 } }),
    alerts: async () => ({ items: [], total: 0 }),
    chartUrl: () => '/c', csvUrl: () => '/csv', liveUrl: (id) => `/live/${id ?? ''}`,
  };
  const picker = {
    bucket: '1m', showRun() {}, showCsvLinks() {}, hide() {},
    showRuns: (runs) => seen.lists.push(runs.map((run) => run.id)),
    showPicked: (id) => seen.picked.push(id),
  };
  const controller = new DashboardController({
    api, timeZone: 'UTC', picker, runView: { render() {} }, reload() {},
    status: { show: (text) => seen.status.push(text), error: (error) => { throw error; } },
    live: { follow: (url) => seen.followed.push(url), close() {} },
  });
  return { controller, seen };
}

const session = (id, ended = true) => ({ id, label: null, source_kind: 'webcam', started_at: '2026-03-01T10:00:00Z', ended_at: ended ? '2026-03-01T11:00:00Z' : null });

// The list holds the 100 most recent sessions: a link to an older one (a bookmark, a report)
// showed the newest session instead, without a word.
test('a session asked for by address is shown even when it is older than the list', async () => {
  const { controller, seen } = dashboardOver({ listed: [session(150, false), session(149)], others: [session(12)] });
  await controller.start(12);
  assert.equal(controller.runId, 12);
  assert.deepEqual(seen.picked, [12]);
  assert.deepEqual(seen.lists.at(-1), [150, 149, 12]);
  assert.equal(controller.followLatest, false);
});

test('a session that does not exist (or is not yours) is said so, and the latest is shown', async () => {
  const { controller, seen } = dashboardOver({ listed: [session(150, false)] });
  await controller.start(7);
  assert.equal(controller.runId, 150);
  assert.match(seen.status.at(-1), /^Session #7 was not found\. 1 session\. Following the most recently active one\.$/);
});

// ?run=abc showed the latest session without a word, and ?run=99999999999999999999999 said
// "Session #1e+23 was not found".
test('an address that cannot name a session is said so in the words it was typed', async () => {
  assert.equal(requestedRun(''), null);
  assert.equal(requestedRun('?run='), null);
  assert.equal(requestedRun('?run=12'), 12);
  assert.equal(requestedRun('?run=abc'), 'abc');
  assert.equal(requestedRun('?run=-3'), '-3');
  assert.equal(requestedRun('?run=99999999999999999999999'), '99999999999999999999999');
  for (const [asked, shown] of [['?run=abc', 'abc'], ['?run=99999999999999999999999', '99999999999999999999999']]) {
    const { controller, seen } = dashboardOver({ listed: [session(150, false)] });
    await controller.start(requestedRun(asked));
    assert.equal(controller.runId, 150);
    assert.equal(seen.status.at(-1), `Session #${shown} was not found. 1 session. Following the most recently active one.`);
  }
});

// With no session yet the dashboard reloaded itself every 15 s: when the server was down by
// then, the user was left on the browser's "This site can't be reached" page. It now asks the
// server, says when it does not answer, and reloads only once a session exists.
test('an empty dashboard waits for a first session and says so when the server does not answer', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const answers = [[], new TypeError('Failed to fetch'), [], [session(1, false)]];
  const seen = { status: [], errors: [], reloads: 0, asked: 0 };
  const api = {
    listRuns: async () => {
      seen.asked += 1;
      const answer = answers.shift();
      if (answer instanceof Error) throw answer;
      return { items: answer };
    },
  };
  const controller = new DashboardController({
    api, timeZone: 'UTC', runView: {}, live: {}, reload: () => { seen.reloads += 1; },
    picker: { showRuns() {}, hide() {} },
    status: { show: (text) => seen.status.push(text), error: (error) => seen.errors.push(error.message) },
  });
  await controller.start(null);
  assert.deepEqual(seen.status, [WAITING_FOR_FIRST_RUN]);
  assert.doesNotMatch(WAITING_FOR_FIRST_RUN, /No sessions yet/);  // the card under it says that
  const later = async () => { t.mock.timers.tick(15000); for (let i = 0; i < 5; i += 1) await Promise.resolve(); };
  await later();  // the server does not answer: said so, no reload
  assert.deepEqual(seen.errors, ['Failed to fetch']);
  assert.equal(seen.reloads, 0);
  await later();  // it answers again, still no session
  assert.equal(seen.status.at(-1), WAITING_FOR_FIRST_RUN);
  assert.equal(seen.reloads, 0);
  await later();  // a session exists: the page reloads to show it, and stops asking
  assert.equal(seen.reloads, 1);
  await later();
  assert.equal(seen.asked, 4);
});
