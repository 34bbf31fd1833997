import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DEFAULTS, readPageConfig, statsTimeZone } from '../../frontend/js/config/page_config.js';
import { BYTE_TRACKER_DEFAULTS } from '../../frontend/js/tracker/byte_tracker.js';
import { FLOOR_HEATMAP_DEFAULTS } from '../../frontend/js/counting/heatmap.js';

const JS_ROOT = fileURLToPath(new URL('../../frontend/js/', import.meta.url));

function pageScripts(folder = JS_ROOT) {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = `${folder}${entry.name}`;
    if (entry.isDirectory()) return pageScripts(`${path}/`);
    return entry.name.endsWith('.js') && !path.endsWith('config/page_config.js') ? [readFileSync(path, 'utf8')] : [];
  });
}

/** A document with a page-config script holding `json` and a CSRF meta tag. */
function fakeDocument(json) {
  return {
    getElementById: (id) => (id === 'page-config' ? { textContent: json } : null),
    querySelector: () => ({ content: 'token-1' }),
  };
}

test('no page setting is dead: every default is read by some page script', () => {
  const sources = pageScripts().join('\n');
  const unread = Object.keys(DEFAULTS).filter((key) => !new RegExp(`config\\.${key}\\b`).test(sources));
  assert.deepEqual(unread, []);
});

test('settings shared with the pipeline have one source', () => {
  assert.equal(DEFAULTS.scoreThreshold, BYTE_TRACKER_DEFAULTS.lowThreshold, 'the detector keeps what the tracker\'s second association uses');
  assert.equal(DEFAULTS.floorCellSize, FLOOR_HEATMAP_DEFAULTS.cellSize);
});

test('the template overrides defaults; unknown settings are refused', () => {
  const config = readPageConfig(fakeDocument('{"statsBucket": "15m", "heatmapDecayPerSecond": 0}'));
  assert.equal(config.statsBucket, '15m');
  assert.equal(config.heatmapDecayPerSecond, 0);
  assert.equal(config.trailLength, DEFAULTS.trailLength);
  assert.equal(config.csrfToken, 'token-1');
  assert.ok(Object.isFrozen(config));
  assert.throws(() => readPageConfig(fakeDocument('{"statsBuckt": "1h"}')), /Unknown page settings: statsBuckt/);
});

test('statistics, CSV and chart links use the profile time zone, the browser\'s only without one', () => {
  assert.equal(statsTimeZone({ id: 1, timezone: 'Asia/Tokyo' }, 'Europe/Berlin'), 'Asia/Tokyo');
  assert.equal(statsTimeZone({ id: 1, timezone: 'UTC' }, 'Europe/Berlin'), 'UTC');
  assert.equal(statsTimeZone({ id: 'anonymous' }, 'Europe/Berlin'), 'Europe/Berlin');
  assert.equal(statsTimeZone(null, 'Europe/Berlin'), 'Europe/Berlin');
});

test('the dashboard and the monitor ask for statistics in the profile time zone', () => {
  for (const page of ['dashboard/main.js', 'monitor/main.js']) {
    const source = readFileSync(`${JS_ROOT}${page}`, 'utf8');
    assert.match(source, /timeZone: statsTimeZone\(me\)/, page);
    assert.doesNotMatch(source, /browserTimeZone/, page);
  }
});
