// Alerts: a banner while any zone is over its threshold, a log, and an optional beep (WebAudio).
import { h } from '../ui/dom.js';
import { isolated } from '../ui/words.js';

export class AlertsPanel {
  constructor({ banner, log, soundToggle, emptyText = 'No alerts yet.' }) {
    this.banner = banner;
    this.log = log;
    this.soundToggle = soundToggle;
    this.emptyText = emptyText;
    this.active = new Map(); // zone key -> { name, since, occupancy, threshold }
    this.audioContext = null;
    this.count = 0;
    this.log.replaceChildren(h('li', { class: 'muted empty' }, emptyText));
  }

  /** Engine events of one frame; names: zone key -> display name; clock: wall time label. */
  handle(events, { names, timeLabel }) {
    for (const event of events) {
      if (event.type !== 'alert_start' && event.type !== 'alert_end') continue;
      const name = isolated(names.get(event.zoneId) || event.zoneId);
      if (event.type === 'alert_start') {
        this.active.set(event.zoneId, { name, occupancy: event.occupancy, threshold: event.threshold });
        this.append(`${name}: ${event.occupancy} people, above the limit of ${event.threshold}`, 'start', timeLabel);
        this.beep();
      } else {
        this.active.delete(event.zoneId);
        this.append(`${name}: back to ${event.occupancy}${event.peakOccupancy !== undefined ? ` (peak ${event.peakOccupancy})` : ''}`, 'end', timeLabel);
      }
    }
    this.renderBanner();
  }

  /** Keep the banner's numbers current while alerts are on (zones: the engine's zone counts). */
  refresh(zones) {
    if (!this.active.size) return;
    for (const [key, alert] of this.active) {
      if (zones[key]) alert.occupancy = zones[key].occupancy;
    }
    this.renderBanner();
  }

  append(text, kind, timeLabel) {
    this.count += 1;
    const empty = this.log.querySelector('.empty');
    if (empty) empty.remove();
    this.log.prepend(h('li', { class: `alert-entry alert-${kind}`, 'data-testid': 'alert-entry' },
      h('span', { class: 'alert-time mono' }, timeLabel), h('span', {}, text)));
  }

  renderBanner() {
    if (!this.active.size) {
      this.banner.hidden = true;
      return;
    }
    const parts = [...this.active.values()].map((alert) => `${alert.name} has ${alert.occupancy} people (limit ${alert.threshold})`);
    this.banner.textContent = `Too full: ${parts.join(' · ')}`;
    this.banner.hidden = false;
  }

  beep() {
    if (!this.soundToggle || !this.soundToggle.checked) return;
    const AudioContext = globalThis.AudioContext || globalThis.webkitAudioContext;
    if (!AudioContext) return;
    this.audioContext = this.audioContext || new AudioContext();
    const context = this.audioContext;
    const oscillator = context.createOscillator();
    const gain = context.createGain();
    oscillator.frequency.value = 880;
    gain.gain.setValueAtTime(0.0001, context.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.25, context.currentTime + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, context.currentTime + 0.45);
    oscillator.connect(gain).connect(context.destination);
    oscillator.start();
    oscillator.stop(context.currentTime + 0.5);
  }

  reset() {
    this.active.clear();
    this.count = 0;
    this.log.replaceChildren(h('li', { class: 'muted empty' }, this.emptyText));
    this.renderBanner();
  }
}
