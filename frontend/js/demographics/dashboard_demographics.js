// The dashboard's "Who was counted" card: the session's age and gender counts (opt-in
// estimates made in the browser) as stacked bars per line direction and zone entry, how many
// counted people had no estimate, and the CSV and chart image of them. Hidden for sessions
// counted with the switch off.
import { byId, h } from '../ui/dom.js';
import { DemographicCharts, unknownSentence } from './demographic_chart.js';
import { legendName } from '../dashboard/charts.js';

const KIND_WORDS = { in: 'in', out: 'out', enter: 'entered' };

/** Pure: the API's totals as chart bars. */
export function barsFromTotals(totals) {
  return totals.map((row) => ({ label: `${legendName(row.name)} ${KIND_WORDS[row.kind] || row.kind}`, byGender: row.by_gender, byBand: row.by_age_band }));
}

export function demographicsUrl(runId, { bucket, tz }, suffix = '') {
  return `/api/runs/${runId}/demographics${suffix}?bucket=${encodeURIComponent(bucket)}&tz=${encodeURIComponent(tz)}`;
}

export class DashboardDemographics {
  constructor({ http }) {
    this.http = http;
    this.card = byId('demographics-card');
    this.charts = null;
  }

  /** Show the run's counts (or hide the card when it has none). */
  async show(runId, { bucket, tz }) {
    const body = await this.http.get(demographicsUrl(runId, { bucket, tz }));
    this.card.hidden = body.counted === 0;
    this.card.dataset.counted = body.counted;
    this.card.dataset.noEstimate = body.no_estimate;
    if (body.counted === 0) return body;
    this.charts ??= new DemographicCharts({ genderCanvas: byId('dash-demographics-gender'), bandCanvas: byId('dash-demographics-band') });
    const bars = barsFromTotals(body.totals);
    this.charts.update(bars);
    byId('dash-demographics-unknown').textContent = unknownSentence(bars);
    const chart = `/api/runs/${runId}/charts/demographics.png?tz=${encodeURIComponent(tz)}&v=${body.counted}`;
    byId('dash-demographics-links').replaceChildren(
      h('a', { class: 'button button-secondary button-small', href: demographicsUrl(runId, { bucket, tz }, '.csv'), download: '', dataset: { testid: 'csv-demographics' } }, 'CSV by gender and age'),
      h('a', { class: 'small', href: chart, target: '_blank', rel: 'noopener' }, 'Chart image'));
    return body;
  }
}
