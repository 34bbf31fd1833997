// The monitor's side panel while counting: KPIs, the per-zone table, charts and alerts.
import { LiveSeries } from '../dashboard/live_series.js';
import { OccupancyChart, FlowChart } from '../dashboard/charts.js';
import { AlertsPanel } from '../dashboard/alerts_panel.js';
import { renderTotals, DwellAverages } from '../dashboard/totals_view.js';
import { zoneKey } from '../editor/zone_model.js';
import { byId } from '../ui/dom.js';
import { liveFigures } from '../dashboard/figures.js';

const REFRESH_SECONDS = 0.25;
// The charts move by whole intervals and a Chart.js update costs ~25 ms of the page's frame
// time on a laptop core: once a second is enough for them.
const CHART_REFRESH_SECONDS = 1;

/** Which live charts have something to show for these zones: occupancy needs a zone
 * (polygon), line in / out a line or band. The others show a note instead of empty axes. */
export function chartsFor(zones) {
  return { occupancy: zones.some((zone) => zone.kind === 'polygon'), flow: zones.some((zone) => zone.kind !== 'polygon') };
}

function showCharts(zones) {
  const shown = chartsFor(zones);
  for (const name of ['occupancy', 'flow']) {
    byId(`${name}-chart-box`).hidden = !shown[name];
    byId(`${name}-chart-empty`).hidden = shown[name];
  }
}

export class LivePanel {
  constructor({ config }) {
    this.series = new LiveSeries({ windowSeconds: config.chartWindowSeconds, intervalSeconds: config.chartIntervalSeconds });
    this.occupancyChart = new OccupancyChart(byId('occupancy-chart'));
    this.flowChart = new FlowChart(byId('flow-chart'), { intervalSeconds: config.chartIntervalSeconds });
    this.alerts = new AlertsPanel({ banner: byId('alert-banner'), log: byId('alert-log'), soundToggle: byId('alert-sound') });
    this.dwell = new DwellAverages();
    this.zones = [];
    this.zonesByKey = new Map();
    this.lastRefresh = -Infinity;
    this.lastChartRefresh = -Infinity;
    this.lastOutput = null;
  }

  /** New session: these zones, nothing counted yet. */
  reset(zones) {
    this.zones = zones;
    this.zonesByKey = new Map(zones.map((zone) => [zoneKey(zone), zone]));
    this.series.reset();
    this.dwell.reset();
    this.alerts.reset();
    this.lastRefresh = -Infinity;
    this.lastChartRefresh = -Infinity;
    this.lastOutput = null;
    showCharts(zones);
    this.render(null, new Map());
  }

  /** While not counting: list the drawn zones with zero counts. */
  showZones(zones) {
    this.zones = zones;
    this.zonesByKey = new Map(zones.map((zone) => [zoneKey(zone), zone]));
    renderTotals(byId('totals-body'), { zones, result: null, peaks: new Map(), dwell: this.dwell });
    showCharts(zones);
  }

  /**
   * The events of one detector run (visits ended with their dwell, alerts started or ended),
   * once per run. Live with the detector cadence a run's result enters the pipeline between
   * shown frames, which are predictions without events, so events come here, not in update().
   */
  observeEvents(events, { timeLabel }) {
    if (!events.length) return;
    this.dwell.observe(events);
    const names = new Map([...this.zonesByKey].map(([key, zone]) => [key, zone.name]));
    this.alerts.handle(events, { names, timeLabel });
  }

  /** Per frame shown; the DOM is refreshed a few times a second. */
  update(output, { timestamp, peaks }) {
    this.series.observe(output.result, timestamp);
    this.lastOutput = output;
    if (timestamp - this.lastRefresh >= REFRESH_SECONDS || timestamp < this.lastRefresh) {
      this.lastRefresh = timestamp;
      const charts = timestamp - this.lastChartRefresh >= CHART_REFRESH_SECONDS || timestamp < this.lastChartRefresh;
      if (charts) this.lastChartRefresh = timestamp;
      this.render(output, peaks, { charts });
      this.alerts.refresh(output.result.zones);
    }
  }

  /** Final numbers (e.g. after the engine's flush at the end of a video). */
  finish(finalResult, peaks) {
    if (this.lastOutput) {
      const result = { ...this.lastOutput.result, ...finalResult };
      // The frames after the charts' last ~0.5 s sample and the flush (the last crossings made
      // final, everyone gone from the zones) enter the charts too, not only the totals.
      this.series.observe(result, finalResult?.timestamp ?? this.lastOutput.timestamp, { final: true });
      this.render({ ...this.lastOutput, result }, peaks);
    }
    // Nobody is in view of a run that has ended: not the last frame's count.
    byId('kpi-people').textContent = '–';
  }

  render(output, peaks, { charts = true } = {}) {
    const result = output ? output.result : null;
    const figures = liveFigures(result);
    byId('kpi-people').textContent = output ? output.personCount : 0;
    byId('kpi-in').textContent = figures.line_in;
    byId('kpi-out').textContent = figures.line_out;
    byId('kpi-zone-entered').textContent = figures.zone_entered;
    byId('kpi-zone-left').textContent = figures.zone_left;
    byId('kpi-peak').textContent = Math.max(0, ...peaks.values());
    renderTotals(byId('totals-body'), { zones: this.zones, result, peaks, dwell: this.dwell });
    if (!charts) return;
    this.occupancyChart.update(this.series, this.zonesByKey);
    this.flowChart.update(this.series);
  }
}
