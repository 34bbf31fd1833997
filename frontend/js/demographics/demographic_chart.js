// Stacked bars of counts by gender and by age band (Chart.js, the UMD build as window.Chart),
// shared by the monitor's live panel and the dashboard.
import { AGE_BANDS, GENDERS, bandLabel, genderLabel } from './bands.js';

const GENDER_COLOURS = { female: '#c026d3', male: '#2563eb', unknown: '#cbd5e1' };
const BAND_COLOURS = ['#fde68a', '#fbbf24', '#f59e0b', '#d97706', '#b45309', '#92400e', '#78350f', '#cbd5e1'];
const FONT = { family: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif', size: 11 };

function stackedOptions(yTitle) {
  return {
    animation: false, responsive: true, maintainAspectRatio: false,
    plugins: { legend: { position: 'bottom', labels: { boxWidth: 10, font: FONT } } },
    scales: {
      x: { stacked: true, ticks: { font: FONT } },
      y: { stacked: true, beginAtZero: true, ticks: { font: FONT, precision: 0 }, title: { display: true, text: yTitle, font: FONT } },
    },
  };
}

/**
 * Two stacked bar charts; update() takes bars [{ label, byGender: {gender: n}, byBand: {band: n} }]
 * (one bar per line direction or zone entry).
 */
export class DemographicCharts {
  constructor({ genderCanvas, bandCanvas }) {
    if (!globalThis.Chart) throw new Error('Chart.js did not load (/vendor/chart.js/chart.umd.js).');
    this.genderChart = new globalThis.Chart(genderCanvas, { type: 'bar', data: { labels: [], datasets: [] }, options: stackedOptions('By gender') });
    this.bandChart = new globalThis.Chart(bandCanvas, { type: 'bar', data: { labels: [], datasets: [] }, options: stackedOptions('By age band') });
  }

  update(bars) {
    const labels = bars.map((bar) => bar.label);
    this.genderChart.data.labels = labels;
    this.genderChart.data.datasets = GENDERS.map((gender) => ({ label: genderLabel(gender), backgroundColor: GENDER_COLOURS[gender], data: bars.map((bar) => bar.byGender[gender] || 0) }));
    this.bandChart.data.labels = labels;
    this.bandChart.data.datasets = AGE_BANDS.map((band, index) => ({ label: bandLabel(band), backgroundColor: BAND_COLOURS[index], data: bars.map((bar) => bar.byBand[band] || 0) }));
    this.genderChart.update('none');
    this.bandChart.update('none');
  }

  destroy() {
    this.genderChart.destroy();
    this.bandChart.destroy();
  }
}

/** "3 of 12 counted people had no estimate" (a sentence for the panel and the dashboard). */
export function unknownSentence(bars) {
  const total = bars.reduce((sum, bar) => sum + Object.values(bar.byGender).reduce((a, b) => a + b, 0), 0);
  const unknown = bars.reduce((sum, bar) => sum + (bar.byBand.unknown || 0), 0);
  if (!total) return 'Nobody counted yet.';
  return `${unknown} of ${total} counted people had no estimate (no usable face: too small, turned away or too brief).`;
}
