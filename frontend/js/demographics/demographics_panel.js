// The monitor's demographics card while counting: stacked bars of who went in and out of each
// line (and entered each zone) by gender and age band, and how many had no estimate.
import { byId } from '../ui/dom.js';
import { zoneKey } from '../editor/zone_model.js';
import { DemographicCharts, unknownSentence } from './demographic_chart.js';
import { legendName } from '../dashboard/charts.js';

const REFRESH_SECONDS = 0.5;

/** The bars of a tally for these editor zones: lines and bands in and out, zones entered. */
export function barsFor(zones, tally) {
  const bars = [];
  for (const zone of zones) {
    const key = zoneKey(zone);
    const kinds = zone.kind === 'polygon' ? [['enter', 'entered']] : [['in', 'in'], ['out', 'out']];
    for (const [kind, word] of kinds) bars.push({ label: `${legendName(zone.name)} ${word}`, ...tally.totalsOf(key, kind) });
  }
  return bars;
}

export class DemographicsPanel {
  constructor() {
    this.card = byId('demographics-card');
    this.note = byId('demographics-unknown');
    this.charts = null;
    this.lastRefresh = -Infinity;
  }

  /** A run starts with the switch on (shows the card) or off (hides it). */
  start(on, zones, tally, runner = null) {
    this.card.hidden = !on;
    this.zones = zones;
    this.tally = tally;
    this.runner = runner;
    this.lastRefresh = -Infinity;
    if (!on) return;
    this.charts ??= new DemographicCharts({ genderCanvas: byId('demographics-gender-chart'), bandCanvas: byId('demographics-band-chart') });
    this.render();
  }

  update(timestamp) {
    if (!this.tally || (timestamp - this.lastRefresh < REFRESH_SECONDS && timestamp >= this.lastRefresh)) return;
    this.lastRefresh = timestamp;
    this.render();
  }

  render() {
    if (!this.tally || !this.charts) return;
    const bars = barsFor(this.zones, this.tally);
    this.charts.update(bars);
    const faces = this.runner ? ` Faces looked at: ${this.runner.tried}, usable: ${this.runner.found}.` : '';
    const waiting = this.tally.waitingCount ? ` ${this.tally.waitingCount} more just counted, estimate coming.` : '';
    this.note.textContent = unknownSentence(bars) + waiting + faces;
    if (this.runner) Object.assign(this.card.dataset, { facesTried: this.runner.tried, facesFound: this.runner.found, failures: this.runner.failures });
  }
}
