import { test } from 'node:test';
import assert from 'node:assert/strict';
import { localiseTimes } from '../../frontend/js/ui/dom.js';

/** A page with the profile's zone in <meta name="time-zone"> and server-written <time>s. */
function page(zone, times) {
  const elements = times.map(([iso, format]) => ({ getAttribute: () => iso, dataset: format ? { format } : {}, textContent: 'as written' }));
  return {
    elements,
    querySelector: (selector) => (selector === 'meta[name="time-zone"]' && zone ? { content: zone } : null),
    querySelectorAll: () => elements,
  };
}

test('server-written times are shown in the profile\'s zone, as the page says ("Times are in your time zone")', () => {
  const iso = '2026-03-01T15:30:00Z';   // 2 March, 00:30 in Tokyo
  const root = page('Asia/Tokyo', [[iso], [iso, 'date'], ['not a time']]);
  localiseTimes(root);
  const inTokyo = (options) => new Intl.DateTimeFormat(undefined, { ...options, timeZone: 'Asia/Tokyo' }).format(new Date(iso));
  assert.equal(root.elements[0].textContent, inTokyo({ dateStyle: 'medium', timeStyle: 'short' }));
  assert.equal(root.elements[1].textContent, inTokyo({ dateStyle: 'medium' }));
  assert.notEqual(root.elements[1].textContent, new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(iso)));
  assert.equal(root.elements[2].textContent, 'as written');
});

test('signed out (no zone in the page), the browser\'s zone', () => {
  const iso = '2026-03-01T15:30:00Z';
  const root = page(null, [[iso]]);
  localiseTimes(root);
  assert.equal(root.elements[0].textContent, new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso)));
});
