// The page's one status area: a message line plus the connection/queue state. Never alert().
import { countOf } from './words.js';

export class StatusArea {
  constructor(element) {
    if (!element) throw new Error('StatusArea needs its element.');
    this.element = element;
    this.message = element.querySelector('[data-status-message]') || element;
    this.connection = element.querySelector('[data-status-connection]');
    this.timer = null;
  }

  /** kind: info | success | warning | error. Success and info fade back to calm after a while. */
  show(text, kind = 'info', { sticky = false } = {}) {
    clearTimeout(this.timer);
    this.message.textContent = text;
    this.element.classList.remove('is-error', 'is-success', 'is-warning');
    if (kind !== 'info') this.element.classList.add(`is-${kind}`);
    this.element.dataset.kind = kind;
    if (!sticky && (kind === 'success' || kind === 'info')) {
      this.timer = setTimeout(() => this.element.classList.remove('is-success'), 6000);
    }
  }

  error(error) {
    const text = typeof error === 'string' ? error : (error.describe ? error.describe() : error.message);
    this.show(text, 'error');
  }

  /** The queue's state: online/offline and how much waits to be sent. */
  showConnection({ online, queuedBatches, queuedSamples, sentSamples }) {
    if (!this.connection) return;
    // Nothing sent or waiting yet: the queue has not talked to the server, so the badge has
    // nothing true to say. It read "Connected" here, also long after the server had stopped.
    this.connection.hidden = online && !sentSamples && !queuedBatches;
    this.connection.classList.toggle('is-offline', !online);
    this.connection.classList.toggle('is-pending', online && queuedBatches > 0);
    // A "sample" meant nothing to an operator: it is a count reading, the figures of one
    // line, zone or the whole picture at one moment (one a second each).
    const queued = queuedBatches ? ` · ${queuedSamples ? countOf(queuedSamples, 'count reading') : 'counts'} waiting to be sent` : '';
    this.connection.textContent = online
      ? (sentSamples || queuedBatches ? `Saved ${countOf(sentSamples, 'count reading')}${queued}` : '')
      : `Offline: the server cannot be reached${queued}. They will be sent when it is back.`;
    this.connection.title = 'A count reading is what one line, zone or the whole picture showed at one moment: one a second each.';
    this.connection.dataset.online = String(online);
    this.connection.dataset.queuedBatches = String(queuedBatches);
    this.connection.dataset.sentSamples = String(sentSamples);
  }
}
