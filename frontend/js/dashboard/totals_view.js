// The per-zone table of the live panel: lines (line in / out) and zones (now, peak, entered,
// left, dwell) in groups of their own, so no column mixes the two (figures.js).
import { h } from '../ui/dom.js';
import { zoneKey } from '../editor/zone_model.js';

function groupHeader(cells) {
  return h('tr', { class: 'table-group' }, ...cells.map(([text, className]) => h('th', { class: className || '' }, text)));
}

function zoneRow(zone, { result, peaks, dwell }) {
  const key = zoneKey(zone);
  const swatch = h('span', { class: 'swatch', style: `background:${zone.color}` });
  const counts = (result && result.zones[key]) || { occupancy: 0, entries: 0, exits: 0, alertActive: false };
  const averageDwell = dwell.get(key);
  return h('tr', { class: counts.alertActive ? 'is-alert' : '', dataset: { zoneKey: key }, 'data-testid': 'totals-row' },
    h('td', { class: 'zone-name' }, swatch, zone.name), h('td', { class: 'num', 'data-testid': 'occupancy' }, counts.occupancy),
    h('td', { class: 'num' }, peaks.get(key) || 0), h('td', { class: 'num', 'data-testid': 'zone-entered' }, counts.entries),
    h('td', { class: 'num', 'data-testid': 'zone-left' }, counts.exits),
    h('td', { class: 'num' }, averageDwell ? `${averageDwell.toFixed(1)} s` : '–'));
}

function lineRow(zone, { result }) {
  const key = zoneKey(zone);
  const swatch = h('span', { class: 'swatch', style: `background:${zone.color}` });
  const counts = (result && result.lines[key]) || { in: 0, out: 0 };
  return h('tr', { dataset: { zoneKey: key }, 'data-testid': 'totals-row' },
    h('td', { class: 'zone-name' }, swatch, zone.name), h('td', { class: 'num', 'data-testid': 'line-in' }, counts.in),
    h('td', { class: 'num', 'data-testid': 'line-out' }, counts.out), h('td', { colspan: 3 }));
}

export function renderTotals(tbody, { zones, result, peaks, dwell }) {
  const lines = zones.filter((zone) => zone.kind !== 'polygon');
  const areas = zones.filter((zone) => zone.kind === 'polygon');
  const rows = [];
  if (lines.length) {
    rows.push(groupHeader([['Line'], ['Line in', 'num'], ['Line out', 'num'], ['', ''], ['', ''], ['', '']]));
    rows.push(...lines.map((zone) => lineRow(zone, { result })));
  }
  if (areas.length) {
    rows.push(groupHeader([['Zone'], ['Now', 'num'], ['Peak', 'num'], ['Entered', 'num'], ['Left', 'num'], ['Dwell', 'num']]));
    rows.push(...areas.map((zone) => zoneRow(zone, { result, peaks, dwell })));
  }
  if (!rows.length) rows.push(h('tr', {}, h('td', { colspan: 6, class: 'muted' }, 'Draw a line or a zone on the video to count.')));
  tbody.replaceChildren(...rows);
}

/** Pure: running average dwell per zone from leave events. */
export class DwellAverages {
  constructor() { this.sums = new Map(); }
  observe(events) {
    for (const event of events) {
      if (event.type !== 'leave' || !Number.isFinite(event.dwellSeconds)) continue;
      const [sum, count] = this.sums.get(event.zoneId) || [0, 0];
      this.sums.set(event.zoneId, [sum + event.dwellSeconds, count + 1]);
    }
  }
  get(key) {
    const entry = this.sums.get(key);
    return entry ? entry[0] / entry[1] : null;
  }
  reset() { this.sums.clear(); }
}
