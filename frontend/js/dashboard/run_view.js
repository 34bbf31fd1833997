// The dashboard's view of one run: KPIs, zone table, charts from /stats, alerts, chart images.
// Every figure has one name (figures.js): line in / out, zone entered / left, occupancy.
import { bucketChart } from './charts.js';
import { FIGURES, bucketSeries, serverFigures } from './figures.js';
import { byId, h, formatDate, formatDateTime, formatTime } from '../ui/dom.js';
import { FRAME_KEY } from '../api/protocol.js';
import { PALETTE } from '../editor/zone_model.js';
import { isolated, nounFor } from '../ui/words.js';

const KIND_LABELS = { polygon: 'Zone', line: 'Line', band: 'Band', frame: 'Whole picture' };
const FIGURE_KIND_LABELS = { line: 'Line (not saved)', zone: 'Zone (not saved)', frame: 'Whole picture' };
const FLOW_COLOURS = { line_in: '#0f766e', line_out: '#f59e0b', zone_entered: '#2563eb', zone_left: '#a855f7' };

function kindLabel(zone) {
  if (zone.zone_key === FRAME_KEY) return KIND_LABELS.frame;
  return KIND_LABELS[zone.kind] || FIGURE_KIND_LABELS[zone.figure] || 'Not saved';
}

export function zoneName(zone) {
  if (zone.zone_key === FRAME_KEY) return 'People in view';
  return zone.name || zone.zone_key;
}

/** An interval's label in the statistics' time zone (stats.tz: the profile's, or ?tz=), so a
 * day or an hour is labelled as the server cut it and as the CSV's time_local writes it. */
export function bucketLabel(start, bucket, timeZone) {
  if (bucket === '1d') return formatDate(start, { timeZone });
  return formatTime(start, { timeZone });
}

// label: the column's heading, shown beside the value where a phone stacks each row as a card
const dash = (label) => h('td', { class: 'num muted is-empty', dataset: { label } }, '–');
const num = (value, label) => (value === null || value === undefined ? dash(label) : h('td', { class: 'num', dataset: { label } }, value));

export class RunView {
  constructor() {
    this.charts = [];
  }

  /** alerts: the most recent of the run's alerts; alertsTotal: how many it has in all. */
  render(stats, alerts, { chartUrl, alertsTotal = alerts.length }) {
    byId('run-view').hidden = false;
    const figures = serverFigures(stats);
    for (const { key } of FIGURES) byId(`kpi-${key}`).textContent = figures[key];
    byId('kpi-peak').textContent = stats.totals.peak_occupancy ?? '–';
    byId('kpi-in-view').textContent = stats.totals.peak_in_view ?? '–';
    byId('kpi-alerts').textContent = stats.totals.alerts ?? alerts.length;
    byId('kpi-samples').textContent = stats.totals.samples;
    byId('kpi-samples-noun').textContent = nounFor(stats.totals.samples, 'count reading');
    const run = stats.run;
    const timeZone = stats.tz;
    byId('run-meta').textContent = `${isolated(run.label || run.source_kind)} · started ${formatDateTime(run.started_at, { timeZone })}${run.ended_at ? ` · ended ${formatDateTime(run.ended_at, { timeZone })}` : ' · running'}`;
    this.renderTable(stats.zones);
    this.renderCharts(stats);
    this.renderAlerts(alerts, new Map(stats.zones.map((zone) => [zone.zone_key, zoneName(zone)])), timeZone, alertsTotal);
    // width/height: the PNGs' size (backend/services/charts.py, 800 x 360), so each image has
    // its place while the server draws it (a second or so) instead of an empty line.
    byId('server-charts').replaceChildren(...['cumulative', 'occupancy', 'hourly'].map((name) => h('figure', {},
      h('a', { href: chartUrl(name), target: '_blank', rel: 'noopener' }, h('img', { src: chartUrl(name), alt: `${name} chart`, width: 800, height: 360 })),
      h('figcaption', {}, { cumulative: 'Cumulative line in / out, zone entered / left', occupancy: 'Occupancy over time', hourly: 'By hour of day' }[name]))));
  }

  renderTable(zones) {
    const rows = zones.map((zone) => h('tr', { dataset: { zoneKey: zone.zone_key } },
      h('td', { class: 'zone-name' }, h('strong', {}, zoneName(zone))), h('td', { class: 'muted zone-kind' }, kindLabel(zone)),
      num(zone.line_in, 'Line in'), num(zone.line_out, 'Line out'), num(zone.zone_entered, 'Zone entered'), num(zone.zone_left, 'Zone left'),
      ...(zone.figure === 'line' ? [dash('Now'), dash('Peak')] : [num(zone.current_occupancy, 'Now'), num(zone.peak_occupancy, 'Peak')]),
      zone.avg_dwell_s ? h('td', { class: 'num', dataset: { label: 'Avg. dwell' } }, `${zone.avg_dwell_s.toFixed(1)} s`) : dash('Avg. dwell')));
    byId('zone-table').replaceChildren(...(rows.length ? rows : [h('tr', {}, h('td', { colspan: 9, class: 'muted' }, 'No counts in this session yet.'))]));
  }

  renderCharts(stats) {
    this.charts.forEach((chart) => chart.destroy());
    const { starts, series, present, occupancy } = bucketSeries(stats.buckets);
    const labels = starts.map((start) => bucketLabel(start, stats.bucket, stats.tz));
    const names = new Map(stats.zones.map((zone) => [zone.zone_key, zoneName(zone)]));
    // Only the whole picture was counted: empty axes said nothing about why.
    byId('flow-chart-box').hidden = present.length === 0;
    byId('flow-chart-empty').hidden = present.length > 0;
    byId('occupancy-chart-box').hidden = occupancy.size === 0;
    byId('occupancy-chart-empty').hidden = occupancy.size > 0;
    this.charts = [
      bucketChart(byId('flow-chart'), { type: 'bar', labels, yTitle: 'People', datasets: present.map(({ key, label }) => (
        { label, data: series[key], backgroundColor: FLOW_COLOURS[key], borderRadius: 3 })) }),
      bucketChart(byId('occupancy-chart'), { type: 'line', labels, yTitle: 'People', datasets: [...occupancy].map(([key, data], i) => ({
        label: names.get(key) || key, data, borderColor: PALETTE[i % PALETTE.length], backgroundColor: PALETTE[i % PALETTE.length], stepped: true, pointRadius: 2, spanGaps: true })) }),
    ];
  }

  /** names: zone key -> the stats' name (a zone counted without saving has no zone_name). */
  renderAlerts(alerts, names = new Map(), timeZone = undefined, total = alerts.length) {
    const items = alerts.map((alert) => h('li', { class: `alert-entry ${alert.ended_at ? 'alert-end' : 'alert-start'}` },
      h('span', { class: 'alert-time mono' }, formatTime(alert.started_at, { seconds: true, timeZone })),
      h('span', {}, `${isolated(alert.zone_name || names.get(alert.zone_key) || alert.zone_key)}: up to ${alert.peak_occupancy ?? '?'} people (limit ${alert.threshold ?? '?'})${alert.ended_at ? `, until ${formatTime(alert.ended_at, { seconds: true, timeZone })}` : ', still on'}`)));
    if (total > alerts.length) items.push(h('li', { class: 'muted small', 'data-testid': 'alerts-left-out' }, `The ${alerts.length} most recent of ${total} alerts; the CSV of events lists them all.`));
    byId('alert-list').replaceChildren(...(items.length ? items : [h('li', { class: 'muted' }, 'No alerts in this session.')]));
  }
}
