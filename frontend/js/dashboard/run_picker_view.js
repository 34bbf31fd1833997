// The dashboard's controls: the session list, the interval, the CSV links and the live state.
// Raises intents ({ onPickRun(runId), onBucketChange() }); knows nothing of the controller.
import { byId, h, formatDateTime } from '../ui/dom.js';

export class RunPickerView {
  constructor({ bucket }) {
    this.select = byId('run-select');
    this.bucketSelect = byId('bucket-select');
    this.bucketSelect.value = bucket;
  }

  bind({ onPickRun, onBucketChange }) {
    this.select.addEventListener('change', (event) => onPickRun(Number(event.target.value)));
    this.bucketSelect.addEventListener('change', () => onBucketChange());
  }

  get bucket() {
    return this.bucketSelect.value;
  }

  showRuns(runs) {
    byId('no-runs').hidden = runs.length > 0;
    this.select.replaceChildren(...runs.map((run) => h('option', { value: run.id },
      `#${run.id} · ${run.label || run.source_kind} · ${formatDateTime(run.started_at)}${run.ended_at ? '' : ' (running)'}`)));
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

  showLiveState(value) {
    byId('live-state').replaceChildren(h('span', { class: `live-dot ${value === 'live' ? 'is-live' : ''}` }),
      value === 'live' ? 'Live' : value === 'reconnecting' ? 'Reconnecting…' : 'Not live');
  }
}
