// The summary card shown when a session ends.
import { h, byId, formatDuration } from '../ui/dom.js';
import { zoneKey } from '../editor/zone_model.js';

export function renderSummary({ zones, finalResult, peaks, frames, seconds, completed, wholeVideo, samples, runId }) {
  const tiles = [
    tile('Frames', frames), tile('Time taken', formatDuration(seconds)),
    tile('Speed', seconds > 0 ? `${(frames / seconds).toFixed(1)} frames/s` : '–'), tile('Samples saved', samples),
  ];
  for (const zone of zones) {
    const key = zoneKey(zone);
    if (zone.kind === 'polygon') {
      const counts = finalResult.zones[key] || { entries: 0, exits: 0 };
      tiles.push(tile(zone.name, `peak ${peaks.get(key) || 0} · ${counts.entries} entered · ${counts.exits} left`, zone.color));
    } else {
      const counts = finalResult.lines[key] || { in: 0, out: 0 };
      tiles.push(tile(zone.name, `${counts.in} in · ${counts.out} out`, zone.color, 'summary-line'));
    }
  }
  byId('summary-grid').replaceChildren(...tiles);
  byId('summary-meta').textContent = `${wholeVideo ? 'Whole video' : 'Live'} · ${completed ? 'finished' : 'stopped'}${runId ? ` · session #${runId}` : ''}`;
  const card = byId('summary-card');
  card.dataset.samples = String(samples);
  card.dataset.runId = runId ? String(runId) : '';
  card.hidden = false;
}

function tile(label, value, color = null, testClass = '') {
  return h('div', { class: `summary-tile ${testClass}`, style: color ? `border-left-color:${color}` : null },
    h('span', { class: 'label' }, label), h('strong', {}, String(value)));
}
