// The per-camera / per-video switch "Estimate age and gender (on this device)", off by
// default, remembered in this browser per source (a local file's choice lasts for the visit).
import { byId } from '../ui/dom.js';

const STORAGE_PREFIX = 'people-counter.demographics.';

export class DemographicsSwitch {
  constructor({ storage = globalThis.localStorage, onChange = () => {} } = {}) {
    this.storage = storage;
    this.onChange = onChange;
    this.sourceKey = null;
    this.container = byId('demographics-switch');
    this.input = byId('demographics-toggle');
    this.input.addEventListener('change', () => {
      if (this.sourceKey) this.storage.setItem(STORAGE_PREFIX + this.sourceKey, this.input.checked ? 'on' : 'off');
      this.onChange(this.input.checked);
    });
  }

  /** A source was opened (sourceKey null for a local file): show its choice. */
  showFor(sourceKey) {
    this.sourceKey = sourceKey;
    this.input.checked = Boolean(sourceKey) && this.storage.getItem(STORAGE_PREFIX + sourceKey) === 'on';
    this.container.hidden = false;
  }

  /** Counting: the choice is fixed until the run stops. */
  setLocked(locked) {
    this.input.disabled = locked;
  }

  get on() {
    return !this.container.hidden && this.input.checked;
  }
}
