import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FlowChart, OccupancyChart, bucketChart, legendName, secondsLabel, secondsRange } from '../../frontend/js/dashboard/charts.js';
import { DemographicCharts } from '../../frontend/js/demographics/demographic_chart.js';
import { LiveSeries } from '../../frontend/js/dashboard/live_series.js';
import { FIGURES } from '../../frontend/js/dashboard/figures.js';

// Chart.js stands in as a recorder of what the app asks it to draw.
class FakeChart {
  constructor(canvas, config) { Object.assign(this, config); this.updates = 0; }
  update() { this.updates += 1; }
  destroy() {}
}

function withFakeChart(body) {
  const previous = globalThis.Chart;
  globalThis.Chart = FakeChart;
  try { return body(); } finally { globalThis.Chart = previous; }
}

test('the live occupancy chart of a 3 s clip spans 0:00-0:03, not a minute', () => withFakeChart(() => {
  const chart = new OccupancyChart({});
  const series = new LiveSeries({ windowSeconds: 300, intervalSeconds: 5 });
  for (const t of [0, 0.5, 1, 1.5, 2, 2.5, 3]) series.observe({ zones: { 'zone-1': { occupancy: 1 } }, lines: {} }, t);
  chart.update(series, new Map([['zone-1', { name: 'Queue', color: '#0f766e' }]]));
  const x = chart.chart.options.scales.x;
  assert.deepEqual([x.min, x.max], [0, 3]);
  assert.equal(x.suggestedMax, undefined);
  assert.equal(x.ticks.precision, 0);
  assert.deepEqual([x.min, x.max].map((value) => x.ticks.callback(value)), ['0:00', '0:03']);
}));

test('the x range follows the data: a rolling window, a single instant, nothing yet', () => {
  assert.deepEqual(secondsRange([]), { min: 0, max: 1 });
  assert.deepEqual(secondsRange([[{ t: 0, value: 1 }]]), { min: 0, max: 1 });
  assert.deepEqual(secondsRange([[{ t: 120.4, value: 1 }, { t: 419.2, value: 2 }], [{ t: 200, value: 0 }]]), { min: 120, max: 420 });
  assert.equal(secondsLabel(419.6), '7:00');
});

test('chart titles and legends are in sentence case, like the rest of the page', () => withFakeChart(() => {
  const occupancy = new OccupancyChart({});
  const flow = new FlowChart({}, { intervalSeconds: 5 });
  const bucket = bucketChart({}, { type: 'bar', labels: [], yTitle: 'People', datasets: FIGURES.map(({ label }) => ({ label, data: [] })) });
  const demographics = new DemographicCharts({ genderCanvas: {}, bandCanvas: {} });
  demographics.update([{ label: 'Door in', byGender: { female: 1 }, byBand: { '25-34': 1 } }]);
  const words = [];
  for (const chart of [occupancy.chart, flow.chart, bucket, demographics.genderChart, demographics.bandChart]) {
    for (const axis of Object.values(chart.options.scales)) if (axis.title && axis.title.display) words.push(axis.title.text);
    for (const dataset of chart.data.datasets) words.push(dataset.label);
  }
  assert.ok(words.length > 10);
  assert.deepEqual(words.filter((word) => word[0] !== word[0].toUpperCase()), []);
}));

test('a session of one interval shows its point in the middle, big enough to see', () => withFakeChart(() => {
  const chart = bucketChart({}, { type: 'line', labels: ['6:29 PM'], yTitle: 'People', datasets: [{ label: 'Pavement', data: [6], pointRadius: 2 }] });
  assert.equal(chart.options.scales.x.offset, true);
  assert.equal(chart.data.datasets[0].pointRadius, 4);
  const many = bucketChart({}, { type: 'line', labels: ['1', '2', '3', '4'], yTitle: 'People', datasets: [{ label: 'Pavement', data: [1, 2, 3, 4], pointRadius: 2 }] });
  assert.equal(many.data.datasets[0].pointRadius, 2);
}));

test('a long zone name is cut in the legend (it ran off a phone\'s chart), whole in the tooltip', () => {
  const name = 'Kassenbereich_Eingang_Nord_Obergeschoss_Warteschlange_Kundenservice_0123456789';
  assert.equal(legendName('Queue'), 'Queue');
  assert.equal(legendName(name), `${name.slice(0, 31)}…`);
  assert.equal(legendName(name).length, 32);
  const previous = globalThis.Chart;
  globalThis.Chart = class extends FakeChart {};
  globalThis.Chart.defaults = { plugins: { legend: { labels: { generateLabels: (chart) => chart.data.datasets.map((dataset) => ({ text: dataset.label })) } } } };
  try {
    const chart = new OccupancyChart({});
    chart.update({ occupancy: new Map([['zone-1', [{ t: 0, value: 1 }]]]) }, new Map([['zone-1', { name, color: '#0f766e' }]]));
    assert.equal(chart.chart.data.datasets[0].label, name);
    const items = chart.chart.options.plugins.legend.labels.generateLabels(chart.chart);
    assert.deepEqual(items.map((item) => item.text), [`${name.slice(0, 31)}…`]);
  } finally {
    globalThis.Chart = previous;
  }
});

test('the age and gender bars name a long zone as the legends do (cut, with its direction kept)', async () => {
  const { barsFromTotals } = await import('../../frontend/js/demographics/dashboard_demographics.js');
  const { barsFor } = await import('../../frontend/js/demographics/demographics_panel.js');
  const name = 'Kassenbereich_Eingang_Nord_Obergeschoss_Warteschlange_Kundenservice_0123456789';
  const cut = `${name.slice(0, 31)}…`;
  assert.deepEqual(barsFromTotals([{ name, kind: 'in', by_gender: {}, by_age_band: {} }, { name: 'Door', kind: 'enter', by_gender: {}, by_age_band: {} }])
    .map((bar) => bar.label), [`${cut} in`, 'Door entered']);
  const tally = { totalsOf: () => ({ byGender: {}, byBand: {} }) };
  assert.deepEqual(barsFor([{ localId: 1, serverId: 4, kind: 'line', name }], tally).map((bar) => bar.label), [`${cut} in`, `${cut} out`]);
});
