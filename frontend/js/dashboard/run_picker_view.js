// The dashboard's controls: the session list, the interval, the CSV links and the live state.
// Raises intents ({ onPickRun(runId), onBucketChange() }); knows nothing of the controller.
import { byId, h, formatDateTime } from '../ui/dom.js';
import { liveStateLabel } from './figures.js';
import { isolated } from '../ui/words.js';

/** A session's name in the list: its start in `timeZone` (the profile's, as the rest of the
 * dashboard), so the list and the session's own line below it say the same time. */
export function runOptionLabel(run, timeZone) {
  return `#${run.id} · ${isolated(run.label || run.source_kind)} · ${formatDateTime(run.started_at, { timeZone })}${run.ended_at ? '' : ' (running)'}`;
}

export class RunPickerView {
  constructor({ bucket }) {
    this.select = byId('run-select');
    this.bucketSelect = byId('bucket-select');
    this.bucketSelect.value = bucket;
    this.streamState = 'off';
    this.run = null;
  }

  bind({ onPickRun, onBucketChange }) {
    this.select.addEventListener('change', (event) => onPickRun(Number(event.target.value)));
    this.bucketSelect.addEventListener('change', () => onBucketChange());
  }

  get bucket() {
    return this.bucketSelect.value;
  }

  showRuns(runs, { timeZone } = {}) {
    byId('no-runs').hidden = runs.length > 0;
    this.select.replaceChildren(...runs.map((run) => h('option', { value: run.id }, runOptionLabel(run, timeZone))));
  }

  /** No session at all: the controls have nothing to pick. */
  hide() {
    byId('dashboard-controls-card').hidden = true;
  }

  showPicked(runId) {
    this.select.value = String(runId);
  }

  showCsvLinks({ buckets, events }) {
    byId('csv-buckets').href = buckets;
    byId('csv-events').href = events;
  }

  /** The stream's state ('live', 'reconnecting', 'closed', 'off'). */
  showLiveState(value) {
    this.streamState = value;
    this.renderLiveState();
  }

  /** The session shown: an ended one is never "Live", whatever the stream does. */
  showRun(run) {
    this.run = run;
    this.renderLiveState();
  }

  renderLiveState() {
    const { text, live } = liveStateLabel(this.streamState, this.run);
    byId('live-state').replaceChildren(h('span', { class: `live-dot ${live ? 'is-live' : ''}` }), text);
  }
}
