// The end of a session: its summary card and its status line.
import { h, byId, formatDuration } from '../ui/dom.js';
import { zoneKey } from '../editor/zone_model.js';
import { countOf } from '../ui/words.js';

/** seconds: the time spent counting, pauses left out (pausedSeconds), so Speed is the machine's. */
export function renderSummary({ zones, finalResult, peaks, frames, seconds, pausedSeconds = 0, completed, wholeVideo, samples, runId }) {
  const tiles = [
    tile('Frames', frames, { stat: 'frames' }), tile('Time taken', formatDuration(seconds), { stat: 'seconds' }),
    tile('Speed', seconds > 0 ? `${(frames / seconds).toFixed(1)} frames/s` : '–', { stat: 'speed' }), tile('Samples saved', samples, { stat: 'samples' }),
  ];
  for (const zone of zones) {
    const key = zoneKey(zone);
    if (zone.kind === 'polygon') {
      const counts = finalResult.zones[key] || { entries: 0, exits: 0 };
      tiles.push(tile(zone.name, `peak ${peaks.get(key) || 0} · ${counts.entries} entered · ${counts.exits} left`, { color: zone.color, stat: key }));
    } else {
      const counts = finalResult.lines[key] || { in: 0, out: 0 };
      tiles.push(tile(zone.name, `${counts.in} in · ${counts.out} out`, { color: zone.color, stat: key, className: 'summary-line' }));
    }
  }
  byId('summary-grid').replaceChildren(...tiles);
  byId('summary-meta').textContent = summaryMeta({ wholeVideo, completed, runId, pausedSeconds });
  const card = byId('summary-card');
  card.dataset.samples = String(samples);
  card.dataset.runId = runId ? String(runId) : '';
  card.hidden = false;
}

/** The status line at the end of a run: finished (the video is done) or stopped (by the user). */
export function endMessage({ completed, frames, seconds, wholeVideo, queued }) {
  const saved = queued ? ` ${countOf(queued, 'batch', 'batches')} still waiting for the server; they are kept in this browser.` : ' Every count is saved.';
  if (completed) return `Finished: ${wholeVideo ? 'every one of the' : 'the video ended after'} ${frames} frames${wholeVideo ? ' counted' : ''}${seconds > 0 ? ` in ${formatDuration(seconds)}` : ''}.${saved}`;
  return `Stopped after ${frames} frames.${saved}`;
}

/** "Whole video · finished · session #4 · paused 1 min 05 s (not in the time taken)". */
export function summaryMeta({ wholeVideo, completed, runId, pausedSeconds = 0 }) {
  const paused = pausedSeconds >= 0.5 ? ` · paused ${formatDuration(pausedSeconds)} (not in the time taken)` : '';
  return `${wholeVideo ? 'Whole video' : 'Live'} · ${completed ? 'finished' : 'stopped'}${runId ? ` · session #${runId}` : ''}${paused}`;
}

function tile(label, value, { color = null, stat, className = '' } = {}) {
  return h('div', { class: `summary-tile ${className}`, style: color ? `border-left-color:${color}` : null, dataset: { stat } },
    h('span', { class: 'label' }, label), h('strong', {}, String(value)));
}
