// The dashboard's view of one run: KPIs, zone table, charts from /stats, alerts, chart images.
import { bucketChart } from './charts.js';
import { byId, h, formatDateTime } from '../ui/dom.js';
import { FRAME_KEY } from '../api/protocol.js';
import { PALETTE } from '../editor/zone_model.js';

const KIND_LABELS = { polygon: 'Zone', line: 'Line', band: 'Band' };

function kindLabel(zone) {
  if (zone.zone_key === FRAME_KEY) return 'Whole frame';
  return KIND_LABELS[zone.kind] || 'Unsaved line or zone';
}

export function zoneName(zone) {
  if (zone.name) return zone.name;
  return zone.zone_key === FRAME_KEY ? 'Whole frame' : zone.zone_key;
}

/** Pure: bucket rows -> labels and per-zone series. */
export function bucketSeries(buckets, zones) {
  const labels = [...new Set(buckets.map((bucket) => bucket.start_local || bucket.start))].sort();
  const index = new Map(labels.map((label, i) => [label, i]));
  const entries = new Array(labels.length).fill(0);
  const exits = new Array(labels.length).fill(0);
  const occupancy = new Map();
  const kinds = new Map(zones.map((zone) => [zone.zone_key, zone.kind]));
  for (const bucket of buckets) {
    const i = index.get(bucket.start_local || bucket.start);
    if (kinds.get(bucket.zone_key) !== 'polygon') {
      // Counts are lines and bands (and zones' own entries are separate): in/out = lines.
      if (bucket.zone_key !== 'frame') { entries[i] += bucket.entries; exits[i] += bucket.exits; }
    }
    if (kinds.get(bucket.zone_key) === 'polygon' || bucket.zone_key === 'frame') {
      if (!occupancy.has(bucket.zone_key)) occupancy.set(bucket.zone_key, new Array(labels.length).fill(null));
      occupancy.get(bucket.zone_key)[i] = bucket.max_occupancy;
    }
  }
  return { labels, entries, exits, occupancy };
}

function shortLabel(label) {
  const match = /T(\d\d:\d\d)/.exec(label);
  return match ? match[1] : label;
}

export class RunView {
  constructor() {
    this.charts = [];
  }

  render(stats, alerts, { chartUrl }) {
    byId('run-view').hidden = false;
    const zones = stats.zones;
    // In and out: every line and band (saved or not); zones' entries are visits, not counts.
    const lines = zones.filter((zone) => zone.kind !== 'polygon' && zone.zone_key !== 'frame');
    byId('kpi-entries').textContent = lines.reduce((sum, zone) => sum + zone.entries, 0);
    byId('kpi-exits').textContent = lines.reduce((sum, zone) => sum + zone.exits, 0);
    const peaks = zones.filter((zone) => zone.kind === 'polygon').map((zone) => zone.peak_occupancy || 0);
    byId('kpi-peak').textContent = peaks.length ? Math.max(...peaks) : (stats.totals.peak_occupancy ?? '–');
    byId('kpi-alerts').textContent = stats.totals.alerts ?? alerts.length;
    byId('kpi-samples').textContent = stats.totals.samples;
    const run = stats.run;
    byId('run-meta').textContent = `${run.label || run.source_kind} · started ${formatDateTime(run.started_at)}${run.ended_at ? ` · ended ${formatDateTime(run.ended_at)}` : ' · running'}`;
    this.renderTable(zones);
    this.renderCharts(stats);
    this.renderAlerts(alerts);
    byId('server-charts').replaceChildren(...['cumulative', 'occupancy', 'hourly'].map((name) => h('figure', {},
      h('a', { href: chartUrl(name), target: '_blank', rel: 'noopener' }, h('img', { src: chartUrl(name), alt: `${name} chart` })),
      h('figcaption', {}, { cumulative: 'Cumulative in and out', occupancy: 'Occupancy over time', hourly: 'By hour of day' }[name]))));
  }

  renderTable(zones) {
    const rows = zones.map((zone) => h('tr', { dataset: { zoneKey: zone.zone_key } },
      h('td', {}, h('strong', {}, zoneName(zone))), h('td', { class: 'muted' }, kindLabel(zone)),
      h('td', { class: 'num' }, zone.entries), h('td', { class: 'num' }, zone.exits),
      h('td', { class: 'num' }, zone.current_occupancy ?? '–'), h('td', { class: 'num' }, zone.peak_occupancy ?? '–'),
      h('td', { class: 'num' }, zone.avg_dwell_s ? `${zone.avg_dwell_s.toFixed(1)} s` : '–')));
    byId('zone-table').replaceChildren(...(rows.length ? rows : [h('tr', {}, h('td', { colspan: 7, class: 'muted' }, 'No counts in this session yet.'))]));
  }

  renderCharts(stats) {
    this.charts.forEach((chart) => chart.destroy());
    const series = bucketSeries(stats.buckets, stats.zones);
    const labels = series.labels.map(shortLabel);
    const names = new Map(stats.zones.map((zone) => [zone.zone_key, zoneName(zone)]));
    this.charts = [
      bucketChart(byId('flow-chart'), { type: 'bar', labels, yTitle: 'people', datasets: [
        { label: 'In', data: series.entries, backgroundColor: '#0f766e', borderRadius: 3 },
        { label: 'Out', data: series.exits, backgroundColor: '#f59e0b', borderRadius: 3 }] }),
      bucketChart(byId('occupancy-chart'), { type: 'line', labels, yTitle: 'people', datasets: [...series.occupancy].map(([key, data], i) => ({
        label: names.get(key) || key, data, borderColor: PALETTE[i % PALETTE.length], backgroundColor: PALETTE[i % PALETTE.length], stepped: true, pointRadius: 2, spanGaps: true })) }),
    ];
  }

  renderAlerts(alerts) {
    const items = alerts.map((alert) => h('li', { class: `alert-entry ${alert.ended_at ? 'alert-end' : 'alert-start'}` },
      h('span', { class: 'alert-time mono' }, new Date(alert.started_at).toLocaleTimeString()),
      h('span', {}, `${alert.zone_name || alert.zone_key}: up to ${alert.peak_occupancy ?? '?'} people (limit ${alert.threshold ?? '?'})${alert.ended_at ? `, until ${new Date(alert.ended_at).toLocaleTimeString()}` : ', still on'}`)));
    byId('alert-list').replaceChildren(...(items.length ? items : [h('li', { class: 'muted' }, 'No alerts in this session.')]));
  }
}
