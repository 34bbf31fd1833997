// Chart.js charts (the UMD build served from /vendor/chart.js, as window.Chart).
import { isolated } from '../ui/words.js';
const FONT = { family: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif', size: 11 };

function chartLibrary() {
  if (!globalThis.Chart) throw new Error('Chart.js did not load (/vendor/chart.js/chart.umd.js).');
  return globalThis.Chart;
}

// A zone's name in a legend: at most this many characters (an 80-character name ran off both
// sides of a phone's chart). The tooltip keeps the whole name. The chart images cut names
// the same way (backend/services/charts.py LEGEND_NAME_MAX).
export const LEGEND_NAME_MAX = 32;

export function legendName(name) {
  const text = String(name);
  return isolated(text.length <= LEGEND_NAME_MAX ? text : `${text.slice(0, LEGEND_NAME_MAX - 1)}…`);
}

/** Chart.js legend items with their names cut to LEGEND_NAME_MAX. */
export function shortLegendLabels(chart) {
  const Chart = chartLibrary();
  return Chart.defaults.plugins.legend.labels.generateLabels(chart).map((item) => ({ ...item, text: legendName(item.text) }));
}

function baseOptions({ xTitle, yTitle, stacked = false }) {
  return {
    animation: false, responsive: true, maintainAspectRatio: false, parsing: false, normalized: true,
    interaction: { mode: 'nearest', intersect: false },
    plugins: { legend: { position: 'bottom', labels: { boxWidth: 10, font: FONT, generateLabels: shortLegendLabels } }, tooltip: { bodyFont: FONT, titleFont: FONT } },
    scales: {
      x: { type: 'linear', stacked, title: { display: Boolean(xTitle), text: xTitle, font: FONT }, ticks: { font: FONT, maxTicksLimit: 8 }, grid: { color: '#eef2f6' } },
      y: { beginAtZero: true, stacked, title: { display: Boolean(yTitle), text: yTitle, font: FONT }, ticks: { font: FONT, precision: 0 }, grid: { color: '#eef2f6' } },
    },
  };
}

export function secondsLabel(seconds) {
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** The x range of a chart over stream seconds: the data's span in whole seconds (a 3 s clip
 * gets 0:00-0:03, not a minute), at least one second; 0-1 s before there is any data. */
export function secondsRange(pointLists) {
  const times = pointLists.flat().map((point) => point.t).filter(Number.isFinite);
  if (!times.length) return { min: 0, max: 1 };
  const min = Math.max(0, Math.floor(Math.min(...times)));
  return { min, max: Math.max(min + 1, Math.ceil(Math.max(...times))) };
}

/** Occupancy of each zone over time. */
export class OccupancyChart {
  constructor(canvas) {
    const Chart = chartLibrary();
    const options = baseOptions({ yTitle: 'People in zone' });
    options.scales.x.ticks.callback = (value) => secondsLabel(value);
    options.scales.x.ticks.precision = 0;   // whole seconds: no "0:01, 0:01, 0:02" labels
    Object.assign(options.scales.x, secondsRange([]));
    this.chart = new Chart(canvas, { type: 'line', data: { datasets: [] }, options });
  }

  /** series: LiveSeries; zones: editor zones (name, colour) keyed by zone key. */
  update(series, zonesByKey) {
    this.chart.data.datasets = [...series.occupancy.entries()].map(([key, points]) => {
      const zone = zonesByKey.get(key);
      return {
        label: zone ? isolated(zone.name) : key, data: points.map(({ t, value }) => ({ x: t, y: value })),
        borderColor: zone ? zone.color : '#64748b', backgroundColor: zone ? zone.color : '#64748b',
        borderWidth: 2, pointRadius: 0, stepped: true,
      };
    });
    Object.assign(this.chart.options.scales.x, secondsRange([...series.occupancy.values()]));
    this.chart.update('none');
  }

  destroy() { this.chart.destroy(); }
}

/** Line in and line out per interval (all lines and bands together). */
export class FlowChart {
  constructor(canvas, { intervalSeconds }) {
    const Chart = chartLibrary();
    const options = baseOptions({ yTitle: `People per ${intervalSeconds} s` });
    options.scales.x = { type: 'category', ticks: { font: FONT, maxTicksLimit: 10 }, grid: { display: false } };
    options.parsing = true;
    this.chart = new Chart(canvas, {
      type: 'bar',
      data: { labels: [], datasets: [
        { label: 'Line in', data: [], backgroundColor: '#0f766e', borderRadius: 3 },
        { label: 'Line out', data: [], backgroundColor: '#f59e0b', borderRadius: 3 },
      ] },
      options,
    });
  }

  update(series) {
    this.chart.data.labels = series.intervals.map((bucket) => secondsLabel(bucket.start));
    this.chart.data.datasets[0].data = series.intervals.map((bucket) => bucket.entries);
    this.chart.data.datasets[1].data = series.intervals.map((bucket) => bucket.exits);
    this.chart.update('none');
  }

  destroy() { this.chart.destroy(); }
}

/** A generic bucketed chart for the dashboard page (server stats). */
export function bucketChart(canvas, { type, labels, datasets, yTitle, stacked = false }) {
  const Chart = chartLibrary();
  const options = baseOptions({ yTitle, stacked });
  options.parsing = true;
  // offset: every interval has a slot of its own, its point in the middle (a line's one
  // point sat on the y axis, half hidden, for a session of one interval).
  options.scales.x = { type: 'category', stacked, offset: true, ticks: { font: FONT, maxTicksLimit: 12 }, grid: { display: false } };
  // Few intervals: points big enough to see (no line joins a single one).
  const few = labels.length <= 3;
  const shown = type === 'line' && few ? datasets.map((dataset) => ({ ...dataset, pointRadius: Math.max(dataset.pointRadius ?? 0, 4) })) : datasets;
  return new Chart(canvas, { type, data: { labels, datasets: shown }, options });
}
