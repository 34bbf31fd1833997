import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusArea } from '../../frontend/js/ui/status_area.js';

function fakeArea() {
  const classes = () => ({ toggle() {}, add() {}, remove() {} });
  const connection = { hidden: true, classList: classes(), dataset: {}, textContent: '' };
  const message = { textContent: '' };
  const element = {
    classList: classes(), dataset: {},
    querySelector: (selector) => (selector === '[data-status-connection]' ? connection : message),
  };
  return { area: new StatusArea(element), connection };
}

test('the connection badge counts count readings in words that fit the number', () => {
  const { area, connection } = fakeArea();
  // It said "Saved 1 samples" after the first sample of a session, and "1 samples in 1 batch
  // waiting" while offline; then "Saved 12 samples · 1 sample in 1 batch waiting", which
  // told an operator nothing: a sample is a count reading, and batches are the app's affair.
  area.showConnection({ online: true, queuedBatches: 0, queuedSamples: 0, sentSamples: 1 });
  assert.equal(connection.textContent, 'Saved 1 count reading');
  area.showConnection({ online: true, queuedBatches: 1, queuedSamples: 1, sentSamples: 12 });
  assert.equal(connection.textContent, 'Saved 12 count readings · 1 count reading waiting to be sent');
  area.showConnection({ online: false, queuedBatches: 2, queuedSamples: 5, sentSamples: 0 });
  assert.equal(connection.textContent, 'Offline: the server cannot be reached · 5 count readings waiting to be sent. They will be sent when it is back.');
  area.showConnection({ online: true, queuedBatches: 1, queuedSamples: 0, sentSamples: 4 });
  assert.equal(connection.textContent, 'Saved 4 count readings · counts waiting to be sent');
  assert.match(connection.title, /one line, zone or the whole picture .* one a second/);
  area.showConnection({ online: true, queuedBatches: 0, queuedSamples: 0, sentSamples: 0 });
  assert.equal(connection.hidden, true);
});

// Before anything was sent the badge said "Connected": the queue had not asked the server
// anything, and a monitor left open kept saying it after the server had stopped.
test('the connection badge claims nothing before anything was sent', () => {
  const { area, connection } = fakeArea();
  area.showConnection({ online: true, queuedBatches: 0, queuedSamples: 0, sentSamples: 0 });
  assert.equal(connection.hidden, true);
  assert.equal(connection.textContent, '');
  area.showConnection({ online: false, queuedBatches: 1, queuedSamples: 3, sentSamples: 0 });
  assert.equal(connection.hidden, false);
  assert.match(connection.textContent, /^Offline/);
  area.showConnection({ online: true, queuedBatches: 0, queuedSamples: 0, sentSamples: 3 });
  assert.equal(connection.hidden, false);
  assert.equal(connection.textContent, 'Saved 3 count readings');
});
